import type { IssuerKeys, SigningAlg } from './issuer-keys.js';
import type { LicenceRow, Licences } from './licences.js';
import { encodeStatusList } from './status-list.js';

export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const VC_MEDIA_TYPE = 'application/vc+jwt';

/** `did:web` of the hub at this origin: the host (a port's colon percent-encoded), as did:web says. */
export function didOf(origin: string): string {
  return `did:web:${encodeURIComponent(new URL(origin).host)}`;
}

/** Where the hub serves a status list credential. */
export function statusListUrl(origin: string, list: string): string {
  return `${origin}/api/v1/licences/status-lists/${list}`;
}

/**
 * W3C Verifiable Credentials 2.0 secured as JWTs (VC-JOSE-COSE): the credential JSON is the
 * JWT payload, the header says `typ: vc+jwt` and names the issuer department's key as a DID URL
 * of the hub's did:web (`did:web:<host>#<key id>`). The registered claims `iss`, `jti`, `iat`,
 * `nbf` and `exp` repeat `issuer.id`, `id`, the signing time, `validFrom` and `validUntil` for
 * JWT libraries that check them.
 */
export class Credentials {
  constructor(
    private readonly licences: Licences,
    private readonly keys: IssuerKeys,
    private readonly orgName: (code: string) => Promise<string | undefined>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async licence(row: LicenceRow, origin: string, alg: SigningAlg): Promise<string> {
    const did = didOf(origin);
    const type = await this.licences.type(row.type_code);
    const { key, fields } = await this.licences.open(row);
    const listUrl = statusListUrl(origin, row.status_list);
    const credential = {
      '@context': [VC_CONTEXT],
      id: `urn:uuid:${row.id}`,
      type: ['VerifiableCredential', 'ElectronicLicenceCredential'],
      name: type.name['zh-CN'],
      issuer: { id: did, name: (await this.orgName(row.issuer_org)) ?? row.issuer_org },
      validFrom: row.valid_from.toISOString(),
      ...(row.valid_until ? { validUntil: row.valid_until.toISOString() } : {}),
      credentialSubject: {
        type: row.holder_kind === 'person' ? 'Person' : 'Organization',
        [row.holder_kind === 'person' ? 'citizenId' : 'creditCode']: key,
        licence: {
          identifier: row.identifier,
          licenceType: { code: type.code, name: type.name['zh-CN'], nameEn: type.name.en },
          version: row.version,
          issuerOrg: row.issuer_org,
          ...fields,
        },
      },
      credentialStatus: {
        id: `${listUrl}#${row.status_index}`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: String(row.status_index),
        statusListCredential: listUrl,
      },
    };
    return this.sign(row.issuer_org, alg, credential, {
      iss: did,
      jti: credential.id,
      nbf: seconds(row.valid_from),
      ...(row.valid_until ? { exp: seconds(row.valid_until) } : {}),
    });
  }

  /** The BitstringStatusListCredential of a list, signed by its issuer's ES256 key; undefined: no such list. */
  async statusList(list: string, origin: string): Promise<string | undefined> {
    const org = await this.licences.statusListOwner(list);
    if (!org) return undefined;
    const did = didOf(origin);
    const url = statusListUrl(origin, list);
    const credential = {
      '@context': [VC_CONTEXT],
      id: url,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: { id: did, name: (await this.orgName(org)) ?? org },
      validFrom: this.now().toISOString(),
      credentialSubject: {
        id: `${url}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: encodeStatusList(await this.licences.setIndexes(list)),
      },
    };
    return this.sign(org, 'ES256', credential, { iss: did, jti: url });
  }

  private async sign(org: string, alg: SigningAlg, credential: object, claims: object): Promise<string> {
    const issuer = (credential as { issuer: { id: string } }).issuer.id;
    const signer = await this.keys.signer(org, alg);
    return this.keys.sign(
      org,
      alg,
      { ...credential, ...claims, iat: seconds(this.now()) },
      { typ: 'vc+jwt', cty: 'vc', kid: `${issuer}#${signer.keyId}` },
    );
  }
}

/** The hub's DID document: every issuer department's keys as JsonWebKey2020 verification methods. */
export async function didDocument(keys: IssuerKeys, origin: string) {
  const did = didOf(origin);
  // SM2 has no JOSE algorithm: its keys are in the JWKS for domestic verifiers, not here.
  const methods = (await keys.published())
    .filter((k) => k.alg !== 'SM2')
    .map((k) => ({
      id: `${did}#${k.keyId}`,
      type: 'JsonWebKey2020',
      controller: did,
      publicKeyJwk: k.jwk,
    }));
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: methods,
    assertionMethod: methods.map((m) => m.id),
  };
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
