// The catalog shapes of the server's contract, named from the generated OpenAPI types.
import type { Answer, Body, Item, paths } from '../api';

export type Resource = Answer<'/api/v1/catalog/resources/{code}'>;
export type Status = Resource['status'];
export type UpdateFrequency = Resource['updateFrequency'];
export type Format = Resource['format'];
export type MountKind = Resource['mount']['kind'];
export type Field = Item<Resource['fields']>;
export type FieldInput = Item<ResourceInput['fields']>;
export type SearchResult = Answer<'/api/v1/catalog/resources'>;
export type ResourceSummary = Item<SearchResult['items']>;
/** What a provider sends to register (POST) or edit (PUT, with `baseVersion`) a resource. */
export type ResourceInput = Body<'/api/v1/catalog/resources'>;
export type Facet = 'provider' | 'category' | 'shareType' | 'openType' | 'level';
export type VersionEvent = Item<Answer<'/api/v1/catalog/resources/{code}/versions'>['items']>;
export type DataElement = Item<Answer<'/api/v1/catalog/data-elements'>['items']>;
export type Suggestion = Answer<'/api/v1/catalog/suggest', 'post'>;
export type Task = Item<Answer<'/api/v1/tasks'>['items']>;
export type AssetMap = Answer<'/api/v1/catalog/asset-map'>;
export type NodeKind = Item<AssetMap['nodes']>['kind'];
export type Indicators = Answer<'/api/v1/catalog/indicators'>;
export type IndicatorRow = Item<Indicators['organizations']>;
export type Rates = Omit<IndicatorRow, 'code' | 'name'>;
export type Org = Item<Answer<'/api/v1/orgs'>>;
/** A CSV upload's job: what was read, loaded and rejected (row, field, reason). */
export type JobReport = Answer<'/api/v1/ingest/jobs', 'post'>;
/** The records route's two answers: without `key` a page of records, with it one subject. */
type RecordsAnswer = Answer<'/api/v1/catalog/resources/{code}/records'>;
export type RecordsPage = Extract<RecordsAnswer, { total: number }>;
export type LookupResult = Extract<RecordsAnswer, { fields: string[] }>;
/** One record: its fields by name, as many as the caller sees (a consumer's depend on its grant). */
export type RecordRow = Item<RecordsPage['items']>;
export type SearchQuery = paths['/api/v1/catalog/resources']['get']['parameters']['query'];
