// Plan guards on PostgreSQL (tests only): EXPLAIN a statement the service sends, and wait until the
// service has analysed bulk-loaded tables by itself.
import type { DataSource } from 'typeorm';
import { waitFor } from '@keel/testing';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** The plan PostgreSQL chooses for `sql` (driver placeholders `$n`), and the same as text for failure output. */
export async function explain(
  db: DataSource,
  sql: string,
  params: unknown[],
): Promise<{ plan: PlanNode; text: string }> {
  const [row] = (await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)) as [{ 'QUERY PLAN': [{ Plan: PlanNode }] }];
  const plan = row['QUERY PLAN'][0].Plan;
  return { plan, text: JSON.stringify(plan) };
}

/** Waits until the planner's statistics count at least `rows` rows in each of `tables` (current schema). */
export async function waitForStatistics(
  db: DataSource,
  tables: string[],
  rows: number,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    async () => {
      const stats = (await db.query(
        `SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relname = ANY($1)`,
        [tables],
      )) as { reltuples: number }[];
      return stats.length === tables.length && stats.every((s) => Number(s.reltuples) >= rows);
    },
    { timeoutMs, intervalMs: 250, what: `statistics for the bulk-loaded ${tables.join(', ')}` },
  );
}
