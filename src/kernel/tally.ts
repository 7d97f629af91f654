/**
 * Counts kept in memory by key and written together a moment after the first one since the last
 * write (share's usage works the same way): a counted event — an answer, a verification — costs
 * no statement of its own, and concurrent events do not queue on one counter row's lock. Each
 * process writes only its own counts, so N processes neither lose nor double any; a crash loses
 * at most the last moment's. Writes run one at a time, so a count is never written twice.
 */
export class Tally<K> {
  private pending = new Map<string, { key: K; n: number }>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (counts: Array<{ key: K; n: number }>) => Promise<void>,
    private readonly delayMs = 1000,
  ) {}

  /** One more of `key`, known by `id` (equal ids are one counter). */
  add(id: string, key: K): void {
    const seen = this.pending.get(id);
    if (seen) seen.n++;
    else this.pending.set(id, { key, n: 1 });
    this.timer ??= setTimeout(() => void this.flush().catch(() => {}), this.delayMs).unref();
  }

  /** Writes what is pending now; resolves once it (and any write before it) is written. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const counts = [...this.pending.values()];
    this.pending = new Map();
    this.writing = this.writing.catch(() => {}).then(() => (counts.length > 0 ? this.write(counts) : undefined));
    return this.writing;
  }
}
