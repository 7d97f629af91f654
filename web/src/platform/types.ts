// The platform shapes of the server's contract, named from the generated OpenAPI types.
import type { Answer, Item } from '../api';

export type Usage = Answer<'/api/v1/monitoring/usage'>;
export type UsagePoint = Item<Usage['points']>;
export type Thresholds = Usage['thresholds'];
export type MonitoringAlert = Item<Answer<'/api/v1/monitoring/alerts'>['items']>;
