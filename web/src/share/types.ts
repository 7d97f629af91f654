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
/** What a service call answers: by key or filter (with paging), or a batch of keys (with `notFound`). */
export type ServiceAnswer =
  Answer<'/api/v1/services/{code}/records'> | Answer<'/api/v1/services/{code}/records/batch', 'post'>;
