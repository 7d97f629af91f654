/** The hub's quality API as the web app reads it (src/http/routes/quality.ts). */
export type CorrectionState = 'open' | 'accepted' | 'rejected';
export type RuleKind = 'regex' | 'range' | 'unique' | 'referential' | 'freshness';
export type Severity = 'reject' | 'warn';

export interface Correction {
  id: number;
  resource: { code: string; name: string; provider: { code: string; name: string } };
  key: string;
  field: { name: string; label: string };
  claimedValue: string;
  proposedValue: string | null;
  note: string;
  reporter: { kind: 'citizen' | 'consumer' | 'operator'; org: string | null; self: boolean };
  state: CorrectionState;
  filedAt: string;
  dueDate: string;
  overdue: boolean;
  workingDaysLeft: number | null;
  flaggedAt: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  rejectReason: string | null;
  newValue: string | number | boolean | null;
  masked: boolean;
}

export interface CorrectionPage {
  items: Correction[];
  total: number;
  page: number;
  pageSize: number;
}

export interface QualityRule {
  id?: string;
  field: string;
  kind: RuleKind;
  severity: Severity;
  description?: string;
  pattern?: string;
  min?: number | string;
  max?: number | string;
  refResource?: string;
  refField?: string;
  maxAgeDays?: number;
}

export interface RuleSet {
  resource: string;
  version: number;
  rules: QualityRule[];
  builtins: Array<{ id: string; field: string; severity: Severity; description: string }>;
  setBy: string | null;
  setAt: string | null;
}

export interface CorrectionIndicators {
  reported: number;
  fixed: number;
  rejected: number;
  open: number;
  overdue: number;
  fixRate: number | null;
  medianFixHours: number | null;
  onTimeRate: number | null;
}
