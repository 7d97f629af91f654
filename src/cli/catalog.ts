import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_LANGUAGE, HubError, detailIn, isHubError, problemReasonIn } from '../kernel/index.js';
import { readCatalogWorkbook, writeCatalogCsv, writeCatalogWorkbook, type ListQuery } from '../catalog/index.js';
import type { Hub } from '../hub/index.js';
import { ACTS_AS_HOLDER, HOLDER_VIEWER } from './holder.js';

type OpenHub = (flags: { data?: string }) => Promise<Hub>;

/**
 * `qdh catalog import|export|search`: the same spreadsheet round trip and search as the API.
 * Import registers as the officer named by `--as`, through the policy; export and search act as
 * the holder of the server (holder.ts), who already holds the database, so see every entry.
 */
export function registerCatalogCommands(program: Command, open: OpenHub): void {
  const catalog = program.command('catalog').description('the data resource catalog');

  catalog
    .command('import')
    .description('register every resource of an XLSX workbook as drafts of an officer’s organization — or none')
    .requiredOption('--as <username>', 'the data officer registering them')
    .option('-d, --data <dir>', 'PGlite data directory')
    .argument('<file>', 'XLSX in the import template (qdh catalog export --format xlsx writes one)')
    .action(async (file: string, flags: { as: string; data?: string }) => {
      await withHub(open, flags, async (hub) => {
        const user = await hub.access.actorOf(flags.as);
        try {
          hub.authorizedCatalog.registrar(user);
        } catch (e) {
          if (e instanceof HubError && e.code === 'ACC_FORBIDDEN')
            throw new Error(`${flags.as} is not a data officer`, { cause: e });
          throw e;
        }
        try {
          const contents = await readCatalogWorkbook(readFileSync(file));
          const done = await hub.authorizedCatalog.registerAll(user, contents);
          console.log(`imported ${done.length} resource(s) as drafts of ${user.org!.name}:`);
          for (const r of done) console.log(`  ${r.code}  ${r.name}`);
        } catch (e) {
          if (!isHubError(e) || e.problems.length === 0) throw e;
          // The officer reads the refusal in Chinese, as the web shows it (the default language).
          console.error(detailIn(e, DEFAULT_LANGUAGE));
          for (const p of e.problems) console.error(`  ${p.field}  ${problemReasonIn(p, DEFAULT_LANGUAGE)}`);
          process.exitCode = 2;
        }
      });
    });

  catalog
    .command('export')
    .description('export the catalog, or a search selection, as XLSX (the import template) or CSV')
    .requiredOption('-o, --out <file>', 'where to write')
    .option('-f, --format <format>', 'xlsx or csv', 'xlsx')
    .option('-q, --q <words>', 'search words')
    .option('--provider <code>', 'provider organization')
    .option('-d, --data <dir>', 'PGlite data directory')
    .addHelpText('after', ACTS_AS_HOLDER)
    .action(async (flags: { out: string; format: string; q?: string; provider?: string; data?: string }) => {
      if (!['xlsx', 'csv'].includes(flags.format)) throw new Error('--format is xlsx or csv');
      await withHub(open, flags, async (hub) => {
        const resources = await hub.catalog.listAll({ q: flags.q, provider: flags.provider }, HOLDER_VIEWER);
        const body = flags.format === 'csv' ? writeCatalogCsv(resources) : await writeCatalogWorkbook(resources);
        writeFileSync(flags.out, body);
        console.log(`wrote ${resources.length} resource(s) to ${flags.out}`);
      });
    });

  catalog
    .command('search')
    .description('full-text search with facet counts')
    .argument('[words]', 'a phrase; "人口" finds "人口基础信息"', '')
    .option('--provider <code>')
    .option('--level <level>', 'general, important or core')
    .option('--share-type <type>', 'unconditional, conditional or none')
    .option('-n, --limit <n>', 'rows to show', '20')
    .option('-d, --data <dir>', 'PGlite data directory')
    .addHelpText('after', ACTS_AS_HOLDER)
    .action(
      async (
        words: string,
        flags: { provider?: string; level?: string; shareType?: string; limit: string; data?: string },
      ) => {
        await withHub(open, flags, async (hub) => {
          const query: ListQuery = {
            q: words,
            provider: flags.provider,
            level: flags.level,
            shareType: flags.shareType,
          };
          const result = await hub.catalog.list({ ...query, pageSize: Number(flags.limit) || 20 }, HOLDER_VIEWER);
          for (const r of result.items) {
            console.log(
              `${r.code.padEnd(12)} ${r.name}  [${r.provider.name} · ${r.shareType} · ${r.openType} · ${r.level} · ${r.status}]`,
            );
          }
          console.log(`${result.total} match(es)`);
          for (const [facet, counts] of Object.entries(result.facets)) {
            console.log(
              `  ${facet}: ${Object.entries(counts)
                .map(([k, n]) => `${k} ${n}`)
                .join(', ')}`,
            );
          }
        });
      },
    );
}

async function withHub<F extends { data?: string }>(open: OpenHub, flags: F, work: (hub: Hub) => Promise<void>) {
  const hub = await open(flags);
  try {
    await work(hub);
  } finally {
    await hub.close();
  }
}
