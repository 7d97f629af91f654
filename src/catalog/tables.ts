import type { Generated } from '../db/index.js';
import type { Field } from './fields.js';

export type CatalogTables = {
  'catalog.resource': {
    id: Generated<number>;
    code: string;
    name: string;
    summary: string;
    provider_org: string;
    category: 'base' | 'theme' | 'topic' | 'department';
    share_type: 'unconditional' | 'conditional' | 'none';
    open_type: 'open' | 'conditional' | 'closed';
    level: 'general' | 'important' | 'core';
    key_field: string;
    fields: Field[];
    version: Generated<number>;
    record_count: Generated<number>;
    created_by: number;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'catalog.code_sequence': { provider_org: string; last: number };
  'catalog.record': {
    resource_id: number;
    key: string;
    doc: Record<string, unknown>;
    job_id: string | null;
    source_row: number | null;
    loaded_at: Generated<Date>;
  };
};
