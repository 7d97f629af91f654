import type { components, paths } from '../api';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

/** An answer as POST /api/v1/attestations returns it. */
export type Attestation = Json<paths['/api/v1/attestations/']['post']['responses'][200]>;
/** A proof item as the list returns it. */
export type ProofItem = Json<paths['/api/v1/attestations/items']['get']['responses'][200]>['items'][number];
/** One item with its versions. */
export type ItemDetail = Json<paths['/api/v1/attestations/items/{code}']['get']['responses'][200]>;
export type Texts = { 'zh-CN': string; en: string };
export type { components };
