// The consent shapes of the server's contract, named from the generated OpenAPI types.
import type { Answer, Item } from '../api';

export type Consent = Item<Answer<'/api/v1/consents/'>['items']>;
export type ConsentStatus = Consent['status'];
export type Fetched = Answer<'/api/v1/consents/{id}/data'>;
