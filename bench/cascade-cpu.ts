import { readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * CPU seconds spent by the processes of bench/cascade.ts during a phase: the district node (this
 * process), the city node (its own process) and the PostgreSQL backends serving each database.
 * On a machine shared with other work the wall time of a phase moves with the load while its CPU
 * time does not, so these say where the work is even when the rates are noisy. Linux only
 * (/proc); elsewhere, and for a server that is not local, `measure` gives null.
 */
export interface CpuSeconds {
  district: number;
  city: number;
  /** Backends of the city's database, and of the district's. */
  cityDb: number;
  districtDb: number;
}

/** How often the backends are listed: a connection the pool closes mid-phase keeps its last reading. */
const SAMPLE_MS = 100;
const TICKS_PER_SECOND = 100;

/** utime + stime of a process, in seconds; undefined when it cannot be read (not Linux, not local, gone). */
function cpuOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The CPU used by one database's backends from `start` on: each backend's last reading less its first. */
class Backends {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();

  private constructor(
    private readonly client: pg.Client,
    private readonly name: string,
  ) {}

  static async open(url: string): Promise<Backends> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new Backends(client, new URL(url).pathname.slice(1));
  }

  /** Reads every backend of the database; one first seen now started during the phase (from 0). */
  async sample(atStart = false): Promise<void> {
    const { rows } = await this.client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [this.name],
    );
    for (const { pid } of rows) {
      const cpu = cpuOf(pid);
      if (cpu === undefined) continue;
      if (!this.first.has(pid)) this.first.set(pid, atStart ? cpu : 0);
      this.last.set(pid, cpu);
    }
  }

  seconds(): number {
    let sum = 0;
    for (const [pid, last] of this.last) sum += last - this.first.get(pid)!;
    return sum;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/**
 * Runs `phase` and returns its result, its wall seconds (the sampling's setup not included) and
 * the CPU seconds of each participant, null off Linux.
 */
export async function measure<T>(
  urls: { city: string; district: string },
  cityPid: number,
  phase: () => Promise<T>,
): Promise<{ result: T; seconds: number; cpu: CpuSeconds | null }> {
  const timed = async () => {
    const t0 = performance.now();
    const result = await phase();
    return { result, seconds: (performance.now() - t0) / 1000 };
  };
  const cityAtStart = cpuOf(cityPid);
  if (cityAtStart === undefined) return { ...(await timed()), cpu: null };
  const cityDb = await Backends.open(urls.city);
  const districtDb = await Backends.open(urls.district);
  const sampleBoth = (atStart = false) => Promise.all([cityDb.sample(atStart), districtDb.sample(atStart)]);
  try {
    await sampleBoth(true);
    const mine = process.cpuUsage();
    let sampling = Promise.resolve();
    const timer = setInterval(() => {
      sampling = sampling
        .then(() => sampleBoth())
        .then(
          () => {},
          () => {},
        );
    }, SAMPLE_MS);
    let run: Awaited<ReturnType<typeof timed>>;
    try {
      run = await timed();
    } finally {
      clearInterval(timer);
      await sampling;
    }
    await sampleBoth();
    const used = process.cpuUsage(mine);
    return {
      ...run,
      cpu: {
        district: (used.user + used.system) / 1e6,
        city: (cpuOf(cityPid) ?? cityAtStart) - cityAtStart,
        cityDb: cityDb.seconds(),
        districtDb: districtDb.seconds(),
      },
    };
  } finally {
    await cityDb.close();
    await districtDb.close();
  }
}
