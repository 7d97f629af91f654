import { Type } from 'typebox';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'held', 'discarded'] as const;
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const ResourceCode = Type.String({ pattern: '^[A-Z0-9]{2,16}-\\d{4,}$', description: 'resource code' });
export const MaxAttempts = Type.Integer({ minimum: 1, maximum: 10, description: 'runs before the job stays failed' });
