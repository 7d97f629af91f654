import type { Hub } from '../../hub/index.js';
import { Type } from 'typebox';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'held', 'discarded'] as const;
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const ResourceCode = Type.String({ pattern: '^[A-Z0-9]{2,16}-\\d{4,}$', description: 'resource code' });
export const MaxAttempts = Type.Integer({ minimum: 1, maximum: 10, description: 'runs before the job stays failed' });

/** The names of resources by code, for answers that show a resource by its name; one gone has none. */
export async function resourceNames(hub: Pick<Hub, 'catalog'>, codes: string[]): Promise<Map<string, string>> {
  const named = await Promise.all(
    [...new Set(codes)].map(
      async (code) =>
        [
          code,
          await hub.catalog.get(code).then(
            (r) => r.name,
            () => null,
          ),
        ] as const,
    ),
  );
  return new Map(named.filter((n): n is readonly [string, string] => n[1] !== null));
}
