import type { Generated } from '../db/index.js';

export type CockpitTables = {
  'cockpit.dashboard': { id: string; version: number; doc: unknown; updated_by: string; updated_at: Generated<Date> };
  'cockpit.dashboard_version': { id: string; version: number; doc: unknown; by: string; at: Generated<Date> };
  'cockpit.score': { month: string; org: string; score: number | string; parts: unknown; at: Generated<Date> };
};
