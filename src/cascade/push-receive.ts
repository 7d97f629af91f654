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
    opts: { source: string; inMerge: InMerge },
  ): Promise<LoadReport>;
  /**
   * The same, except that the rows are staged into the load of `stage` (a full push's, one per
   * run) rather than merged; `inMerge` runs in the transaction that records them staged.
   */
  stage(
    resource: Resource,
    rows: AsyncIterable<string[]>,
    opts: { source: string; stage: string; inMerge: InMerge },
  ): Promise<LoadReport>;
  /**
   * Merges the load of `stage` as the resource's whole data, in one transaction with `inMerge`:
   * the rows of `jobs` only, those of the resource's other jobs whose source begins with `source` taken out.
   */
  mergeStaged(
    resource: Resource,
    opts: {
      stage: string;
      jobs: string[];
      source: string;
      inMerge: (trx: Transaction<object>, outcome: { loaded: number; duplicates: unknown[] }) => Promise<void>;
    },
  ): Promise<{ loaded: number; duplicates: unknown[] }>;
  /** Gives up the load of `stage`: its staged rows dropped, its jobs (source beginning `source`) failed with `reason`. */
  dropStaged(resource: Resource, opts: { stage: string; source: string; reason: HubError }): Promise<void>;
}

type LoadReport = { id: string; state: string; rowsLoaded: number; rowsRejected: number };
type InMerge = (
  trx: Transaction<object>,
  load: { jobId: string; rowsLoaded: number; rowsRejected: number },
) => Promise<void>;

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
    /** In the transaction of the batch's load (or staging, or the full push's merge): applied once. */
    const once = async (trx: Transaction<object>, job: string, loaded: number, rejected: number) => {
      const mine = await trx
        .withTables<CascadeTables>()
        .insertInto('cascade.push_applied')
        .values(record(job, loaded, rejected))
        .onConflict((oc) => oc.columns(['node_id', 'run_id', 'seq']).doNothing())
        .returning('seq')
        .executeTakeFirst();
      if (!mine) throw new AppliedMeanwhile();
    };
    if (batch.full) await this.staging(peer, batch, resource);
    try {
      if (batch.end) return await this.end(peer, batch, resource, once);
      const source = `cascade:${peer.division}:${batch.run}:${batch.seq}`;
      const inMerge: InMerge = (trx, load) => once(trx, load.jobId, load.rowsLoaded, load.rowsRejected);
      const report = batch.full
        ? await this.targets.stage(resource, rowsOf(batch), { source, stage: batch.run, inMerge })
        : await this.targets.load(resource, rowsOf(batch), { source, inMerge });
      // A load held below its quality threshold merged (or staged) nothing: its outcome is recorded now.
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
      // Another delivery of the same batch (or end) committed first: its outcome is the answer.
      const meanwhile = await this.applied(peer.nodeId, batch).catch(() => undefined);
      if (meanwhile) return meanwhile;
      throw e;
    }
  }

  /**
   * The end of a full push: its batches, all staged (each applied), become the copy's data in
   * one merge — the staged table swapped in as the copy's partition, or its rows put in place
   * of the copy's — with the record of the end. Until then the copy served its previous data.
   */
  private async end(
    peer: Peer,
    batch: PushBatch,
    resource: Resource,
    once: (trx: Transaction<object>, job: string, loaded: number, rejected: number) => Promise<void>,
  ): Promise<PushAck> {
    if (!batch.full || batch.rows.length > 0) throw new HubError('KRN_BAD_REQUEST');
    const staged = await this.db
      .selectFrom('cascade.push_applied')
      .select('job_id')
      .where('node_id', '=', peer.nodeId)
      .where('run_id', '=', batch.run)
      .where('seq', '<', batch.seq)
      .execute();
    // The district ends a run once every batch is acknowledged; an end before that is refused.
    if (staged.length !== batch.seq - 1) throw new HubError('KRN_BAD_REQUEST');
    let duplicates = 0;
    await this.targets.mergeStaged(resource, {
      stage: batch.run,
      jobs: staged.map((s) => s.job_id),
      source: `cascade:${peer.division}:${batch.run}:`,
      inMerge: async (trx, outcome) => {
        duplicates = outcome.duplicates.length;
        await once(trx, batch.run, 0, duplicates);
        await trx
          .withTables<CascadeTables>()
          .deleteFrom('cascade.push_staging')
          .where('node_id', '=', peer.nodeId)
          .where('run_id', '=', batch.run)
          .execute();
      },
    });
    return { seq: batch.seq, job: batch.run, loaded: 0, rejected: duplicates, replayed: false };
  }

  /**
   * A full run is staged until its end. Its first batch gives up the district's earlier full runs
   * of the same copy that never ended — a push deleted or made again on the district, which would
   * otherwise leave its staged table on the city for good: their staged rows are dropped and their
   * jobs failed, and a batch or end of theirs that comes later is refused (CAS_RUN_SUPERSEDED),
   * so that a given-up run can never swap in a load that is gone.
   */
  private async staging(peer: Peer, batch: PushBatch, resource: Resource): Promise<void> {
    const mine = await this.db
      .selectFrom('cascade.push_staging')
      .select('superseded_by')
      .where('node_id', '=', peer.nodeId)
      .where('run_id', '=', batch.run)
      .executeTakeFirst();
    if (mine?.superseded_by) throw superseded(batch.run, mine.superseded_by);
    if (mine) return;
    const given = await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('cascade.push_staging')
        .values({ node_id: peer.nodeId, run_id: batch.run, target_code: batch.target })
        .onConflict((oc) => oc.columns(['node_id', 'run_id']).doNothing())
        .execute();
      return trx
        .updateTable('cascade.push_staging')
        .set({ superseded_by: batch.run })
        .where('node_id', '=', peer.nodeId)
        .where('target_code', '=', batch.target)
        .where('run_id', '<>', batch.run)
        .where('superseded_by', 'is', null)
        .returning('run_id')
        .execute();
    });
    for (const { run_id: run } of given)
      await this.targets.dropStaged(resource, {
        stage: run,
        source: `cascade:${peer.division}:${run}:`,
        reason: superseded(run, batch.run),
      });
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

function superseded(run: string, by: string): HubError {
  return new HubError('CAS_RUN_SUPERSEDED', msg('cascade.runSuperseded', { run, by }));
}

async function* rowsOf(batch: PushBatch): AsyncGenerator<string[]> {
  yield batch.fields;
  for (const r of batch.rows) yield r;
}
