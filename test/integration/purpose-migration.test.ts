import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrate, sql, type Database } from '../../src/db/index.js';
import { shareMigrations } from '../../src/share/index.js';
import { MIGRATIONS } from '../../src/hub/index.js';
import { engines } from '../databases.js';

/**
 * Grants and demands written when purposes were free text keep working after the purpose
 * registry arrives (issue #13): text naming a registered purpose becomes its code, any other
 * text a registered purpose of its own.
 */
describe.each(engines())('purpose codes migration on $name', (engine) => {
  let db: Database;

  beforeAll(async () => {
    if (engine.skip) return;
    db = await connect({ databaseUrl: await engine.createDatabase(), dataDir: 'memory://' });
    // A database from before #12, when the module was still called `exchange`.
    const before = { module: 'exchange', migrations: shareMigrations.migrations.slice(0, 2) };
    await migrate(db, [before]);
    await sql`
      insert into exchange.grant (consumer_org, resource_code, fields, purpose, created_by) values
        ('JNMZJ', 'JNGAJ-0001', '{name}', '最低生活保障资格核验', 1),
        ('JNMZJ', 'JNGAJ-0002', '{name}', '社会救助', 1),
        ('JNWJW', 'JNGAJ-0001', '{name}', '最低生活保障资格核验', 1),
        ('JNWJW', 'JNGAJ-0003', '{name}', 'statistics', 1)`.execute(db.kysely);
    await sql`
      insert into exchange.demand (consumer_org, resource_code, fields, purpose, state, filed_by) values
        ('JNMZJ', 'JNGAJ-0001', '{name}', '走访慰问', 'filed', 1)`.execute(db.kysely);
    await migrate(db, MIGRATIONS);
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('turns free-text purposes into registered codes', async () => {
    const grants = await sql<{ resource_code: string; consumer_org: string; purposes: string[] }>`
      select resource_code, consumer_org, purposes from share.grant order by id`.execute(db.kysely);
    const legacy = await sql<{ code: string; name: string }>`
      select code, name from purpose.purpose where created_by = 'migration' order by code`.execute(db.kysely);
    expect(legacy.rows).toEqual([
      { code: 'legacy_1', name: '最低生活保障资格核验' },
      { code: 'legacy_2', name: '走访慰问' },
    ]);
    expect(grants.rows.map((g) => g.purposes)).toEqual([
      ['legacy_1'],
      ['social_assistance'],
      ['legacy_1'],
      ['statistics'],
    ]);
    const demand = await sql<{ purposes: string[]; purpose: string }>`
      select purposes, purpose from share.demand`.execute(db.kysely);
    expect(demand.rows).toEqual([{ purposes: ['legacy_2'], purpose: '走访慰问' }]);
  });
});
