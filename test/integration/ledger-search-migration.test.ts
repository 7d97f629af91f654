import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrate, sql, type Database } from '../../src/db/index.js';
import { ledgerMigrations } from '../../src/ledger/index.js';
import { engines } from '../databases.js';

/**
 * Entries written while a trigger and an expression index derived the search columns keep being
 * found once the append writes them itself (ledger migration 003): each entry gets the kind it is
 * read as, a legacy one the kind that replaced it; their hashed text is untouched; and the ledger
 * is append-only again afterwards.
 */
describe.each(engines())('ledger search columns migration on $name', (engine) => {
  let db: Database;
  const legacy = JSON.stringify({
    kind: 'grant',
    action: 'create',
    actor: 'operator',
    consumer: 'JNMZJ',
    resource: 'JNGAJ-0001',
  });
  const typed = JSON.stringify({ v: 1, kind: 'share.read', org: 'JNWJW', resource: 'JNGAJ-0002', subject: 'ab' });

  beforeAll(async () => {
    if (engine.skip) return;
    db = await connect({ databaseUrl: await engine.createDatabase(), dataDir: 'memory://' });
    await migrate(db, [{ module: 'ledger', migrations: ledgerMigrations.migrations.slice(0, 2) }]);
    await sql`
      insert into ledger.entry (idx, entry, leaf_hash, subject) values
        (0, ${legacy}, '\\x00', null), (1, ${typed}, '\\x01', 'ab')`.execute(db.kysely);
    await migrate(db, [ledgerMigrations]);
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('gives each entry the kind it is read as and keeps its organizations', async () => {
    const entries = await sql<{ idx: string; kind: string; entry: string }>`
      select idx, kind, entry from ledger.entry order by idx`.execute(db.kysely);
    expect(entries.rows.map((r) => [Number(r.idx), r.kind, r.entry])).toEqual([
      [0, 'share.grant.created', legacy],
      [1, 'share.read', typed],
    ]);
    const orgs = await sql<{ org: string; idx: string; kind: string }>`
      select org, idx, kind from ledger.entry_org order by idx, org`.execute(db.kysely);
    expect(orgs.rows.map((r) => [r.org, Number(r.idx), r.kind])).toEqual([
      ['JNGAJ', 0, 'share.grant.created'],
      ['JNMZJ', 0, 'share.grant.created'],
      ['JNGAJ', 1, 'share.read'],
      ['JNWJW', 1, 'share.read'],
    ]);
  });

  it.skipIf(engine.skip)('leaves the ledger append-only', async () => {
    await expect(sql`update ledger.entry set kind = 'x' where idx = 0`.execute(db.kysely)).rejects.toThrow(
      /append-only/,
    );
  });
});
