// The share shapes of the server's contract, named from the generated OpenAPI types.
import type { Answer, Item } from '../api';

export type Grant = Item<Answer<'/api/v1/grants/'>>;
export type GrantState = Grant['state'];
/** A registered purpose (用途): a stable code and its Chinese name. */
export type PurposeRef = Item<Grant['purposes']>;
export type Demand = Item<Answer<'/api/v1/demands'>['items']>;
export type DemandState = Demand['state'];
export type DemandStep = Item<Demand['steps']>;
export type DemandStepName = DemandStep['step'];
export type DataService = Item<Answer<'/api/v1/services/'>>;
/**
 * What a service call answers: by key, batch (with `notFound`) or filter (with paging). The route
 * declares no response schema, as its records carry each resource's own fields and it also answers CSV.
 */
export interface ServiceAnswer {
  items: Array<Record<string, unknown>>;
  fields: string[];
  grant: number | null;
  notFound?: string[];
  page?: number;
  pageSize?: number;
  hasMore?: boolean;
}
