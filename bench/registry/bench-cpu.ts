// CPU time spent by the registry process and by its PostgreSQL backends between two readings, so a
// latency figure can be printed beside the CPU it cost (on a shared, loaded machine the latency moves
// with the neighbours; the CPU per call much less). Linux /proc only; a reading that cannot be taken is
// left out rather than guessed.
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface CpuReading {
  service: number;
  /** PostgreSQL backend pid -> CPU ms; absent on SQLite or when /proc of the server cannot be read. */
  postgres?: Map<number, number>;
}

/** User + system CPU of every thread of a process, in ms (10 ms resolution). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** A single-threaded process's CPU in ms from schedstat (nanoseconds), or undefined when unreadable. */
function schedCpuMs(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

export class CpuMeter {
  private constructor(
    private readonly servicePid: number,
    private readonly pg: Client | undefined,
  ) {}

  /** `databaseUrl`: the service's PostgreSQL database, whose backends (other than this one) are counted. */
  static async open(servicePid: number, databaseUrl?: string): Promise<CpuMeter> {
    if (!databaseUrl) return new CpuMeter(servicePid, undefined);
    const pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    return new CpuMeter(servicePid, pg);
  }

  async read(): Promise<CpuReading> {
    const service = processCpuMs(this.servicePid);
    if (!this.pg) return { service };
    const { rows } = await this.pg.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const postgres = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = schedCpuMs(pid);
      if (ms === undefined) return { service };
      postgres.set(pid, ms);
    }
    return { service, postgres };
  }

  /** CPU ms used from `before` to `after`: the service's, and its backends' when both readings have them. */
  static spent(before: CpuReading, after: CpuReading): { service: number; postgres?: number } {
    const service = after.service - before.service;
    if (!before.postgres || !after.postgres) return { service };
    let postgres = 0;
    for (const [pid, ms] of after.postgres) postgres += ms - (before.postgres.get(pid) ?? 0);
    return { service, postgres };
  }

  async close(): Promise<void> {
    await this.pg?.end();
  }
}
