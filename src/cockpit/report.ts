import { existsSync } from 'node:fs';
import { HubError, msg, type Language } from '../kernel/index.js';
import type { Ranking, RankingFlag } from './ranking.js';
import type { IndicatorValue } from './service.js';

/** Debian's fonts-wqy-microhei (the CI installs it); QDH_CJK_FONT names another TTF/TTC with CJK glyphs. */
export const DEFAULT_CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

const TEXT = {
  title: { zh: '城市数据驾驶舱月度报告', en: 'City data cockpit: monthly report' },
  month: { zh: '月份', en: 'Month' },
  generated: { zh: '生成时间', en: 'Generated' },
  indicators: { zh: '一、指标与目标（全市）', en: '1. Indicators and targets (city-wide)' },
  ranking: { zh: '二、部门考核指数', en: '2. Department evaluation index' },
  head: {
    zh: ['指标', '数值', '目标', '达标', '分子 / 分母'],
    en: ['Indicator', 'Value', 'Target', 'Met', 'Numerator / denominator'],
  },
  rankHead: {
    zh: ['排名', '部门', '考核指数', '上月', '环比', '预警'],
    en: ['Rank', 'Department', 'Score', 'Last month', 'Change', 'Flags'],
  },
  yes: { zh: '是', en: 'yes' },
  no: { zh: '否', en: 'no' },
  none: { zh: '无数据', en: 'no data' },
  days: { zh: '个工作日', en: 'working days' },
  formula: { zh: '计算公式', en: 'Formula' },
  definitions: {
    zh: '各指标的分子、分母与统计期见驾驶舱页面及 docs/cockpit.md；全市数值为各部门分子之和除以分母之和。',
    en: 'Each indicator’s numerator, denominator and period: the cockpit page and docs/cockpit.md; the city’s figure is the departments’ numerators over their denominators, summed.',
  },
} as const;

const FLAGS: Record<RankingFlag, { zh: string; en: string }> = {
  overdue_demands: { zh: '需求逾期', en: 'demands overdue' },
  overdue_corrections: { zh: '纠错逾期', en: 'corrections overdue' },
  falling: { zh: '得分下降', en: 'score falling' },
};

/**
 * The printable monthly report (月度报告): the city's indicators against their targets and the
 * department ranking with its flags, as an A4 PDF (pdfkit, the CJK font embedded as a subset).
 */
export async function monthlyReport(
  input: { month: string; indicators: IndicatorValue[]; ranking: Ranking; language: Language; now: Date },
  fontPath = process.env.QDH_CJK_FONT ?? DEFAULT_CJK_FONT,
): Promise<Buffer> {
  if (!existsSync(fontPath)) throw new HubError('CKP_NO_FONT', msg('cockpit.noFont', { path: fontPath }));
  const lang = input.language === 'en' ? 'en' : 'zh';
  // pdfkit (and its font engine), loaded on first use: a fifth of a second of every process's start.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: `${TEXT.title[lang]} ${input.month}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', fontPath, fontPath.endsWith('.ttc') ? 'WenQuanYiMicroHei' : undefined);
  doc.font('cjk');
  const left = doc.page.margins.left;
  const bottom = () => doc.page.height - doc.page.margins.bottom - 20;

  const table = (head: readonly string[], widths: number[], rows: string[][], colours?: Array<string | undefined>) => {
    const line = (cells: readonly string[], bold: boolean, colour?: string) => {
      const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i]! - 6 }))) + 6;
      if (doc.y + height > bottom()) doc.addPage();
      const y = doc.y;
      let x = left;
      cells.forEach((c, i) => {
        doc.fillColor(i === 2 && colour ? colour : bold ? '#1d4e89' : '#222222');
        doc.text(c, x + 3, y + 3, { width: widths[i]! - 6 });
        x += widths[i]!;
      });
      doc
        .moveTo(left, y + height)
        .lineTo(left + widths.reduce((a, b) => a + b, 0), y + height)
        .strokeColor('#dddddd')
        .stroke();
      doc.x = left;
      doc.y = y + height;
    };
    doc.fontSize(9);
    line(head, true);
    rows.forEach((r, n) => line(r, false, colours?.[n]));
    doc.moveDown();
  };

  doc.fontSize(18).fillColor('#1d4e89').text(TEXT.title[lang]);
  doc
    .fontSize(10)
    .fillColor('#555555')
    .text(
      `${TEXT.month[lang]}：${input.month}    ${TEXT.generated[lang]}：${input.now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    );
  doc.moveDown();

  const format = (i: IndicatorValue, v: number | null) =>
    v === null
      ? TEXT.none[lang]
      : i.unit === 'percent'
        ? `${v.toFixed(1)}%`
        : i.unit === 'days'
          ? `${v.toFixed(1)} ${TEXT.days[lang]}`
          : v.toLocaleString('en');
  doc.fontSize(13).fillColor('#1d4e89').text(TEXT.indicators[lang]);
  doc.moveDown(0.3);
  table(
    TEXT.head[lang],
    [150, 90, 90, 50, 119],
    input.indicators.map((i) => [
      i.name,
      format(i, i.value),
      i.target === null ? '—' : `${{ '>=': '≥', '>': '>', '<=': '≤' }[i.targetOp!]} ${format(i, i.target)}`,
      i.met === null ? '—' : i.met ? TEXT.yes[lang] : TEXT.no[lang],
      i.denominator === null ? String(i.numerator) : `${i.numerator} / ${i.denominator}`,
    ]),
  );

  doc.fontSize(13).fillColor('#1d4e89').text(TEXT.ranking[lang]);
  doc.moveDown(0.3);
  table(
    TEXT.rankHead[lang],
    [40, 170, 60, 60, 50, 119],
    input.ranking.rows.map((r) => [
      String(r.rank),
      r.org.name,
      r.score.toFixed(1),
      r.previous === null ? '—' : r.previous.toFixed(1),
      r.change === null ? '—' : `${r.change > 0 ? '+' : ''}${r.change.toFixed(1)}`,
      r.flags.map((f) => FLAGS[f][lang]).join(lang === 'zh' ? '、' : ', ') || '—',
    ]),
    input.ranking.rows.map((r) => (r.flags.length > 0 ? '#cf1322' : undefined)),
  );
  doc.fontSize(9).fillColor('#555555').text(`${TEXT.formula[lang]}：${input.ranking.formula}`);
  doc.moveDown(0.5);
  doc.text(TEXT.definitions[lang]);
  doc.end();
  return done;
}
