export interface Field {
  name: string;
  label: string;
  type: string;
  required: boolean;
  sensitivity: number;
}

export interface ResourceSummary {
  code: string;
  name: string;
  summary: string;
  provider: { code: string; name: string };
  category: string;
  shareType: string;
  openType: string;
  level: string;
  keyField: string;
  recordCount: number;
}

export interface Resource extends ResourceSummary {
  fields: Field[];
  canBrowse: boolean;
  canUpload: boolean;
}

export interface Grant {
  id: number;
  consumer: { code: string; name: string };
  resource: { code: string; name: string };
  fields: string[];
  purpose: string;
  expiresAt: string | null;
  state: string;
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
