import type { Answer, Item } from '../api';

export type Licence = Item<Answer<'/api/v1/licences'>['items']>;
export type LicenceType = Item<Answer<'/api/v1/licences/types'>['items']>;
export type Verification = Answer<'/api/v1/presentations/verify', 'post'>;

/** The colour of a licence's status tag and of a verification's answer. */
export const STATUS_COLOR: Record<string, string> = {
  valid: 'green',
  expired: 'orange',
  not_yet_valid: 'blue',
  revoked: 'red',
  superseded: 'default',
  tampered: 'red',
  unknown_issuer: 'red',
};
