export type OpenTables = {
  'open.dataset_count': { resource_id: number; event: OpenEvent; count: number | string };
};

export type OpenEvent = 'view' | 'download' | 'call';
