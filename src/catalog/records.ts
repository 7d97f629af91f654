/** One validated record ready to load: its subject key, its typed values, and where it came from. */
export interface RecordRow {
  key: string;
  doc: Record<string, unknown>;
  sourceRow: number;
}
