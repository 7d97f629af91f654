import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { Value } from 'typebox/value';
import type { Hub } from '../hub/index.js';
import {
  formatOf,
  JobQueue,
  namedConnections,
  SourceSpecSchema,
  type JobReport,
  type Schedule,
  type SourceSpec,
  type ValidateProgress,
} from '../ingest/index.js';
import { ACTS_AS_HOLDER } from './holder.js';

type OpenHub = (flags: { data?: string }) => Promise<Hub>;

interface SourceFlags {
  sourceDb?: string;
  sourceHttp?: string;
  connection?: string;
  query?: string;
  param?: string[];
  path?: string;
  pageParam?: string;
  pageSize?: number;
  itemsPath?: string;
}
interface IngestFlags extends SourceFlags {
  resource: string;
  as: string;
  data?: string;
  snapshot?: boolean;
  deferBases?: boolean;
}

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('not a positive integer');
  return n;
};
const collect = (v: string, all: string[] = []) => [...all, v];

/** The options that describe a database or HTTP source, shared by a one-off run and `schedule add`. */
function sourceOptions(cmd: Command): Command {
  return cmd
    .option('--source-db <url>', 'postgres://user@host/db (no password: use --connection or PGPASSWORD)')
    .option('--source-http <url>', 'a paged JSON API: ?page=1, 2, … until an empty page, or its `next` links')
    .option('--connection <name>', 'a named connection, configured in env QDH_SOURCE_<NAME>')
    .option('--query <sql>', 'for a database: one SELECT or WITH query')
    .option('--param <value>', 'for a database: $1, $2, … (repeat)', collect)
    .option('--path <path>', 'for an HTTP connection: the path under its URL')
    .option('--page-param <name>', 'for HTTP: the page number parameter (default page)')
    .option('--page-size <n>', 'for HTTP: items a page, sent as pageSize', int)
    .option('--items-path <path>', 'for HTTP: where the items are in a page, e.g. data.list');
}

/**
 * `qdh ingest`: a file with a progress bar (rows/s, ETA from bytes read), or a database or HTTP
 * source run once; `qdh ingest schedule …` manages the schedules that the hub's workers run.
 * A load or a schedule is the `--as` officer's, who must be allowed it as through the API
 * (hub.ingestScope). The command line is run by whoever holds the server: sources here skip the
 * host list, but a password still never goes on the command line (it would sit in the job and in `ps`).
 */
export function registerIngestCommands(program: Command, open: OpenHub): void {
  // `ingest` and `ingest schedule add` share option names (-r, --source-db …): each command's
  // options are its own only when options stop at a subcommand, which commander asks of every
  // ancestor. qdh itself has no options, so this changes nothing else.
  program.enablePositionalOptions();
  const ingest = sourceOptions(
    program
      .command('ingest')
      .description('load a file (CSV in UTF-8 or GBK, XLSX, JSON, NDJSON) or a database or HTTP source into a resource')
      .enablePositionalOptions()
      .option('-r, --resource <code>', 'resource code, e.g. JNGAJ-0001 (required)')
      .option('--as <username>', 'officer on whose behalf the load is recorded', 'officer')
      .option('-d, --data <dir>', 'PGlite data directory')
      .option('--snapshot', 'the file is the whole resource: records whose key it lacks are removed')
      .option('--defer-bases', "leave the base databases' absorb of this load to the serving hub (it catches up)")
      .argument('[file]', 'the file, with a header row; omit it for a --source-db, --source-http or --connection'),
  ).action(async (file: string | undefined, flags: IngestFlags) => {
    if (!flags.resource) throw new InvalidArgumentError('give the resource: -r, --resource <code>');
    const spec = specOf(flags);
    if (!file && !spec) throw new InvalidArgumentError('give a file, or --source-db, --source-http or --connection');
    if (file && spec) throw new InvalidArgumentError('give a file or a source, not both');
    const hub = await open(flags);
    try {
      const report = file ? await runFile(hub, file, flags) : await runSource(hub, spec!, flags);
      if (report.state === 'failed') process.exitCode = 1;
    } finally {
      await hub.close();
    }
  });
  registerScheduleCommands(ingest, open);
}

/** A file loaded now, as an upload to POST /api/v1/ingest/jobs: the `--as` officer's, if it may upload. */
async function runFile(hub: Hub, file: string, flags: IngestFlags): Promise<JobReport> {
  const actor = await hub.access.actorOf(flags.as);
  const resource = await hub.ingestScope.resource(actor, 'ingest:upload', flags.resource);
  const size = statSync(file).size;
  const input = createReadStream(file);
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {rows} rows | {speed} rows/s | ETA {eta_formatted}',
    hideCursor: true,
  });
  const t0 = Date.now();
  bar.start(size, 0, { rows: 0, speed: 0 });
  // The ETA is cli-progress's, from bytes read against the file's size.
  const onProgress = (p: ValidateProgress) =>
    bar.update(input.bytesRead, { rows: p.rowsRead, speed: rate(p.rowsRead, t0) });
  try {
    const report = await hub.ingest.runFile(resource, input, {
      createdBy: actor.userId,
      source: `cli:${basename(file)}`,
      format: formatOf(file),
      snapshot: flags.snapshot ?? false,
      followUp: !flags.deferBases,
      onProgress,
    });
    bar.update(size);
    printSummary(report, t0);
    return report;
  } finally {
    bar.stop();
  }
}

/**
 * A source run once, in this process; the job is held from the hub's workers, which check hosts.
 * The `--as` officer must be allowed it as a source job queued through the API (ingest:run).
 */
async function runSource(hub: Hub, spec: SourceSpec, flags: IngestFlags): Promise<JobReport> {
  const actor = await hub.access.actorOf(flags.as);
  const resource = await hub.ingestScope.resource(actor, 'ingest:run', flags.resource);
  hub.ingestScope.checkSource(actor, spec, { trusted: true });
  const queue = new JobQueue(
    hub.db,
    { run: (r, rows, o) => hub.ingest.run(r, rows, o), resource: (c) => hub.catalog.get(c) },
    { sources: { trusted: true } },
  );
  const id = await queue.enqueue({
    resource: resource.code,
    spec,
    createdBy: actor.userId,
    hold: true,
  });
  // A source has no size to measure against: rows and rows/s, no ETA.
  const bar = new SingleBar({ format: '{rows} rows | {speed} rows/s | {duration_formatted}', hideCursor: true });
  const t0 = Date.now();
  bar.start(1, 0, { rows: 0, speed: 0 });
  try {
    await queue.runNow(id, (p) => bar.update(0, { rows: p.rowsRead, speed: rate(p.rowsRead, t0) }));
  } finally {
    bar.stop();
  }
  const report = await hub.ingest.report(id);
  printSummary(report, t0);
  return report;
}

const rate = (rows: number, t0: number) => Math.round(rows / ((Date.now() - t0) / 1000 || 1));

/** The line earlier releases printed (scripts read it), then the summary table and the first rejects. */
function printSummary(report: JobReport, t0: number): void {
  const seconds = (Date.now() - t0) / 1000;
  console.log(
    `${report.state}: read ${report.rowsRead}, loaded ${report.rowsLoaded}, rejected ${report.rowsRejected} in ${seconds.toFixed(1)} s (job ${report.id})`,
  );
  const table: Array<[string, string]> = [
    ['outcome', report.outcome],
    ['read', String(report.rowsRead)],
    ['loaded', String(report.rowsLoaded)],
    ['rejected', String(report.rowsRejected)],
    ['quality score', report.qualityScore === null ? '—' : `${report.qualityScore} %`],
    ['time', `${seconds.toFixed(1)} s`],
    ['rows/s', String(Math.round(report.rowsRead / (seconds || 1)))],
  ];
  for (const [k, v] of table) console.log(`  ${k.padEnd(14)}${v.padStart(12)}`);
  if (report.threshold) {
    const { minPassRate, action } = report.threshold;
    console.log(`  ${'threshold'.padEnd(14)}${`${minPassRate} % ${action}`.padStart(12)}`);
  }
  if (report.outcome === 'held') console.log("  held: below the resource's quality threshold; release or discard it");
  if (report.error) console.log(`  error: ${report.error}`);
  for (const r of report.rejects.slice(0, 20)) console.log(`  row ${r.row} ${r.field}: ${r.reason}`);
  if (report.rejects.length > 20) console.log(`  … ${report.rowsRejected - 20} more in the job's quarantine`);
}

/** The spec the flags describe, validated as the API validates it; undefined when they name no source. */
function specOf(flags: SourceFlags): SourceSpec | undefined {
  const given = [flags.sourceDb, flags.sourceHttp, flags.connection].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given > 1) throw new InvalidArgumentError('give one of --source-db, --source-http, --connection');
  const database = !!flags.sourceDb || namedConnections().find((c) => c.name === flags.connection)?.kind === 'database';
  const spec: Record<string, unknown> = database
    ? { kind: 'database', url: flags.sourceDb, connection: flags.connection, query: flags.query, params: flags.param }
    : {
        kind: 'http',
        url: flags.sourceHttp ?? flags.path,
        connection: flags.connection,
        pageParam: flags.pageParam,
        pageSize: flags.pageSize,
        itemsPath: flags.itemsPath,
      };
  for (const k of Object.keys(spec)) if (spec[k] === undefined) delete spec[k];
  const problems = [...Value.Errors(SourceSpecSchema, spec)].filter(
    (e) => e.keyword !== 'anyOf' && e.keyword !== 'const',
  );
  if (problems.length > 0)
    throw new InvalidArgumentError(problems.map((e) => `${e.instancePath || 'source'} ${e.message}`).join('; '));
  return spec as SourceSpec;
}

function registerScheduleCommands(ingest: Command, open: OpenHub): void {
  const schedule = ingest.command('schedule').description('schedules that queue source jobs by cron (Asia/Shanghai)');
  const withHub = async (flags: { data?: string }, work: (hub: Hub) => Promise<void>) => {
    const hub = await open(flags);
    try {
      await work(hub);
    } finally {
      await hub.close();
    }
  };
  schedule
    .command('list')
    .description('schedules, newest first')
    .option('-r, --resource <code>')
    .option('-d, --data <dir>', 'PGlite data directory')
    .addHelpText('after', ACTS_AS_HOLDER)
    .action((flags: { resource?: string; data?: string }) =>
      withHub(flags, async (hub) => {
        const items = await hub.schedules.list({ resources: flags.resource ? [flags.resource] : undefined });
        for (const s of items) printSchedule(s);
        console.log(`${items.length} schedule(s)`);
      }),
    );
  sourceOptions(
    schedule
      .command('add')
      .description('queue a job from a source each time the cron fires')
      .requiredOption('-r, --resource <code>')
      .requiredOption('--cron <expr>', "5 fields (minute hour day month weekday), e.g. '0 2 * * *'")
      .option('--timezone <tz>', 'IANA time zone', 'Asia/Shanghai')
      .option('--max-attempts <n>', 'runs before a job stays failed', int, 3)
      .option('--disabled', 'create it disabled')
      .option('--as <username>', 'officer on whose behalf the jobs are recorded', 'officer')
      .option('-d, --data <dir>', 'PGlite data directory'),
  ).action(
    (
      flags: SourceFlags & {
        resource: string;
        cron: string;
        timezone: string;
        maxAttempts: number;
        disabled?: boolean;
        as: string;
        data?: string;
      },
    ) => {
      const spec = specOf(flags);
      if (!spec) throw new InvalidArgumentError('give --source-db, --source-http or --connection');
      return withHub(flags, async (hub) => {
        // As POST /api/v1/ingest/schedules: the `--as` officer may schedule the resource's loads and
        // use the connection. Hosts are checked as the API checks them: the hub's workers run the jobs.
        const actor = await hub.access.actorOf(flags.as);
        const resource = await hub.ingestScope.resource(actor, 'ingest:schedule', flags.resource);
        hub.ingestScope.checkSource(actor, spec);
        printSchedule(
          await hub.schedules.create({
            resource: resource.code,
            spec,
            cron: flags.cron,
            timezone: flags.timezone,
            maxAttempts: flags.maxAttempts,
            enabled: !flags.disabled,
            createdBy: actor.userId,
          }),
        );
      });
    },
  );
  schedule
    .command('remove <id>')
    .description('remove a schedule (its jobs stay)')
    .option('-d, --data <dir>', 'PGlite data directory')
    .addHelpText('after', ACTS_AS_HOLDER)
    .action((id: string, flags: { data?: string }) =>
      withHub(flags, async (hub) => {
        await hub.schedules.remove(int(id));
        console.log(`removed schedule ${id}`);
      }),
    );
}

function printSchedule(s: Schedule): void {
  const local = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: s.timezone, hour12: false });
  console.log(
    `#${s.id}  ${s.resource}  ${s.cron}  ${s.enabled ? 'enabled' : 'disabled'}  ${s.source}` +
      `  next: ${s.nextRunAt ? local(s.nextRunAt) : '—'}  last job: ${s.lastJob ? `${s.lastJob.outcome} ${s.lastJob.id}` : '—'}`,
  );
}
