import type { Resource } from '../catalog/index.js';
import type { Database, Kysely, Transaction } from '../db/index.js';
import { HubError, msg } from '../kernel/index.js';
import type { Peer } from './peers.js';
import type { PushAck, PushBatch } from './push.js';
import type { Cascade } from './service.js';
import type { CascadeTables } from './tables.js';

/** What the city needs to take a batch in: the target resource, who owns it, and ingest's load. */
export interface PushTargets {
  resource(code: string): Promise<Resource>;
  /** Codes of the organizations of a division on this node (a district's own, on the city). */
  orgsOf(division: string): Promise<string[]>;
  /**
   * Rows (header first) through ingest's validation, quality rules and quarantine into the
   * resource, merged by key; `inMerge` runs inside the merge transaction.
   */
  load(
    resource: Resource,
    rows: AsyncIterable<string[]>,
    opts: {
      source: string;
      inMerge: (
        trx: Transaction<object>,
        load: { jobId: string; rowsLoaded: number; rowsRejected: number },
      ) => Promise<void>;
    },
  ): Promise<{ id: string; state: string; rowsLoaded: number; rowsRejected: number }>;
}

/** Raised inside the merge when another delivery of the same batch committed first: the load rolls back. */
class AppliedMeanwhile extends Error {}

/**
 * Push up (归集), the city's side: a district's batch becomes a load of the district's copy on the
 * city — validated and quarantined as any ingest job is — and is applied once per (node, run,
 * seq). The record that it was applied commits in the load's own transaction, so a batch sent
 * again after a crash on either side finds it, and gets the outcome it had the first time.
 */
export class PushReceiver {
  private readonly db: Kysely<CascadeTables>;

  constructor(
    database: Database,
    private readonly cascade: Cascade,
    private readonly targets: PushTargets,
  ) {
    this.db = database.kysely.withTables<CascadeTables>();
  }

  /** Per district node: batches applied and the rows they loaded and quarantined, so far. */
  async totals(): Promise<Map<string, { batches: number; rowsLoaded: number; rowsRejected: number }>> {
    const rows = await this.db
      .selectFrom('cascade.push_applied')
      .select((eb) => [
        'node_id',
        eb.fn.countAll<string>().as('batches'),
        eb.fn.sum<string>('rows_loaded').as('loaded'),
        eb.fn.sum<string>('rows_rejected').as('rejected'),
      ])
      .groupBy('node_id')
      .execute();
    return new Map(
      rows.map((r) => [
        r.node_id,
        { batches: Number(r.batches), rowsLoaded: Number(r.loaded), rowsRejected: Number(r.rejected) },
      ]),
    );
  }

  async apply(peer: Peer, batch: PushBatch): Promise<PushAck> {
    if (this.cascade.self.role !== 'city' || peer.relation !== 'child') throw new HubError('CAS_NOT_CITY');
    const earlier = await this.applied(peer.nodeId, batch);
    if (earlier) return earlier;
    const resource = await this.targets.resource(batch.target);
    if (!(await this.targets.orgsOf(peer.division)).includes(resource.provider.code))
      throw new HubError(
        'CAS_PUSH_TARGET',
        msg('cascade.notYourCopy', { resource: batch.target, division: peer.division }),
      );
    const record = (job: string, loaded: number, rejected: number) => ({
      node_id: peer.nodeId,
      run_id: batch.run,
      seq: batch.seq,
      push_id: batch.push,
      target_code: batch.target,
      job_id: job,
      rows_loaded: loaded,
      rows_rejected: rejected,
    });
    try {
      const report = await this.targets.load(resource, rowsOf(batch), {
        source: `cascade:${peer.division}:${batch.run}:${batch.seq}`,
        inMerge: async (trx, load) => {
          const mine = await trx
            .withTables<CascadeTables>()
            .insertInto('cascade.push_applied')
            .values(record(load.jobId, load.rowsLoaded, load.rowsRejected))
            .onConflict((oc) => oc.columns(['node_id', 'run_id', 'seq']).doNothing())
            .returning('seq')
            .executeTakeFirst();
          if (!mine) throw new AppliedMeanwhile();
        },
      });
      // A load held below its quality threshold merged nothing: its outcome is recorded now.
      if (report.state === 'held')
        await this.db
          .insertInto('cascade.push_applied')
          .values(record(report.id, 0, report.rowsRejected))
          .onConflict((oc) => oc.columns(['node_id', 'run_id', 'seq']).doNothing())
          .execute();
      return {
        seq: batch.seq,
        job: report.id,
        loaded: report.rowsLoaded,
        rejected: report.rowsRejected,
        replayed: false,
      };
    } catch (e) {
      if (!(e instanceof AppliedMeanwhile)) throw e;
      return (await this.applied(peer.nodeId, batch))!;
    }
  }

  private async applied(nodeId: string, batch: PushBatch): Promise<PushAck | undefined> {
    const row = await this.db
      .selectFrom('cascade.push_applied')
      .selectAll()
      .where('node_id', '=', nodeId)
      .where('run_id', '=', batch.run)
      .where('seq', '=', batch.seq)
      .executeTakeFirst();
    return (
      row && { seq: row.seq, job: row.job_id, loaded: row.rows_loaded, rejected: row.rows_rejected, replayed: true }
    );
  }
}

async function* rowsOf(batch: PushBatch): AsyncGenerator<string[]> {
  yield batch.fields;
  for (const r of batch.rows) yield r;
}
