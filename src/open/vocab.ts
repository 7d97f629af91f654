import { CATALOG_WORDS, type ResourceContent } from '../catalog/index.js';

/** Names of the catalog's categories, the portal's groups (主题分类). */
export const CATEGORY_TITLES: Record<ResourceContent['category'], { zh: string; en: string }> = {
  base: { zh: '基础数据', en: 'Base data' },
  theme: { zh: '主题数据', en: 'Thematic data' },
  topic: { zh: '专题数据', en: 'Topical data' },
  department: { zh: '部门数据', en: 'Department data' },
};

/** Update frequencies as the EU's frequency vocabulary names them (DCAT's dct:accrualPeriodicity). */
export const FREQUENCY_IRIS: Record<ResourceContent['updateFrequency'], string> = {
  realtime: 'http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT',
  daily: 'http://publications.europa.eu/resource/authority/frequency/DAILY',
  weekly: 'http://publications.europa.eu/resource/authority/frequency/WEEKLY',
  monthly: 'http://publications.europa.eu/resource/authority/frequency/MONTHLY',
  quarterly: 'http://publications.europa.eu/resource/authority/frequency/QUARTERLY',
  yearly: 'http://publications.europa.eu/resource/authority/frequency/ANNUAL',
  irregular: 'http://publications.europa.eu/resource/authority/frequency/IRREG',
};

/** ISO 8601 durations for DCAT-US's accrualPeriodicity. */
export const FREQUENCY_ISO: Record<ResourceContent['updateFrequency'], string> = {
  realtime: 'R/PT1S',
  daily: 'R/P1D',
  weekly: 'R/P1W',
  monthly: 'R/P1M',
  quarterly: 'R/P3M',
  yearly: 'R/P1Y',
  irregular: 'irregular',
};

/** Update frequencies by name, for the search facet's `display_name`: the catalog's own words. */
export const FREQUENCY_TITLES: Record<ResourceContent['updateFrequency'], string> = CATALOG_WORDS.updateFrequency;

/** The open types, for the search facet: the public search holds `open` (无条件开放) only. */
export const OPEN_TYPE_TITLES = { open: CATALOG_WORDS.openType.open } as const;

/** The licence open datasets are published under (CKAN's license list id and title). */
export const LICENCE = {
  id: 'other-at',
  title: '署名（其他） Other (Attribution)',
};

export const FILE_TYPES: Record<string, string> = {
  csv: 'http://publications.europa.eu/resource/authority/file-type/CSV',
  json: 'http://publications.europa.eu/resource/authority/file-type/JSON',
  xlsx: 'http://publications.europa.eu/resource/authority/file-type/XLSX',
};
