export {
  api,
  ApiError,
  download,
  getToken,
  onTokenChange,
  problemOf,
  query,
  setToken,
  type Problem,
  type User,
} from './http';
export { client, ok } from './client';
export { useQuery, type Query } from './use-query';
export { dataChanged, dataVersion, useDataVersion } from './data-version';
export { useSubmit, type Submit } from './use-submit';
export { useAction, problemText, type Action, type ActionOptions } from './use-action';
export type { components, paths } from './schema';
export type { Answer, Body, Item } from './types';
