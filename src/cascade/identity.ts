import { createHash } from 'node:crypto';
import type { Kysely } from '../db/index.js';
import { getSuite, HubError, JINAN, msg, sm2PublicKeyPem } from '../kernel/index.js';
import type { SecretBox } from '../keys/index.js';
import type { NodeKeys, PublicKeys } from './signing.js';
import type { CascadeTables, NodeRole } from './tables.js';

export interface NodeIdentity {
  nodeId: string;
  role: NodeRole;
  division: string;
  keys: NodeKeys;
  publicKeys: PublicKeys;
}

/**
 * This node's identity: made at the first start with the role and division it is started with
 * (a city by default, Jinan), kept ever after. A database started later as another role or
 * division refuses to serve, since its peers know it by its keys and division.
 */
export async function loadIdentity(
  db: Kysely<CascadeTables>,
  box: SecretBox,
  wanted: { role?: NodeRole | undefined; division?: string | undefined },
): Promise<NodeIdentity> {
  let row = await db.selectFrom('cascade.self').selectAll().where('id', '=', 1).executeTakeFirst();
  const differs = (r: NonNullable<typeof row>) =>
    (wanted.role && wanted.role !== r.role) || (wanted.division && wanted.division !== r.division);
  // A command run before the first `qdh serve --role` made a default city identity: no peer knows
  // it yet, so the node may still become what it is started as.
  if (
    row &&
    !row.chosen &&
    differs(row) &&
    !(await db.selectFrom('cascade.peer').select('node_id').executeTakeFirst())
  ) {
    await db.deleteFrom('cascade.self').where('id', '=', 1).execute();
    row = undefined;
  }
  if (!row) {
    await create(db, box, wanted);
    row = await db.selectFrom('cascade.self').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  }
  if (differs(row))
    throw new HubError(
      'CAS_ROLE_CONFLICT',
      msg('cascade.roleConflict', {
        node:
          row.role === 'city' ? { 'zh-CN': '市级节点', en: 'city node' } : { 'zh-CN': '区县节点', en: 'district node' },
        division: row.division,
      }),
    );
  const sm2Private = (await box.open(row.sm2_private)).toString();
  const edPrivate = (await box.open(row.ed25519_private)).toString();
  return {
    nodeId: row.node_id,
    role: row.role,
    division: row.division,
    keys: {
      sm2: { privateKey: sm2Private, publicKeyHex: row.sm2_public, publicKeyPem: sm2PublicKeyPem(row.sm2_public) },
      ed25519: { privateKey: edPrivate, publicKeyPem: row.ed25519_public },
    },
    publicKeys: { sm2: row.sm2_public, ed25519: row.ed25519_public },
  };
}

async function create(
  db: Kysely<CascadeTables>,
  box: SecretBox,
  wanted: { role?: NodeRole | undefined; division?: string | undefined },
) {
  const role = wanted.role ?? 'city';
  const division = wanted.division ?? JINAN;
  const sm2 = getSuite('gm').generateSigningKey();
  const ed = getSuite('intl').generateSigningKey();
  await db
    .insertInto('cascade.self')
    .values({
      id: 1,
      node_id: nodeIdOf(division, ed.publicKeyPem),
      role,
      division,
      sm2_private: await box.seal(Buffer.from(sm2.privateKey)),
      sm2_public: sm2.publicKeyHex!,
      ed25519_private: await box.seal(Buffer.from(ed.privateKey)),
      ed25519_public: ed.publicKeyPem,
      chosen: wanted.role !== undefined,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** A node's id: its division and a fingerprint of its Ed25519 key, readable in a log line. */
export function nodeIdOf(division: string, ed25519Pem: string): string {
  return `${division}-${createHash('sha256').update(ed25519Pem).digest('hex').slice(0, 12)}`;
}
