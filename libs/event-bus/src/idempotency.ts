import { PROCESSED_EVENTS_TABLE, withDatabaseLock } from '@keel/persistence';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

export interface Identified {
  id: string;
  type: string;
  /** ce_source: part of the dedupe identity, since two producers may pick the same ce_id. */
  source: string;
}

/** The dedupe identity of an event: (ce_source, ce_id). */
const identity = (source: string, id: string) => `${source}\n${id}`;

export type RunHandler<E> = (event: E, manager: EntityManager | undefined) => Promise<void>;

/**
 * How far a chunk got: `completed` events are done (handled or skipped). With `failure`, the event
 * after them failed; without it and `completed` short of the chunk, the time budget ran out.
 */
export interface ChunkOutcome {
  completed: number;
  handled: number;
  duplicates: number;
  failure?: { error: unknown };
}

/** Runs handlers for a consumer group: with or without a processed-events table. */
export interface EventProcessor<E extends Identified> {
  /** Stops starting new events once `deadline` (epoch ms) has passed, so the consumer can heartbeat and commit. */
  runChunk(events: E[], run: RunHandler<E>, deadline: number): Promise<ChunkOutcome>;
  /** One event in its own transaction; throws what the handler threw. */
  runOne(event: E, run: RunHandler<E>): Promise<'handled' | 'duplicate'>;
  /** True when the dependency the processor writes to answers (asked before dead-lettering an event). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** No dedupe store: the handler must be idempotent on its own. */
export class PlainProcessor<E extends Identified> implements EventProcessor<E> {
  async runChunk(events: E[], run: RunHandler<E>, deadline: number): Promise<ChunkOutcome> {
    for (let i = 0; i < events.length; i++) {
      if (i > 0 && Date.now() > deadline) return { completed: i, handled: i, duplicates: 0 };
      try {
        await run(events[i]!, undefined);
      } catch (error) {
        return { completed: i, handled: i, duplicates: 0, failure: { error } };
      }
    }
    return { completed: events.length, handled: events.length, duplicates: 0 };
  }

  async runOne(event: E, run: RunHandler<E>): Promise<'handled'> {
    await run(event, undefined);
    return 'handled';
  }

  async healthy(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}

// Keeps a multi-row statement well under SQLite's and PostgreSQL's bound-parameter limits.
const ROWS_PER_STATEMENT = 500;

/**
 * Dedupe on (group, ce_id) in the service's database. A chunk of events runs in one transaction with
 * the handlers' own writes (through `manager`), and their processed rows commit in that same transaction.
 */
export class DedupeProcessor<E extends Identified> implements EventProcessor<E> {
  private readonly positional: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly group: string,
  ) {
    this.positional = dataSource.options.type === 'postgres';
  }

  async close(): Promise<void> {}

  async healthy(): Promise<boolean> {
    const ping = this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref());
    return Promise.race([ping, timeout]);
  }

  runChunk(events: E[], run: RunHandler<E>, deadline: number): Promise<ChunkOutcome> {
    return withDatabaseLock(this.dataSource, () => this.chunk(events, run, deadline));
  }

  private async chunk(events: E[], run: RunHandler<E>, deadline: number): Promise<ChunkOutcome> {
    const qr = this.dataSource.createQueryRunner();
    await qr.startTransaction();
    let failedAt = -1;
    let failure: ChunkOutcome['failure'];
    try {
      const seen = await this.processedIds(qr, events);
      const done: E[] = [];
      let duplicates = 0;
      let completed = events.length;
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        if (i > 0 && Date.now() > deadline) {
          completed = i;
          break;
        }
        const key = identity(event.source, event.id);
        if (seen.has(key)) {
          duplicates++;
          continue;
        }
        try {
          await run(event, qr.manager);
        } catch (error) {
          failedAt = i;
          failure = { error };
          break;
        }
        seen.add(key);
        done.push(event);
      }
      if (failedAt < 0) {
        await this.insertProcessed(qr, done);
        await qr.commitTransaction();
        return { completed, handled: done.length, duplicates };
      }
      await qr.rollbackTransaction();
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      throw err;
    } finally {
      await qr.release();
    }
    // A handler failed: its writes and those of the events before it were rolled back together (one
    // round trip per event for savepoints would halve PostgreSQL throughput). The events before it run
    // again in a fresh transaction: at least once for the handler, exactly once for the database.
    if (failedAt === 0) return { completed: 0, handled: 0, duplicates: 0, failure };
    const prefix = await this.chunk(events.slice(0, failedAt), run, Infinity);
    return prefix.failure ? prefix : { ...prefix, failure };
  }

  runOne(event: E, run: RunHandler<E>): Promise<'handled' | 'duplicate'> {
    return withDatabaseLock(this.dataSource, async () => {
      const qr = this.dataSource.createQueryRunner();
      await qr.startTransaction();
      try {
        if ((await this.processedIds(qr, [event])).size) {
          await qr.commitTransaction();
          return 'duplicate';
        }
        await run(event, qr.manager);
        await this.insertProcessed(qr, [event]);
        await qr.commitTransaction();
        return 'handled';
      } catch (err) {
        if (qr.isTransactionActive) await qr.rollbackTransaction();
        throw err;
      } finally {
        await qr.release();
      }
    });
  }

  /** The identities among `events` already processed by this group (a legacy row without source matches any). */
  private async processedIds(qr: QueryRunner, events: E[]): Promise<Set<string>> {
    const wanted = new Set(events.map((e) => identity(e.source, e.id)));
    const found = new Set<string>();
    const ids = [...new Set(events.map((e) => e.id))];
    for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
      const slice = ids.slice(i, i + ROWS_PER_STATEMENT);
      const rows = (await qr.query(
        `SELECT event_source, event_id FROM ${PROCESSED_EVENTS_TABLE} WHERE consumer_group = ${this.param(1)} AND event_id IN (${slice.map((_, j) => this.param(j + 2)).join(', ')})`,
        [this.group, ...slice],
      )) as { event_source: string; event_id: string }[];
      for (const r of rows) {
        if (r.event_source === '') {
          for (const e of events) if (e.id === r.event_id) found.add(identity(e.source, e.id));
        } else {
          const key = identity(r.event_source, r.event_id);
          if (wanted.has(key)) found.add(key);
        }
      }
    }
    return found;
  }

  private async insertProcessed(qr: QueryRunner, events: E[]): Promise<void> {
    const now = Date.now();
    for (let i = 0; i < events.length; i += ROWS_PER_STATEMENT) {
      const slice = events.slice(i, i + ROWS_PER_STATEMENT);
      const values = slice
        .map((_, j) => `(${[1, 2, 3, 4, 5].map((k) => this.param(j * 5 + k)).join(', ')})`)
        .join(', ');
      await qr.query(
        `INSERT INTO ${PROCESSED_EVENTS_TABLE} (consumer_group, event_source, event_id, event_type, processed_at) VALUES ${values}`,
        slice.flatMap((e) => [this.group, e.source, e.id, e.type, now]),
      );
    }
  }

  private param(n: number): string {
    return this.positional ? `$${n}` : '?';
  }
}
