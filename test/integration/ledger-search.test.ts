import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/http/index.js';
import { restoreCsvCell } from '../../src/kernel/index.js';
import { engines } from '../databases.js';
import { openSeededApp, type App } from '../seeded-app.js';
import {
  checkConsistency,
  checkHeadSignature,
  checkInclusion,
  leaf,
  type Head,
} from '../ledger/independent-verifier.js';

interface Entry {
  index: number;
  entry: string;
  leafHash: string;
  record: { kind: string; org?: string | null; consumer?: string; actor: string; subject?: string | null } | null;
}
interface Page {
  items: Entry[];
  next: number | null;
  names: {
    orgs: Record<string, string>;
    users: Record<string, string>;
    resources: Record<string, string>;
    fields: Record<string, Record<string, string>>;
  };
}
const PERSON = 'DS-JNGAJ-0001';

/**
 * The ledger for auditors (#14) on PGlite and PostgreSQL: search by organization, kind, time and
 * subject (subject only for auditors), paged newest first; an audit export whose every row a
 * third party's verifier accepts; signed heads with consistency proofs between them.
 */
describe.each(engines())('ledger search on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let tokens: Record<string, string> = {};
  let key: { publicKeyPem: string; publicKeyHex?: string };
  let sample: string;
  const started = new Date(Date.now() - 1000).toISOString();

  beforeAll(async () => {
    if (engine.skip) return;
    ({ hub, app, tokens } = await openSeededApp(engine, ['operator', 'consumer', 'auditor', 'citizen', 'officer']));
    key = (await app.inject({ url: '/api/v1/ledger/key' })).json();
    const services = (await get('consumer', '/api/v1/services')).json();
    sample = services.find((s: { code: string }) => s.code === PERSON).sampleKey;
    // Three reads of one resident by 民政局, and one refused for a purpose it was not granted.
    for (let i = 0; i < 3; i++) {
      expect(
        (await get('consumer', `/api/v1/services/${PERSON}/records?purpose=social_assistance&key=${sample}`))
          .statusCode,
      ).toBe(200);
      await hub.ledger.latestHead();
    }
    expect(
      (await get('consumer', `/api/v1/services/${PERSON}/records?purpose=statistics&key=${sample}`)).statusCode,
    ).toBe(403);
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const get = (user: string, url: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[user]}` } });
  const search = async (user: string, query: string): Promise<Page> => {
    const res = await get(user, `/api/v1/ledger/search?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it.skipIf(engine.skip)('finds an organization’s entries of one kind, newest first, with names', async () => {
    const page = await search('auditor', 'org=JNMZJ&kind=share.read&limit=50');
    expect(page.items.length).toBeGreaterThanOrEqual(4);
    for (const e of page.items) {
      expect(e.record?.kind).toBe('share.read');
      expect(e.record?.org).toBe('JNMZJ');
    }
    const indexes = page.items.map((e) => e.index);
    expect(indexes).toEqual([...indexes].sort((a, b) => b - a));
    expect(page.names.orgs.JNMZJ).toBe('济南市民政局');
    expect(page.names.users.consumer).toBeTruthy();
    expect(page.names.resources['JNGAJ-0001']).toBe('人口基础信息');
    expect(page.names.fields['JNGAJ-0001']?.citizen_id).toMatch(/身份/);
    // A kind alone, and an organization alone (a grant names 民政局 as its consumer, not as its actor).
    const grants = await search('auditor', 'org=JNMZJ&kind=share.grant.created');
    for (const e of grants.items) expect(e.record?.consumer).toBe('JNMZJ');
    const reads = await search('auditor', 'kind=share.read&limit=5');
    expect(reads.items.every((e) => e.record?.kind === 'share.read')).toBe(true);
    const all = await search('auditor', 'org=JNMZJ&limit=200');
    expect(all.items.some((e) => e.record?.kind !== 'share.read')).toBe(true);
  });

  it.skipIf(engine.skip)('pages with `before` and filters by time', async () => {
    const first = await search('auditor', 'org=JNMZJ&kind=share.read&limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.next).toBe(first.items[1]!.index);
    const second = await search('auditor', `org=JNMZJ&kind=share.read&limit=2&before=${first.next}`);
    expect(second.items[0]!.index).toBeLessThan(first.items[1]!.index);
    const recent = await search('auditor', `org=JNMZJ&kind=share.read&from=${encodeURIComponent(started)}&limit=50`);
    // The three reads and the refusal of this run, and the demo's sample key read by the consumer.
    expect(recent.items.filter((e) => JSON.parse(e.entry).op === 'service.lookup')).toHaveLength(4);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await search('auditor', `from=${encodeURIComponent(future)}`)).items).toEqual([]);
    const before = await search('auditor', `org=JNMZJ&kind=share.read&to=${encodeURIComponent(started)}&limit=200`);
    expect(before.items.every((e) => e.index < recent.items.at(-1)!.index)).toBe(true);
    expect((await get('auditor', '/api/v1/ledger/search?from=yesterday')).statusCode).toBe(422);
  });

  it.skipIf(engine.skip)('searches by subject for auditors only, by the keyed tag', async () => {
    const page = await search('auditor', `subject=${sample}&limit=50`);
    const tag = hub.ledger.subjectTag(sample);
    expect(page.items.length).toBeGreaterThanOrEqual(4);
    for (const e of page.items) {
      expect(e.record?.subject).toBe(tag);
      expect(e.entry).not.toContain(sample);
    }
    expect(
      (await search('auditor', `subject=${sample}&kind=share.read&org=JNMZJ`)).items.length,
    ).toBeGreaterThanOrEqual(4);
    // The search by subject is itself on the ledger, under the subject's tag and without the number.
    const searched = await search('auditor', 'kind=ledger.subject.searched&limit=1');
    expect(JSON.parse(searched.items[0]!.entry)).toMatchObject({
      subject: tag,
      actor: 'auditor',
      filter: { org: 'JNMZJ', kind: 'share.read' },
    });
    expect(searched.items[0]!.entry).not.toContain(sample);
    expect((await get('operator', `/api/v1/ledger/search?subject=${sample}`)).statusCode).toBe(403);
    expect((await get('auditor', '/api/v1/ledger/search?subject=110105194912310021')).statusCode).toBe(422);
    expect((await get('consumer', '/api/v1/ledger/search?org=JNMZJ')).statusCode).toBe(403);
    expect((await get('citizen', '/api/v1/ledger/search?org=JNMZJ')).statusCode).toBe(403);
    // An operator searches everything but subjects; a citizen still reads its own entries.
    expect((await search('operator', 'org=JNMZJ&limit=1')).items).toHaveLength(1);
    expect((await get('citizen', '/api/v1/ledger/entries?subject=me')).statusCode).toBe(200);
  });

  it.skipIf(engine.skip)('exports a search with proofs a third party verifies, and records the export', async () => {
    const jsonl = await get(
      'auditor',
      `/api/v1/ledger/export?format=jsonl&org=JNMZJ&kind=share.read&subject=${sample}`,
    );
    expect(jsonl.statusCode, jsonl.body).toBe(200);
    const [first, ...lines] = jsonl.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const head = first.head as Head;
    expect(checkHeadSignature(head, key)).toBe(true);
    expect(lines.length).toBe(Number(jsonl.headers['x-ledger-rows']));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const l of lines) {
      expect(JSON.parse(l.entry)).toMatchObject({ kind: 'share.read', org: 'JNMZJ' });
      const hash = leaf(head.suite, l.entry);
      expect(hash.toString('hex')).toBe(l.leafHash);
      expect(checkInclusion(head.suite, hash, l.index, head.treeSize, l.auditPath, head.rootHash)).toBe(true);
    }

    const csv = await get('auditor', '/api/v1/ledger/export?format=csv&org=JNMZJ');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = parse(csv.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(4);
    for (const r of rows) {
      const h: Head = {
        treeSize: Number(r.tree_size),
        rootHash: r.root_hash!,
        timestamp: Number(r.head_timestamp),
        suite: hub.ledger.suite,
        signature: restoreCsvCell(r.head_signature!),
      };
      expect(checkHeadSignature(h, key)).toBe(true);
      const hash = leaf(h.suite, r.entry!);
      expect(hash.toString('hex')).toBe(r.leaf_hash);
      const path = r.audit_path ? r.audit_path.split(' ') : [];
      expect(checkInclusion(h.suite, hash, Number(r.index), h.treeSize, path, h.rootHash)).toBe(true);
    }

    const exports = await search('auditor', 'kind=ledger.audit.exported&limit=5');
    const [csvExport, jsonlExport] = exports.items.map((e) => JSON.parse(e.entry));
    expect(csvExport).toMatchObject({
      format: 'csv',
      filter: { org: 'JNMZJ' },
      subject: null,
      rows: rows.length,
      actor: 'auditor',
    });
    expect(jsonlExport).toMatchObject({
      format: 'jsonl',
      filter: { org: 'JNMZJ', kind: 'share.read' },
      subject: hub.ledger.subjectTag(sample),
      treeSize: head.treeSize,
    });
    expect(JSON.stringify(exports.items)).not.toContain(sample);
    expect((await get('consumer', '/api/v1/ledger/export?format=csv')).statusCode).toBe(403);
  });

  it.skipIf(engine.skip)('lists signed heads newest first, each consistent with the one before', async () => {
    await get('consumer', `/api/v1/services/${PERSON}/records?purpose=social_assistance&key=${sample}`);
    await hub.ledger.latestHead();
    const res = await app.inject({ url: '/api/v1/ledger/heads/recent?limit=5' });
    expect(res.statusCode).toBe(200);
    const { items, next } = res.json() as {
      items: Array<{
        head: Head;
        previous: Head | null;
        consistency: { first: number; second: number; proof: string[] } | null;
      }>;
      next: number | null;
    };
    expect(items.length).toBe(5);
    expect(next).toBe(items[4]!.head.treeSize);
    for (const { head, previous, consistency } of items) {
      expect(checkHeadSignature(head, key)).toBe(true);
      expect(previous && consistency).toBeTruthy();
      expect(previous!.treeSize).toBeLessThan(head.treeSize);
      expect(
        checkConsistency(
          head.suite,
          previous!.treeSize,
          head.treeSize,
          consistency!.proof,
          previous!.rootHash,
          head.rootHash,
        ),
      ).toBe(true);
    }
    expect(items[0]!.previous).toEqual(items[1]!.head);
    const older = (await app.inject({ url: `/api/v1/ledger/heads/recent?limit=5&before=${next}` })).json();
    expect(older.items[0].head.treeSize).toBeLessThan(items[4]!.head.treeSize);
    // A forged signature does not verify (the check the web page shows as ✗).
    const forged = { ...items[0]!.head, rootHash: items[1]!.head.rootHash };
    expect(checkHeadSignature(forged, key)).toBe(false);
  });
});
