import { authorize, type Actor } from '../access/index.js';
import type { QualityIndicators } from './indicators.js';

/** The quality indicators as callers read them, HTTP and CLI alike: those the policy lets (quality:indicators). */
export class AuthorizedIndicators {
  constructor(private readonly indicators: () => Promise<QualityIndicators>) {}

  read(actor: Actor | null): Promise<QualityIndicators> {
    authorize(actor, 'quality:indicators');
    return this.indicators();
  }
}
