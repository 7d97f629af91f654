// The base shapes of the server's contract, named from the generated OpenAPI types.
import type { Answer, Item } from '../api';

export type Overview = Answer<'/api/v1/base/overview'>;
export type Accuracy = Answer<'/api/v1/base/accuracy'>;
export type Tally = Accuracy['overall'];
export type ConflictPage = Answer<'/api/v1/base/conflicts'>;
export type Conflict = Item<ConflictPage['items']>;
export type ConflictState = Conflict['state'];
export type BaseKind = Conflict['kind'];
/** Where a value came from: the provider, resource, load job and row. */
export type Origin = Conflict['other']['origin'];
export type SubjectView = Answer<'/api/v1/base/{kind}/subjects/{key}'>;
/** Which provider is the source of record of one element of a base. */
export type Authority = Item<Answer<'/api/v1/base/authority'>['items']>;
