import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, LOGGER } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { isPostgres, rawQuery } from '@keel/persistence';

/** Re-analyse a table once this many rows changed since its last ANALYZE plus ... */
const BASE_THRESHOLD = 200;
/** ... this fraction of its rows (PostgreSQL's autovacuum uses 50 + 10 %). */
const SCALE_FACTOR = 0.1;
const CHECK_INTERVAL_MS = 1000;

interface TableActivity {
  relname: string;
  live: string | number;
  changed: string | number;
  analyzed: boolean;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The tables of `activity` whose statistics are missing or stale. */
export function tablesToAnalyze(activity: TableActivity[]): string[] {
  return activity
    .filter((t) => !t.analyzed || Number(t.changed) > BASE_THRESHOLD + SCALE_FACTOR * Number(t.live))
    .map((t) => t.relname);
}

/**
 * Keeps PostgreSQL's planner statistics for every table of the registry's schema current, from inside
 * the service.
 *
 * Without statistics (a fresh database, a bulk load, or a server with autovacuum off or behind) the
 * planner assumes a handful of rows: it joined runs to run_latest_metrics as a nested loop with a join
 * filter (10k x 5k row comparisons, 2.6 s for one search page), and it fetched all 50,000 versions of a
 * model into a sort for the first page of ListModelVersions (45 ms; 0.1 ms once analysed). So once a
 * second this looks at PostgreSQL's own per-table change counters and runs ANALYZE on any table of the
 * registry's schema that was never analysed or changed by more than 200 rows + 10 % since; one ANALYZE
 * at a time, never in a request's path. SQLite needs none of this (its planner works from the schema).
 */
@Injectable()
export class PlannerStatistics implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private failing = false;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!isPostgres(this.dataSource)) return;
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
    void this.check();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: ANALYZE what is stale. Resolves when done; a pass already running is joined. */
  check(): Promise<void> {
    this.running ??= this.analyzeStale().finally(() => (this.running = undefined));
    return this.running;
  }

  private async analyzeStale(): Promise<void> {
    try {
      const activity = await rawQuery<TableActivity>(
        this.dataSource,
        `SELECT relname, n_live_tup AS live, n_mod_since_analyze AS changed,
                (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL) AS analyzed
           FROM pg_stat_user_tables WHERE schemaname = current_schema()`,
      );
      this.failing = false;
      const stale = tablesToAnalyze(activity);
      if (stale.length === 0 || !this.timer) return;
      await this.dataSource.query(`ANALYZE ${stale.map(quoteIdentifier).join(', ')}`);
      this.logger.debug(`analysed ${stale.join(', ')} for the planner`);
    } catch (err) {
      // A database outage is waited out: the next pass tries again (one warning per outage, not per pass).
      if (this.timer && !this.failing)
        this.logger.warn(`planner statistics: ${err instanceof Error ? err.message : String(err)}`);
      this.failing = true;
    }
  }
}
