export type Status = 'draft' | 'submitted' | 'returned' | 'approved' | 'published';
export type UpdateFrequency = 'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly' | 'irregular';
export type Format = 'table' | 'file' | 'api';
export type MountKind = 'records' | 'table' | 'service';

export interface Field {
  name: string;
  label: string;
  element?: string;
  type: string;
  required: boolean;
  sensitivity: number;
  maxLength?: number;
  codeList?: string[];
}

export interface ResourceSummary {
  code: string;
  name: string;
  summary: string;
  provider: { code: string; name: string };
  category: string;
  shareType: string;
  shareCondition: string;
  openType: string;
  level: string;
  suggestedLevel: string;
  flags: string[];
  status: Status;
  updateFrequency: string;
  format: string;
  keywords: string[];
  keyField: string;
  recordCount: number;
  version: number;
  updatedAt: string;
  publishedAt: string | null;
}

export interface Resource extends ResourceSummary {
  fields: Field[];
  levelReason: string;
  mount: { kind: MountKind; target?: string };
  createdAt: string;
  returnReason: string | null;
  canEdit: boolean;
  canSubmit: boolean;
  canReview: boolean;
  canPublish: boolean;
  canBrowse: boolean;
  canUpload: boolean;
}

/** What a provider sends to register (POST) or edit (PUT, with `baseVersion`) a resource. */
export interface ResourceInput {
  name: string;
  summary: string;
  category: string;
  shareType: string;
  shareCondition?: string;
  openType: string;
  level: string;
  levelReason?: string;
  updateFrequency: UpdateFrequency;
  format: Format;
  keywords: string[];
  mount?: { kind: MountKind; target?: string };
  keyField: string;
  fields: Field[];
}

export type Facet = 'provider' | 'category' | 'shareType' | 'openType' | 'level';

export interface SearchResult {
  items: ResourceSummary[];
  total: number;
  facets: Partial<Record<Facet, Record<string, number>>>;
}

export interface VersionEvent {
  version: number;
  action: 'create' | 'edit' | 'submit' | 'approve' | 'return' | 'publish' | 'import';
  actor: string;
  at: string;
  note: string | null;
  diff: Array<{ path: string; before: unknown; after: unknown }>;
}

export interface DataElement {
  code: string;
  name: string;
  type: string;
  format: string;
  maxLength?: number;
  sensitivity: number;
  masking: string;
  codeList?: string[];
  description: string;
}

export interface Suggestion {
  level: string;
  fields: Array<{ name: string; sensitivity: number }>;
}

export interface Task {
  id: number;
  kind: string;
  title: string;
  ref: string;
  org: string;
  dueDate: string | null;
  /** Past its due date and still open, as the hub counts working days. */
  overdue?: boolean;
  state: 'open' | 'done';
  createdAt: string;
}

export type NodeKind = 'org' | 'resource' | 'field' | 'element' | 'consumer';

export interface AssetMap {
  nodes: Array<{ id: string; kind: NodeKind; label: string }>;
  links: Array<{ source: string; target: string; kind: string }>;
}

export interface Rates {
  resources: number;
  published: number;
  catalogRate: number | null;
  mountRate: number | null;
  timeliness: number | null;
  sharingRate: number | null;
  openRate: number | null;
  index: number;
}

export interface IndicatorRow extends Rates {
  code: string;
  name: string;
}

export interface Indicators {
  city: Rates & { departments: number };
  organizations: IndicatorRow[];
}

export interface Org {
  code: string;
  name: string;
  kind: string;
}

/** A registered purpose (用途): a stable code and its Chinese name. */
export interface PurposeRef {
  code: string;
  name: string;
}

export type GrantState = 'active' | 'suspended' | 'revoked';

export interface Grant {
  id: number;
  consumer: { code: string; name: string };
  resource: { code: string; name: string };
  fields: string[];
  /** Granted fields that leave masked. */
  masked: string[];
  /** The registered purposes the consumer may read for; each call states one. */
  purposes: PurposeRef[];
  expiresAt: string | null;
  dailyQuota: number | null;
  ratePerSecond: number | null;
  /** The demand whose publication created the grant. */
  demandId: number | null;
  state: GrantState;
  createdAt: string;
}

export type DemandState = 'basis_review' | 'filed' | 'confirmed' | 'refused' | 'published';
export type DemandStepName = 'confirm' | 'publish';

/** One deadline of a demand: open until done; `workingDaysLeft` is negative once overdue. */
export interface DemandStep {
  step: DemandStepName;
  dueDate: string | null;
  doneAt: string | null;
  overdue: boolean;
  workingDaysLeft: number | null;
}

/** 供需对接: a request for fields of a resource, or free text for data the catalog lacks. */
export interface Demand {
  id: number;
  consumer: { code: string; name: string };
  resource: { code: string; name: string; provider: { code: string; name: string } } | null;
  need: string;
  fields: string[];
  /** Registered purposes asked for; the grant allows these. */
  purposes: PurposeRef[];
  /** In the consumer's own words. */
  purpose: string;
  legalBasis: string;
  volume: string;
  frequency: string;
  state: DemandState;
  filedAt: string;
  steps: DemandStep[];
  refusedReason: string | null;
  grantId: number | null;
  serviceCode: string | null;
  overdue: boolean;
}

/** A data service as the caller sees it: its visible fields, which of them masked. */
export interface DataService {
  code: string;
  resource: { code: string; name: string; provider: { code: string; name: string } };
  keyField: string;
  fields: string[];
  masked: string[];
  /** The purposes the caller may state in a call. */
  purposes: PurposeRef[];
  publishedAt: string;
  sampleKey?: string;
}

/** What a service call answers: by key, batch (with `notFound`) or filter (with paging). */
export interface ServiceAnswer {
  items: Array<Record<string, unknown>>;
  fields: string[];
  grant: number | null;
  notFound?: string[];
  page?: number;
  pageSize?: number;
  hasMore?: boolean;
}

export interface UsagePoint {
  at: string;
  service: string;
  consumer: string;
  calls: number;
  rows: number;
  errors: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
}

export interface Thresholds {
  nightRows: number;
  spikeFactor: number;
  spikeFloor: number;
}

export interface Usage {
  thresholds: Thresholds;
  points: UsagePoint[];
}

export interface MonitoringAlert {
  id: number;
  kind: string;
  consumer: string;
  service: string | null;
  detail: unknown;
  at: string;
  acknowledgedBy: string | null;
}

export interface Head {
  treeSize: number;
  rootHash: string;
  timestamp: number;
  suite: string;
  signature: string;
}

export interface LedgerEntry {
  index: number;
  entry: string;
  leafHash: string;
}
