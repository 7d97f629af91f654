import type { Distribution } from './ids.js';

/**
 * The stable public addresses of an open dataset (docs/open.md). `origin` is the hub's public
 * origin (scheme, host, port) as the request reached it.
 */
export const datasetPage = (origin: string, name: string) => `${origin}/open/datasets/${name}`;
export const downloadUrl = (origin: string, name: string, d: Distribution) =>
  `${origin}/open/datasets/${name}/download.${d}`;
export const dataPackageUrl = (origin: string, name: string) => `${origin}/open/datasets/${name}/datapackage.json`;
export const apiUrl = (origin: string) => `${origin}/api/3/action`;
export const organizationPage = (origin: string, name: string) => `${origin}/open/organizations/${name}`;
export const licenceUrl = (origin: string) => `${origin}/open/terms`;

export const MEDIA_TYPES: Record<Distribution, string> = {
  csv: 'text/csv',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
