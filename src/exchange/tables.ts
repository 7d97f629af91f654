import type { Generated } from '../db/index.js';

export type GrantState = 'active' | 'revoked';

export type ExchangeTables = {
  'exchange.grant': {
    id: Generated<number>;
    consumer_org: string;
    resource_code: string;
    fields: string[];
    purpose: string;
    expires_at: Date | null;
    state: Generated<GrantState>;
    created_by: number;
    created_at: Generated<Date>;
    revoked_at: Date | null;
  };
};
