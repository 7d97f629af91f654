import type { Language } from '../kernel/index.js';
import type { Overdue } from './core-indicators.js';

/** The weights of the evaluation index (考核指数); docs/cockpit.md states the same formula. */
export const RANKING_WEIGHTS = { catalogIndex: 0.7, fixRate: 15, demandTimeliness: 15 } as const;

export type RankingFlag = 'overdue_demands' | 'overdue_corrections' | 'falling';

export interface RankingRow {
  rank: number;
  org: { code: string; name: string };
  score: number;
  /** Last month's score, null when none was kept. */
  previous: number | null;
  change: number | null;
  parts: { catalogIndex: number; fixRate: number | null; demandTimeliness: number | null };
  overdue: { demands: number; corrections: number };
  flags: RankingFlag[];
}

export interface Ranking {
  month: string;
  previousMonth: string;
  formula: string;
  rows: RankingRow[];
}

const FORMULA = {
  zh: '考核指数 = 0.7 × 数据共享开放评估指数 + 15 × 问题数据整改率 + 15 × 需求按期率（无数据的比率按 1 计）',
  en: 'score = 0.7 × the catalog evaluation index + 15 × fix rate + 15 × demand timeliness (a rate without data counts as 1)',
};

/**
 * 考核指数 of each department, 0–100: 0.7 × the catalog's evaluation index (src/catalog's
 * indicatorRow, itself 0–100) + 15 × the fix rate (0–1) + 15 × demand timeliness (0–1: demands
 * with no step done after or past its deadline, of the department's demands). A rate with nothing to divide
 * counts as 1. Ranked best first; red flags: overdue steps now, and a score below last month's.
 */
export function rankingOf(input: {
  month: string;
  previousMonth: string;
  departments: Array<{ code: string; name: string }>;
  catalogIndex: (org: string) => number;
  fix: (org: string) => { n: number; d: number | null } | undefined;
  overdue: (org: string) => Overdue | undefined;
  previous: Map<string, number>;
  language: Language;
}): Ranking {
  const rows = input.departments.map((d) => {
    const fix = input.fix(d.code);
    const fixRate = fix && fix.d ? fix.n / fix.d : null;
    const o = input.overdue(d.code) ?? { demands: 0, demandsLate: 0, demandsTotal: 0, corrections: 0 };
    const demandTimeliness = o.demandsTotal > 0 ? (o.demandsTotal - o.demandsLate) / o.demandsTotal : null;
    const catalogIndex = input.catalogIndex(d.code);
    const score =
      Math.round(
        10 *
          (RANKING_WEIGHTS.catalogIndex * catalogIndex +
            RANKING_WEIGHTS.fixRate * (fixRate ?? 1) +
            RANKING_WEIGHTS.demandTimeliness * (demandTimeliness ?? 1)),
      ) / 10;
    const previous = input.previous.get(d.code) ?? null;
    const change = previous === null ? null : Math.round(10 * (score - previous)) / 10;
    const flags: RankingFlag[] = [];
    if (o.demands > 0) flags.push('overdue_demands');
    if (o.corrections > 0) flags.push('overdue_corrections');
    if (change !== null && change < 0) flags.push('falling');
    return {
      rank: 0,
      org: { code: d.code, name: d.name },
      score,
      previous,
      change,
      parts: {
        catalogIndex,
        fixRate: fixRate === null ? null : Math.round(1000 * fixRate) / 1000,
        demandTimeliness: demandTimeliness === null ? null : Math.round(1000 * demandTimeliness) / 1000,
      },
      overdue: { demands: o.demands, corrections: o.corrections },
      flags,
    };
  });
  rows.sort((a, b) => b.score - a.score || a.org.code.localeCompare(b.org.code));
  rows.forEach((r, i) => (r.rank = i > 0 && rows[i - 1]!.score === r.score ? rows[i - 1]!.rank : i + 1));
  return {
    month: input.month,
    previousMonth: input.previousMonth,
    formula: input.language === 'en' ? FORMULA.en : FORMULA.zh,
    rows,
  };
}
