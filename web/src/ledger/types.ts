// The ledger shapes of the server's contract, named from the generated OpenAPI types.
import type { Answer, Item } from '../api';

export type Head = Answer<'/api/v1/ledger/head'>;
/** The public key that signs the heads. */
export type HeadKey = Answer<'/api/v1/ledger/key'>;
export type LedgerEntry = Item<Answer<'/api/v1/ledger/entries'>>;
/** An entry read as its documented kind (docs/ledger.md). */
export type LedgerRecord = NonNullable<LedgerEntry['record']>;
/** A read of shared or base data: what a citizen sees as a use of their data. */
export type ShareRead = Extract<LedgerRecord, { kind: 'share.read' }>;
