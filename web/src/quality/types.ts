// The quality shapes of the server's contract (src/http/routes/quality.ts), named from the generated OpenAPI types.
import type { Answer, Body, Item } from '../api';

export type CorrectionPage = Answer<'/api/v1/corrections'>;
export type Correction = Item<CorrectionPage['items']>;
export type CorrectionState = Correction['state'];
export type RuleSet = Answer<'/api/v1/resources/{code}/quality-rules'>;
/** A rule as the form edits it and the PUT takes it. */
export type QualityRule = Item<Body<'/api/v1/resources/{code}/quality-rules', 'put'>['rules']>;
export type RuleKind = QualityRule['kind'];
export type Severity = QualityRule['severity'];
