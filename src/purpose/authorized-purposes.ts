import { authorize, type Actor } from '../access/index.js';
import type { Purpose, Purposes } from './registry.js';

/** The purpose registry as callers reach it: the access policy asked before each call. */
export class AuthorizedPurposes {
  constructor(private readonly purposes: Purposes) {}

  list(actor: Actor | null): Promise<Purpose[]> {
    authorize(actor, 'purpose:read');
    return this.purposes.list();
  }

  add(actor: Actor | null, input: Purpose): Promise<Purpose> {
    authorize(actor, 'purpose:manage');
    return this.purposes.add(actor, input);
  }
}
