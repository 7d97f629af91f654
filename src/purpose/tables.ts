import type { Generated } from '../db/index.js';

export type PurposeTables = {
  'purpose.purpose': {
    code: string;
    name: string;
    description: string;
    created_by: string;
    created_at: Generated<Date>;
  };
};
