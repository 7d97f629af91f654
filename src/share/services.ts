import type { CatalogService, Field, Resource } from '../catalog/index.js';
import type { Database, Kysely } from '../db/index.js';
import { HubError, announce, msg } from '../kernel/index.js';
import type { ShareTables } from './tables.js';

/** A data service's code: one service per resource, named after it. */
export const serviceCodeOf = (resourceCode: string) => `DS-${resourceCode}`;

export interface DataService {
  code: string;
  resource: { code: string; name: string; provider: { code: string; name: string } };
  keyField: string;
  publishedAt: string;
}

/** How long a process trusts its list of published services; a safety net under NOTIFY. */
const CACHE_MS = 30_000;
/** Announced when a service is published, so that every process reads the list again. */
const CHANNEL = 'share_service';

/**
 * 数据服务: a published query API over one resource — by key, by a batch of keys, by filter —
 * whose callers see what their grant allows. Publishing is idempotent: the demand that first
 * needs a resource's service publishes it, later ones find it there.
 */
export class DataServices {
  private readonly db: Kysely<ShareTables>;
  private known: { codes: Map<string, string>; until: number } | undefined;

  constructor(
    private readonly database: Database,
    private readonly catalog: CatalogService,
  ) {
    this.db = database.kysely.withTables<ShareTables>();
  }

  /** Forgets the list when any process publishes (or when a notification may have been missed). */
  async start(): Promise<void> {
    await this.database.listen(CHANNEL, () => (this.known = undefined));
  }

  async publish(resourceCode: string, by: string): Promise<DataService> {
    const resource = await this.catalog.get(resourceCode);
    if (resource.publishedAt === null) {
      throw new HubError('SHR_NOT_PUBLISHED', msg('share.notPublishedInCatalog', { code: resourceCode }));
    }
    await this.db
      .insertInto('share.service')
      .values({ code: serviceCodeOf(resource.code), resource_code: resource.code, published_by: by })
      .onConflict((oc) => oc.column('resource_code').doNothing())
      .execute();
    this.known = undefined;
    await announce(this.db, CHANNEL, resource.code);
    return (await this.list([resource.code]))[0]!;
  }

  /** Published services, all or those over the given resources. */
  async list(resources?: string[]): Promise<DataService[]> {
    let q = this.db.selectFrom('share.service').selectAll().orderBy('code');
    if (resources) {
      if (resources.length === 0) return [];
      q = q.where('resource_code', 'in', resources);
    }
    const out: DataService[] = [];
    for (const row of await q.execute()) {
      const r = await this.catalog.get(row.resource_code);
      out.push({
        code: row.code,
        resource: { code: r.code, name: r.name, provider: r.provider },
        keyField: r.keyField,
        publishedAt: row.published_at.toISOString(),
      });
    }
    return out;
  }

  /** The resource behind a published service; 404 for a service that was never published. */
  async resourceOf(code: string): Promise<Resource> {
    if (!this.known || this.known.until < Date.now()) {
      const rows = await this.db.selectFrom('share.service').select(['code', 'resource_code']).execute();
      this.known = { codes: new Map(rows.map((r) => [r.code, r.resource_code])), until: Date.now() + CACHE_MS };
    }
    let resource = this.known.codes.get(code);
    if (!resource) {
      // Published by another process since this one last looked.
      const row = await this.db
        .selectFrom('share.service')
        .select('resource_code')
        .where('code', '=', code)
        .executeTakeFirst();
      if (!row) throw new HubError('SHR_SERVICE_NOT_FOUND', msg('share.noService', { code }));
      resource = row.resource_code;
      this.known.codes.set(code, resource);
    }
    return this.catalog.get(resource);
  }
}

const JSON_TYPES: Record<Field['type'], object> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  date: { type: 'string', format: 'date' },
  boolean: { type: 'boolean' },
  citizen_id: { type: 'string', pattern: '^\\d{17}[\\dX]$' },
  credit_code: { type: 'string', pattern: '^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$' },
  division: { type: 'string', pattern: '^\\d{6}$' },
  phone: { type: 'string' },
};

/**
 * The OpenAPI 3.1 document of one service as one caller sees it: only the fields it may see,
 * masked ones marked, and the three ways to call it.
 */
export function serviceOpenApi(
  service: DataService,
  resource: Resource,
  visible: ReadonlySet<string>,
  masked: ReadonlySet<string>,
  /** The purposes the caller may state; null for any registered one. */
  purposes: ReadonlySet<string> | null,
): object {
  const properties = Object.fromEntries(
    resource.fields
      .filter((f) => visible.has(f.name))
      .map((f) => [
        f.name,
        {
          ...(masked.has(f.name) ? { type: 'string' } : JSON_TYPES[f.type]),
          description: `${f.label}${masked.has(f.name) ? '（脱敏）' : ''}`,
        },
      ]),
  );
  const record = { type: 'object', properties };
  const base = `/api/v1/services/${service.code}`;
  const security = [{ apiKey: [] }, { bearer: [] }];
  const purpose = {
    name: 'purpose',
    in: 'query',
    schema: purposes ? { type: 'string', enum: [...purposes] } : { type: 'string' },
    required: true,
    description: '用途: the code of one of the purposes the grant allows',
  };
  const items = { type: 'object', properties: { items: { type: 'array', items: record } } };
  return {
    openapi: '3.1.0',
    info: { title: `${service.resource.name}（${service.code}）`, version: String(resource.version) },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: { Record: record },
    },
    paths: {
      [`${base}/records`]: {
        get: {
          summary: `按 ${resource.keyField} 查询一条，或按条件分页查询（f.<信息项>=值）`,
          security,
          parameters: [
            { name: 'key', in: 'query', schema: { type: 'string' } },
            purpose,
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
            { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
            { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv'] } },
          ],
          responses: {
            200: { description: 'records', content: { 'application/json': { schema: items }, 'text/csv': {} } },
            403: { description: 'no active grant, or a purpose the grant does not allow' },
            429: { description: 'quota or rate exceeded; see Retry-After' },
          },
        },
      },
      [`${base}/records/batch`]: {
        post: {
          summary: '批量按主键查询（至多 100 个）',
          security,
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['keys', 'purpose'],
                  properties: {
                    keys: { type: 'array', items: { type: 'string' }, maxItems: 100 },
                    purpose: purpose.schema,
                  },
                },
              },
            },
          },
          responses: {
            200: { description: 'records and keys not found', content: { 'application/json': { schema: items } } },
          },
        },
      },
    },
  };
}
