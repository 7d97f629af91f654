import { Bitstring } from '@digitalbazaar/bitstring';
import { verifyJWT } from 'did-jwt';
import { Resolver, type DIDDocument } from 'did-resolver';
import smCrypto from 'sm-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people } from '../../src/demo/people.js';
import { mod37_36CheckChar } from '../../src/kernel/index.js';
import { parseIdentifier } from '../../src/licence/index.js';
import { engines, SEEDED_PASSWORD } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

const DAY = 86_400_000;

interface Licence {
  id: string;
  identifier: string;
  type: { code: string; name: string };
  issuer: { code: string; name: string };
  holder: { kind: string; id: string };
  version: number;
  status: string;
  fields: Array<{ name: string; value: string }>;
}

/**
 * 电子证照 (#17): issuing by API and from a record, the GB/T 36902 identifier and its MOD 37,36
 * check, 亮证 and verification (valid, tampered, expired, revoked, not yet valid, unknown issuer),
 * holder-only access, W3C credentials checked with did-jwt and @digitalbazaar/bitstring — libraries
 * the hub does not use — before and after a revocation, and the ledger entries of each change.
 */
describe.each(engines())('e-licences on $name', (engine) => {
  let s: SeededApp;
  /** The hub's clock runs this far ahead of the wall clock (presentations expire without sleeping). */
  let ahead = 0;
  let citizenId = '';
  /** A second citizen, of the demo's residents, with an account of their own. */
  let other = '';
  let otherToken = '';

  beforeAll(async () => {
    if (engine.skip) return;
    s = await openSeededApp(engine, ['citizen', 'officer', 'officer_scjg', 'cdo_jnmzj', 'operator'], {
      now: () => new Date(Date.now() + ahead),
    });
    citizenId = (await s.hub.access.citizenIdOf(await s.hub.access.actorOf('citizen')))!;
    other = [...people(10, 2026)].find((p) => p.citizen_id !== citizenId)!.citizen_id;
    await s.hub.access.createUser({
      username: 'citizen_two',
      displayName: '另一位市民',
      password: SEEDED_PASSWORD,
      roles: ['citizen'],
      orgCode: null,
      citizenId: other,
    });
    const login = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'citizen_two', password: SEEDED_PASSWORD },
    });
    otherToken = login.json().token;
    s.tokens.citizen_two = otherToken;
  });
  afterAll(async () => {
    await s?.close();
  });

  const issue = async (user: string, body: object): Promise<Licence> => {
    const res = await s.call(user, 'POST', '/licences', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const driving = (over: object = {}) => ({
    type: 'JSZ',
    holder: { kind: 'person', id: other },
    fields: {
      name: '测试',
      licence_no: other,
      vehicle_class: 'C1',
      first_issued: '2015-03-02',
      gender: '男',
      address: '济南市历下区',
    },
    ...over,
  });
  const present = async (user: string, id: string, body: object = {}) => {
    const res = await s.call(user, 'POST', `/licences/${id}/presentations`, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { token: string; qr: string; url: string; fields: string[] };
  };
  const verify = async (token: string) => {
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/presentations/verify', payload: { token } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      valid: boolean;
      reason: string;
      licence: { issuer: { name: string }; fields: Array<{ name: string }>; signedBy: { keyId: string } } | null;
    };
  };
  const entries = async (kind: string) => {
    const size = await s.hub.ledger.size();
    const rows = await s.hub.ledger.entries(Math.max(0, size - 300), size);
    return rows.map((r) => JSON.parse(r.entry) as Record<string, unknown>).filter((e) => e.kind === kind);
  };

  it.skipIf(engine.skip)(
    'gives the demo citizen a resident ID copy, a marriage certificate, a driving licence and their firm’s business licence',
    async () => {
      const res = await s.call('citizen', 'GET', '/licences');
      expect(res.statusCode, res.body).toBe(200);
      const items = res.json().items as Licence[];
      expect(items.map((l) => l.type.code).sort()).toEqual(['JHZ', 'JMSFZ', 'JSZ', 'YYZZ']);
      expect(items.find((l) => l.type.code === 'YYZZ')!.holder.kind).toBe('legal_entity');
      // The spouse's citizen ID is masked in the list; no other citizen ID shows in clear.
      const spouse = items.find((l) => l.type.code === 'JHZ')!.fields.find((f) => f.name === 'spouse_id_number')!;
      expect(spouse.value).toMatch(/\*/);
      expect(items.find((l) => l.type.code === 'JHZ')!.issuer.name).toBe('济南市民政局');
      const theirs = await s.call('citizen_two', 'GET', '/licences');
      expect(theirs.json().items).toEqual([]);
    },
  );

  it.skipIf(engine.skip)(
    'names each licence by a GB/T 36902 identifier whose MOD 37,36 check character holds',
    async () => {
      const l = await issue('officer', driving());
      const m = /^1\.2\.156\.3005\.2\.JSZ\.([0-9A-Z]{18})\.(\d{10})\.001\.([0-9A-Z])$/.exec(l.identifier)!;
      expect(m).not.toBeNull();
      expect(m[3]).toBe(mod37_36CheckChar(l.identifier.slice(0, -2).replaceAll('.', '')));
      expect(parseIdentifier(l.identifier)).toMatchObject({ typeCode: 'JSZ', version: 1 });
      const slipped = l.identifier.replace(
        /\.(\d{10})\./,
        (_, serial: string) => `.${serial.slice(0, 9)}${(Number(serial[9]) + 1) % 10}.`,
      );
      expect(parseIdentifier(slipped)).toBeNull();
    },
  );

  it.skipIf(engine.skip)(
    'issues by API and from the holder’s record, each issue on the ledger under the holder’s tag',
    async () => {
      const byApi = await issue('officer', driving());
      expect(byApi.holder.id).not.toContain(other.slice(6, 14));
      const fromRecord = await issue('officer', {
        type: 'JMSFZ',
        holder: { kind: 'person', id: other },
        resource: 'JNGAJ-0001',
        mapping: { id_number: 'citizen_id' },
        fields: { ethnicity: '汉', authority: '济南市公安局' },
      });
      const mine = (await s.call('citizen_two', 'GET', '/licences')).json().items as Licence[];
      const card = mine.find((l) => l.id === fromRecord.id)!;
      expect(card.fields.find((f) => f.name === 'name')!.value).toBe(
        [...people(10, 2026)].find((p) => p.citizen_id === other)!.name,
      );
      const tag = s.hub.ledger.subjectTag(other);
      const issued = (await entries('licence.changed')).filter((e) => e.subject === tag && e.action === 'issue');
      expect(issued.map((e) => e.licence)).toEqual(expect.arrayContaining([byApi.id, fromRecord.id]));
      const read = (await entries('share.read')).filter((e) => e.op === 'licence.source' && e.subject === tag);
      expect(read.length).toBeGreaterThan(0);
      // A required field missing, a type the holder is not of, an unknown type: refused naming why.
      const missing = await s.call('officer', 'POST', '/licences', { ...driving(), fields: { name: '测试' } });
      expect(missing.statusCode).toBe(422);
      const firm = await s.call('officer', 'POST', '/licences', driving({ type: 'YYZZ' }));
      expect(firm.statusCode).toBe(422);
      expect((await s.call('officer', 'POST', '/licences', driving({ type: 'NOSUCH' }))).json().code).toBe(
        'LIC_TYPE_NOT_FOUND',
      );
      expect((await s.call('citizen', 'POST', '/licences', driving())).statusCode).toBe(403);
    },
  );

  it.skipIf(engine.skip)('lets only the holder present or export, and only the issuer revise or revoke', async () => {
    const l = await issue('officer', driving());
    expect((await s.call('citizen', 'POST', `/licences/${l.id}/presentations`, {})).statusCode).toBe(404);
    expect((await s.call('citizen', 'GET', `/licences/${l.id}/credential`)).statusCode).toBe(404);
    expect((await s.call('officer', 'POST', `/licences/${l.id}/presentations`, {})).statusCode).toBe(403);
    expect((await s.call('officer_scjg', 'POST', `/licences/${l.id}/revoke`, { reason: '测试' })).statusCode).toBe(404);
    expect((await s.call('citizen_two', 'POST', `/licences/${l.id}/revoke`, { reason: '测试' })).statusCode).toBe(403);
    expect((await s.call('operator', 'GET', '/licences/stats')).statusCode).toBe(200);
    expect((await s.call('citizen', 'GET', '/licences/stats')).statusCode).toBe(403);
  });

  it.skipIf(engine.skip)(
    'presents only the fields chosen (and those that may not be left out), and verifies it',
    async () => {
      const jhz = ((await s.call('citizen', 'GET', '/licences')).json().items as Licence[]).find(
        (l) => l.type.code === 'JHZ',
      )!;
      const before = (await s.call('operator', 'GET', '/licences/stats')).json().items as Array<
        Record<string, number> & { type: { code: string } }
      >;
      const made = await present('citizen', jhz.id, { fields: ['certificate_no'], ttl: 120 });
      expect(made.qr).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(made.url).toContain('/verify?token=');
      expect(made.fields.sort()).toEqual(['certificate_no', 'holder_name', 'registered_on']);
      const answer = await verify(made.token);
      expect(answer).toMatchObject({ valid: true, reason: 'valid' });
      expect(answer.licence!.issuer.name).toBe('济南市民政局');
      expect(answer.licence!.signedBy.keyId).toBe('jnmzj-es256');
      expect(answer.licence!.fields.map((f) => f.name)).not.toContain('spouse_id_number');
      // The SM2 (GB/T 32918) countersignature the link carries verifies; a changed one is refused.
      const sm2 = new URL(made.url).searchParams.get('sm2')!;
      const checked = await s.app.inject({
        method: 'POST',
        url: '/api/v1/presentations/verify',
        payload: { token: made.token, sm2 },
      });
      expect(checked.json()).toMatchObject({ valid: true, sm2: 'valid' });
      // …and with sm-crypto, another SM2 implementation, against the key the JWKS publishes.
      const jwks = (await s.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
      const key = (jwks.keys as Array<{ kid: string; x: string; y: string }>).find((k) => k.kid === 'jnmzj-sm2')!;
      const point = `04${Buffer.from(key.x, 'base64url').toString('hex')}${Buffer.from(key.y, 'base64url').toString('hex')}`;
      const options = { der: true, hash: true, userId: '1234567812345678' };
      expect(smCrypto.sm2.doVerifySignature(made.token, sm2, point, options)).toBe(true);
      const bent = `${sm2.slice(0, -2)}${sm2.endsWith('00') ? '01' : '00'}`;
      const refused = await s.app.inject({
        method: 'POST',
        url: '/api/v1/presentations/verify',
        payload: { token: made.token, sm2: bent },
      });
      expect(refused.json()).toMatchObject({ valid: false, reason: 'tampered' });
      const presented = await entries('licence.presented');
      expect(presented.at(-1)).toMatchObject({
        licence: jhz.id,
        fields: expect.arrayContaining(made.fields),
        subject: s.hub.ledger.subjectTag(citizenId),
      });
      const after = (await s.call('operator', 'GET', '/licences/stats')).json().items as typeof before;
      const count = (list: typeof before, k: string) =>
        list.filter((x) => x.type.code === 'JHZ').reduce((n, x) => n + x[k]!, 0);
      expect(count(after, 'presented')).toBe(count(before, 'presented') + 1);
      // Two good verifications (with and without the SM2 countersignature); the refused one is not counted.
      expect(count(after, 'verified')).toBe(count(before, 'verified') + 2);
    },
  );

  it.skipIf(engine.skip)(
    'tells a tampered, an unknown issuer’s, an expired, a not-yet-valid and a revoked presentation apart',
    async () => {
      const l = await issue('officer', driving());
      const { token } = await present('citizen_two', l.id, { ttl: 60 });
      const [h, p, sig] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const forged = Buffer.from(
        JSON.stringify({ ...claims, fields: { ...claims.fields, vehicle_class: 'A1' } }),
      ).toString('base64url');
      expect((await verify(`${h}.${forged}.${sig}`)).reason).toBe('tampered');
      expect((await verify('not-a-token')).reason).toBe('tampered');
      const stranger = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: 'nobody-es256' })).toString(
        'base64url',
      );
      expect((await verify(`${stranger}.${p}.${sig}`)).reason).toBe('unknown_issuer');

      // The presentation's own minute passes.
      ahead = 61_000;
      try {
        expect(await verify(token)).toMatchObject({ valid: false, reason: 'expired' });
      } finally {
        ahead = 0;
      }
      // A licence whose validity ended yesterday, and one valid from tomorrow.
      const ended = await issue(
        'officer',
        driving({
          validFrom: new Date(Date.now() - 2 * DAY).toISOString(),
          validUntil: new Date(Date.now() - DAY).toISOString(),
        }),
      );
      expect(ended.status).toBe('expired');
      expect((await verify((await present('citizen_two', ended.id)).token)).reason).toBe('expired');
      const future = await issue('officer', driving({ validFrom: new Date(Date.now() + DAY).toISOString() }));
      expect((await verify((await present('citizen_two', future.id)).token)).reason).toBe('not_yet_valid');

      // Revoked after it was presented: the same token now fails; the licence can no longer be presented.
      const fresh = await present('citizen_two', l.id);
      // Verified once (this process keeps the licence's state), so the revocation must reach that too.
      expect(await verify(fresh.token)).toMatchObject({ valid: true });
      const revoked = await s.call('officer', 'POST', `/licences/${l.id}/revoke`, { reason: '驾驶证被依法吊销' });
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect(await verify(fresh.token)).toMatchObject({ valid: false, reason: 'revoked' });
      expect((await s.call('citizen_two', 'POST', `/licences/${l.id}/presentations`, {})).json().code).toBe(
        'LIC_BAD_STATE',
      );
      const revoke = (await entries('licence.changed')).find((e) => e.licence === l.id && e.action === 'revoke');
      expect(revoke).toMatchObject({ reason: '驾驶证被依法吊销', state: 'revoked', issuer: 'JNGAJ' });
    },
  );

  it.skipIf(engine.skip)('revises a licence into a new version that supersedes the old one', async () => {
    const l = await issue('officer', driving());
    const old = await present('citizen_two', l.id);
    const res = await s.call('officer', 'POST', `/licences/${l.id}/revise`, { fields: { vehicle_class: 'C1E' } });
    expect(res.statusCode, res.body).toBe(201);
    const next = res.json() as Licence;
    expect(next.version).toBe(2);
    expect(next.identifier).toMatch(/\.002\.[0-9A-Z]$/);
    expect(next.identifier.split('.').slice(0, 7)).toEqual(l.identifier.split('.').slice(0, 7));
    expect((await verify(old.token)).reason).toBe('revoked');
    expect((await verify((await present('citizen_two', next.id)).token)).reason).toBe('valid');
    const revised = (await entries('licence.changed')).find((e) => e.licence === next.id);
    expect(revised).toMatchObject({ action: 'revise', version: 2 });
  });

  it.skipIf(engine.skip)(
    'exports W3C credentials that did-jwt accepts, and that the status list refuses once revoked',
    async () => {
      const l = await issue('officer', driving());
      const resolver = new Resolver({
        web: async (did) => {
          const doc = await s.app.inject({ method: 'GET', url: '/.well-known/did.json' });
          const document = doc.json() as DIDDocument;
          expect(document.id).toBe(did);
          return {
            didDocument: document,
            didDocumentMetadata: {},
            didResolutionMetadata: { contentType: 'application/did+json' },
          };
        },
      });
      const statusOf = async (vc: { credentialStatus: { statusListCredential: string; statusListIndex: string } }) => {
        const path = new URL(vc.credentialStatus.statusListCredential).pathname;
        const res = await s.app.inject({ method: 'GET', url: path });
        expect(res.headers['content-type']).toContain('application/vc+jwt');
        const list = await verifyJWT(res.body, { resolver, proofPurpose: 'assertionMethod' });
        const subject = (
          list.payload as { credentialSubject: { type: string; statusPurpose: string; encodedList: string } }
        ).credentialSubject;
        expect(subject).toMatchObject({ type: 'BitstringStatusList', statusPurpose: 'revocation' });
        expect(subject.encodedList[0]).toBe('u');
        const bits = new Bitstring({ buffer: await Bitstring.decodeBits({ encoded: subject.encodedList.slice(1) }) });
        expect(bits.length).toBeGreaterThanOrEqual(131_072);
        return bits.get(Number(vc.credentialStatus.statusListIndex)) ? 'revoked' : 'good';
      };
      for (const alg of ['ES256', 'EdDSA']) {
        const res = await s.call('citizen_two', 'GET', `/licences/${l.id}/credential?alg=${alg}`);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.headers['content-type']).toContain('application/vc+jwt');
        const header = JSON.parse(Buffer.from(res.body.split('.')[0]!, 'base64url').toString());
        expect(header).toMatchObject({ typ: 'vc+jwt', alg });
        const checked = await verifyJWT(res.body, { resolver, proofPurpose: 'assertionMethod' });
        const vc = checked.payload as unknown as {
          '@context': string[];
          type: string[];
          issuer: { id: string };
          validFrom: string;
          credentialSubject: { licence: { identifier: string } };
          credentialStatus: {
            type: string;
            statusPurpose: string;
            statusListCredential: string;
            statusListIndex: string;
          };
        };
        expect(vc['@context'][0]).toBe('https://www.w3.org/ns/credentials/v2');
        expect(vc.type).toContain('VerifiableCredential');
        expect(checked.signer.id).toBe(`${vc.issuer.id}#jngaj-${alg === 'ES256' ? 'es256' : 'ed25519'}`);
        expect(vc.credentialSubject.licence.identifier).toBe(l.identifier);
        expect(vc.credentialStatus).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' });
        expect(await statusOf(vc)).toBe('good');
      }
      const res = await s.call('citizen_two', 'GET', `/licences/${l.id}/credential`);
      const vc = (await verifyJWT(res.body, { resolver })).payload as unknown as Parameters<typeof statusOf>[0];
      await s.call('officer', 'POST', `/licences/${l.id}/revoke`, { reason: '测试注销' });
      // The signature still verifies; the status list now says revoked, so a verifier refuses it.
      expect(await statusOf(vc)).toBe('revoked');
      // A forged credential fails the independent check.
      const [h, p, sig] = res.body.split('.') as [string, string, string];
      const forged = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), validFrom: '2000-01-01T00:00:00Z' }),
      ).toString('base64url');
      await expect(verifyJWT(`${h}.${forged}.${sig}`, { resolver })).rejects.toThrow(/signature/i);
    },
  );

  it.skipIf(engine.skip)('publishes the issuer keys as JWKS and did:web, to anyone', async () => {
    const jwks = await s.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(jwks.statusCode).toBe(200);
    const kids = (jwks.json().keys as Array<{ kid: string; kty: string }>).map((k) => k.kid);
    expect(kids).toEqual(
      expect.arrayContaining(['jngaj-es256', 'jngaj-ed25519', 'jngaj-sm2', 'jnmzj-es256', 'jnscjg-es256']),
    );
    const did = (await s.app.inject({ method: 'GET', url: '/.well-known/did.json' })).json();
    expect(did.id).toBe('did:web:localhost');
    expect(did.assertionMethod).toContain('did:web:localhost#jnmzj-es256');
  });
  it.skipIf(engine.skip)(
    'shows an enterprise’s licences to an agent only when the appointment covers licence use',
    async () => {
      const [firm] = (await s.call('citizen', 'GET', '/me/enterprises')).json().items as Array<{ creditCode: string }>;
      const appoint = async (purposes: string[]) => {
        const res = await s.call('citizen', 'POST', `/enterprises/${firm!.creditCode}/agents`, {
          username: 'citizen_two',
          purposes,
        });
        expect(res.statusCode, res.body).toBe(201);
      };
      const firmLicences = async () =>
        ((await s.call('citizen_two', 'GET', '/licences')).json().items as Licence[]).filter(
          (l) => l.holder.kind === 'legal_entity',
        );
      const yyzz = ((await s.call('citizen', 'GET', '/licences')).json().items as Licence[]).find(
        (l) => l.type.code === 'YYZZ',
      )!;
      // An agent for a loan application is no agent for the firm's licences.
      await appoint(['loan_underwriting']);
      expect(await firmLicences()).toEqual([]);
      expect((await s.call('citizen_two', 'POST', `/licences/${yyzz.id}/presentations`, {})).statusCode).toBe(404);
      await appoint(['loan_underwriting', 'licence_use']);
      expect((await firmLicences()).map((l) => l.id)).toEqual([yyzz.id]);
      expect((await s.call('citizen_two', 'POST', `/licences/${yyzz.id}/presentations`, {})).statusCode).toBe(201);
      await s.call('citizen', 'POST', `/enterprises/${firm!.creditCode}/agents/citizen_two/revoke`, {});
    },
  );
});
