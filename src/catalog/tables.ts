import type { Generated } from '../db/index.js';
import type { Field } from './fields.js';
import type { Level } from './grading.js';
import type { Mount, Status } from './schemas.js';
import type { ResourceContent } from './content.js';

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
    level: Level;
    key_field: string;
    status: Generated<Status>;
    share_condition: string;
    level_reason: string;
    update_frequency: string;
    format: string;
    keywords: string[];
    mount: Mount;
    return_reason: string | null;
    submitted_at: Date | null;
    published_at: Date | null;
    /** The version readers outside the provider see, and its search text; null until published. */
    published_version: number | null;
    published_text: string | null;
    search_text: string;
    fields: Field[];
    version: Generated<number>;
    record_count: Generated<number>;
    created_by: number;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'catalog.resource_version': { resource_id: number; version: number; doc: ResourceContent };
  'catalog.resource_event': {
    id: Generated<number>;
    resource_id: number;
    version: number;
    action: 'create' | 'edit' | 'submit' | 'approve' | 'return' | 'publish' | 'import' | 'withdraw';
    actor: string;
    at: Generated<Date>;
    note: string | null;
    diff: unknown;
  };
  'catalog.resource_search': {
    resource_id: number;
    code: string;
    name: string;
    provider_org: string;
    category: string;
    share_type: string;
    open_type: string;
    level: string;
    update_frequency: Generated<string>;
    status: string;
    published: boolean;
    /** The row holds the working copy; `published`: the last published content (one row may be both). */
    working: Generated<boolean>;
    updated_at: Date;
    terms: string[];
  };
  /** Resources per combination of what the indicators look at, kept by a trigger (migration 007). */
  'catalog.resource_tally': {
    provider_org: string;
    category: string;
    share_type: string;
    open_type: string;
    published: boolean;
    mount_kind: string;
    has_records: boolean;
    n: string | number;
  };
  'catalog.search_count': {
    term: string;
    provider_org: string;
    category: string;
    share_type: string;
    open_type: string;
    level: string;
    update_frequency: Generated<string>;
    status: string;
    published: boolean;
    working: Generated<boolean>;
    n: number;
  };
  'catalog.code_sequence': { provider_org: string; last: number };
};
