import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { HubError, detailIn, isHubError, msg, render } from '../kernel/index.js';
import { backup, refuseUnverifiedRestore, restore, type OpenHub, type Progress, type Target } from '../ops/index.js';

/** The hub's version, for the manifest: package.json sits two levels above src/cli and dist/cli. */
const HUB_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const PHASES: Record<Parameters<Progress>[0], string> = {
  dump: 'dump   ',
  check: 'check  ',
  load: 'load   ',
  verify: 'verify ',
};

/** Bars on stderr when it is a terminal (one per phase, bytes or entries), nothing otherwise. */
function progressBars(): { onProgress: Progress | undefined; stop: () => void } {
  if (!process.stderr.isTTY) return { onProgress: undefined, stop: () => {} };
  const multi = new MultiBar(
    { format: '{phase}{bar} {percentage}% | {value}/{total} {unit} | ETA {eta_formatted}', hideCursor: true },
    Presets.shades_classic,
  );
  const bars = new Map<string, SingleBar>();
  return {
    onProgress: (phase, done, total) => {
      let bar = bars.get(phase);
      const unit = phase === 'verify' ? 'entries' : 'bytes';
      if (!bar) bars.set(phase, (bar = multi.create(total, 0, { phase: PHASES[phase], unit })));
      bar.setTotal(total);
      bar.update(done, { phase: PHASES[phase], unit });
    },
    stop: () => multi.stop(),
  };
}

/** A refusal in both languages: operators of this hub read either. */
function explain(e: unknown): never {
  if (isHubError(e)) {
    console.error(`${e.code}: ${detailIn(e, 'zh-CN')}\n${' '.repeat(e.code.length + 2)}${e.message}`);
    process.exit(2);
  }
  throw e;
}

/** `qdh backup FILE` and `qdh restore FILE`: the whole hub, either engine (src/ops, docs/operations.md). */
export function registerBackupCommands(
  program: Command,
  target: (flags: { data?: string }) => Target,
  knownMigrations: () => readonly string[],
  open: OpenHub,
): void {
  program
    .command('backup')
    .description('write the whole hub to a backup file, with a manifest and the ledger’s signed head')
    .argument('<file>', 'the backup file to write')
    .option('-d, --data <dir>', 'PGlite data directory (env QDH_DATA_DIR); ignored with DATABASE_URL')
    .action(async (file: string, flags: { data?: string }) => {
      const bars = progressBars();
      try {
        const r = await backup({ ...target(flags), file, hubVersion: HUB_VERSION, open, onProgress: bars.onProgress });
        bars.stop();
        const { head } = r.manifest.ledger;
        console.log(`wrote ${r.file}: ${r.manifest.engine}, ${r.manifest.payload.bytes} bytes in ${r.seconds} s`);
        console.log(`  ledger head: tree size ${head.treeSize}, root ${head.rootHash}`);
      } catch (e) {
        bars.stop();
        explain(e);
      }
    });

  program
    .command('restore')
    .description('restore a backup onto the configured database, then verify its ledger before it may serve')
    .argument('<file>', 'a file written by qdh backup')
    .option('-d, --data <dir>', 'PGlite data directory (env QDH_DATA_DIR); ignored with DATABASE_URL')
    .option('--force', 'replace a database that holds data')
    .action(async (file: string, flags: { data?: string; force?: boolean }) => {
      const bars = progressBars();
      try {
        const r = await restore({
          ...target(flags),
          file,
          force: flags.force,
          knownMigrations: knownMigrations(),
          open,
          onProgress: bars.onProgress,
        });
        bars.stop();
        const { head } = r.manifest.ledger;
        console.log(`restored ${file} (${r.manifest.engine}, made ${r.manifest.createdAt}) in ${r.seconds} s`);
        if (!r.verified)
          throw new HubError(
            'OPS_RESTORE_UNVERIFIED',
            msg('ops.unverified', { problems: r.problems, flag: '--accept-unverified-restore' }),
          );
        console.log(`  ledger verified: holds the signed head of tree size ${head.treeSize}, root ${head.rootHash}`);
      } catch (e) {
        bars.stop();
        explain(e);
      }
    });
}

/**
 * What `qdh serve` runs first: a database whose last restore did not verify (or did not finish)
 * is not served, unless the operator accepts it with --accept-unverified-restore (logged).
 */
export async function refuseHeldRestore(
  target: Target,
  accept: boolean | undefined,
  logger: { warn: (o: object, m: string) => void },
): Promise<void> {
  await refuseUnverifiedRestore(target, {
    override: accept,
    onOverride: (record) =>
      logger.warn(
        {
          restore: {
            state: record.state,
            startedAt: record.startedAt,
            problems: record.problems.map((p) => render(p, 'en')),
          },
        },
        'serving a database whose last restore did not verify, as --accept-unverified-restore asks',
      ),
  }).catch(explain);
}
