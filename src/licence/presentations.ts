import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import type { Actor } from '../access/index.js';
import { showKey } from '../base/index.js';
import { invalid, msg } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import type { IssuerKeys, PublicIssuerKey } from './issuer-keys.js';
import { badState, statusAt, type FieldValues, type LicenceRow, type Licences } from './licences.js';
import type { LicenceType } from './types.js';

/** Why a presentation is or is not good; the web says each in words. */
export const VERIFY_REASONS = ['valid', 'expired', 'revoked', 'tampered', 'not_yet_valid', 'unknown_issuer'] as const;
export type VerifyReason = (typeof VERIFY_REASONS)[number];

export const PRESENTATION_TTL = { default: 300, min: 30, max: 600 } as const;

/** What a presentation token carries (its JWT claims), beside `iat`, `exp` and `jti`. */
interface Claims {
  iss: string;
  jti: string;
  iat: number;
  exp: number;
  lic: string;
  lid: string;
  type: string;
  holder: string;
  fields: FieldValues;
  vf: string;
  vu: string | null;
}

/** A verified presentation as the verifier reads it: names, the presented fields, who signed. */
export interface PresentedLicence {
  identifier: string;
  type: { code: string; name: string };
  issuer: { code: string; name: string };
  holder: string;
  fields: Array<{ name: string; label: string; value: string }>;
  validFrom: string;
  validUntil: string | null;
  presentedAt: string;
  expiresAt: string;
  signedBy: { keyId: string; alg: string };
}

export interface Verification {
  valid: boolean;
  reason: VerifyReason;
  licence: PresentedLicence | null;
  /** The SM2 countersignature: checked and good, or not given (a bad one makes the answer `tampered`). */
  sm2: 'valid' | null;
}

/**
 * 亮证 and 核验: a holder's short-lived signed presentation of a licence (the fields the type lets
 * them choose), as a JWT signed with the issuer department's ES256 key and a QR code of the
 * public verify page's URL; anyone verifies it there against the issuer keys and the licence's
 * state now.
 */
export class Presentations {
  constructor(
    private readonly licences: Licences,
    private readonly deps: {
      keys: IssuerKeys;
      ledger: Pick<Ledger, 'append'>;
      orgName: (code: string) => Promise<string | undefined>;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async present(
    actor: Actor,
    row: LicenceRow,
    opts: { fields?: string[] | undefined; ttl: number; verifyUrl: string },
  ): Promise<{
    token: string;
    sm2: { keyId: string; signature: string };
    qr: string;
    url: string;
    expiresAt: string;
    fields: string[];
  }> {
    if (row.status !== 'valid') throw badState(row.status);
    const type = await this.licences.type(row.type_code);
    const { key, fields } = await this.licences.open(row);
    const shown = selected(type, fields, opts.fields);
    const now = this.now();
    const iat = Math.floor(now.getTime() / 1000);
    const claims: Claims = {
      iss: row.issuer_org,
      jti: randomUUID(),
      iat,
      exp: iat + opts.ttl,
      lic: row.id,
      lid: row.identifier,
      type: row.type_code,
      holder: showKey(row.holder_kind, key, 'masked'),
      fields: shown,
      vf: row.valid_from.toISOString(),
      vu: row.valid_until?.toISOString() ?? null,
    };
    const token = await this.deps.keys.sign(row.issuer_org, 'ES256', claims, {
      typ: 'JWT',
      kid: (await this.deps.keys.signer(row.issuer_org, 'ES256')).keyId,
    });
    // The SM2 countersignature of the token (GB/T 32918) rides along for domestic verifiers.
    const sm2 = await this.deps.keys.signSm2(row.issuer_org, token);
    const url = `${opts.verifyUrl}?token=${token}&sm2=${sm2.signature}`;
    const { default: QRCode } = await import('qrcode');
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'L', margin: 2 });
    const expiresAt = new Date(claims.exp * 1000).toISOString();
    await this.deps.ledger.append({
      kind: 'licence.presented',
      licence: row.id,
      type: row.type_code,
      issuer: row.issuer_org,
      subject: row.holder_tag,
      fields: Object.keys(shown),
      expiresAt,
      actor: actor.username,
      org: actor.org?.code ?? null,
      at: now.toISOString(),
    });
    this.licences.counters.add(row.type_code, row.issuer_org, 'presented');
    const qr = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    return { token, sm2, qr, url, expiresAt, fields: Object.keys(shown) };
  }

  /** Whatever the token, an answer: never a problem for a bad token, so that the page can say why. */
  async verify(token: string, language: 'zh-CN' | 'en' = 'zh-CN', sm2?: string): Promise<Verification> {
    const refused = (reason: VerifyReason): Verification => ({ valid: false, reason, licence: null, sm2: null });
    let keyId: unknown;
    try {
      keyId = decodeProtectedHeader(token).kid;
    } catch {
      return refused('tampered');
    }
    if (typeof keyId !== 'string') return refused('tampered');
    const checked = await this.deps.keys.verify(token, keyId);
    if (checked === 'unknown') return refused('unknown_issuer');
    if (checked === 'bad') return refused('tampered');
    const claims = parseClaims(checked.payload);
    if (!claims || claims.iss !== checked.key.org) return refused('tampered');
    if (sm2 !== undefined && !(await this.deps.keys.verifySm2(claims.iss, token, sm2))) return refused('tampered');
    const row = await this.licences.current(claims.lic).catch(() => undefined);
    if (!row || row.identifier !== claims.lid) return refused('revoked');
    this.licences.counters.add(row.type_code, row.issuer_org, 'verified');
    const now = this.now();
    const status = statusAt(row, now);
    const reason: VerifyReason =
      status === 'revoked' || status === 'superseded'
        ? 'revoked'
        : status === 'not_yet_valid'
          ? 'not_yet_valid'
          : status === 'expired' || claims.exp * 1000 <= now.getTime()
            ? 'expired'
            : 'valid';
    const licence = await this.view(claims, checked.key, language);
    return { valid: reason === 'valid', reason, licence, sm2: sm2 === undefined ? null : 'valid' };
  }

  private async view(c: Claims, key: PublicIssuerKey, language: 'zh-CN' | 'en'): Promise<PresentedLicence> {
    const type = await this.licences.type(c.type);
    return {
      identifier: c.lid,
      type: { code: type.code, name: type.name[language] },
      issuer: { code: c.iss, name: (await this.deps.orgName(c.iss)) ?? c.iss },
      holder: c.holder,
      fields: Object.entries(c.fields).map(([name, value]) => ({
        name,
        label: type.fields.find((f) => f.name === name)?.label[language] ?? name,
        value,
      })),
      validFrom: c.vf,
      validUntil: c.vu,
      presentedAt: new Date(c.iat * 1000).toISOString(),
      expiresAt: new Date(c.exp * 1000).toISOString(),
      signedBy: { keyId: key.keyId, alg: key.alg },
    };
  }
}

/** The fields a presentation shows: every one the holder may not leave out, and the chosen others. */
function selected(type: LicenceType, values: FieldValues, chosen: string[] | undefined): FieldValues {
  for (const [i, name] of (chosen ?? []).entries())
    if (!type.fields.some((f) => f.name === name))
      throw invalid(`fields/${i}`, msg('licence.noSuchField', { field: name }));
  const shown: FieldValues = {};
  for (const f of type.fields) {
    const wanted = chosen === undefined || !f.omittable || chosen.includes(f.name);
    if (wanted && values[f.name] !== undefined) shown[f.name] = values[f.name]!;
  }
  return shown;
}

function parseClaims(payload: Uint8Array): Claims | null {
  try {
    const c = JSON.parse(new TextDecoder().decode(payload)) as Partial<Claims>;
    const ok =
      typeof c.iss === 'string' &&
      typeof c.lic === 'string' &&
      typeof c.lid === 'string' &&
      typeof c.type === 'string' &&
      typeof c.holder === 'string' &&
      typeof c.iat === 'number' &&
      typeof c.exp === 'number' &&
      typeof c.vf === 'string' &&
      typeof c.fields === 'object' &&
      c.fields !== null;
    return ok ? (c as Claims) : null;
  } catch {
    return null;
  }
}
