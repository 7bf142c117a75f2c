import { ProcessedEvent } from '@keel/persistence';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { withDatabaseLock } from './sqlite-lock';

export interface Identified {
  id: string;
  type: string;
}

export type RunHandler<E> = (event: E, manager: EntityManager | undefined) => Promise<void>;

/** How far a chunk got: `completed` events are done (handled or skipped); `failure` is the one after them. */
export interface ChunkOutcome {
  completed: number;
  handled: number;
  duplicates: number;
  failure?: { error: unknown };
}

/** Runs handlers for a consumer group: with or without a processed-events table. */
export interface EventProcessor<E extends Identified> {
  runChunk(events: E[], run: RunHandler<E>): Promise<ChunkOutcome>;
  /** One event in its own transaction; throws what the handler threw. */
  runOne(event: E, run: RunHandler<E>): Promise<'handled' | 'duplicate'>;
}

/** No dedupe store: the handler must be idempotent on its own. */
export class PlainProcessor<E extends Identified> implements EventProcessor<E> {
  async runChunk(events: E[], run: RunHandler<E>): Promise<ChunkOutcome> {
    for (let i = 0; i < events.length; i++) {
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
}

// Keeps a multi-row INSERT well under SQLite's and PostgreSQL's bound-parameter limits.
const INSERT_ROWS = 500;

/**
 * Dedupe on (group, ce_id) in the service's database. A chunk runs in one transaction, each handler in
 * a savepoint, and the processed rows commit with the handlers' writes; a failing handler's savepoint
 * is rolled back and the chunk stops there.
 */
export class DedupeProcessor<E extends Identified> implements EventProcessor<E> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly group: string,
  ) {}

  runChunk(events: E[], run: RunHandler<E>): Promise<ChunkOutcome> {
    return withDatabaseLock(this.dataSource, async () => {
      const qr = this.dataSource.createQueryRunner();
      await qr.startTransaction();
      try {
        const seen = await this.processedIds(qr.manager, events.map((e) => e.id));
        const rows: ProcessedEvent[] = [];
        const now = Date.now();
        let duplicates = 0;
        let failure: ChunkOutcome['failure'];
        let completed = 0;
        for (const event of events) {
          if (seen.has(event.id)) {
            duplicates++;
            completed++;
            continue;
          }
          await qr.startTransaction();
          try {
            await run(event, qr.manager);
            await qr.commitTransaction();
          } catch (error) {
            await qr.rollbackTransaction();
            failure = { error };
            break;
          }
          seen.add(event.id);
          rows.push({ consumerGroup: this.group, eventId: event.id, eventType: event.type, processedAt: now });
          completed++;
        }
        for (let i = 0; i < rows.length; i += INSERT_ROWS) {
          await qr.manager.createQueryBuilder().insert().into(ProcessedEvent).values(rows.slice(i, i + INSERT_ROWS)).execute();
        }
        await qr.commitTransaction();
        return { completed, handled: rows.length, duplicates, failure };
      } catch (err) {
        if (qr.isTransactionActive) await qr.rollbackTransaction();
        throw err;
      } finally {
        await qr.release();
      }
    });
  }

  runOne(event: E, run: RunHandler<E>): Promise<'handled' | 'duplicate'> {
    return withDatabaseLock(this.dataSource, async () => {
      const qr = this.dataSource.createQueryRunner();
      await qr.startTransaction();
      try {
        if ((await this.processedIds(qr.manager, [event.id])).size) {
          await qr.commitTransaction();
          return 'duplicate';
        }
        await run(event, qr.manager);
        await qr.manager.insert(ProcessedEvent, { consumerGroup: this.group, eventId: event.id, eventType: event.type, processedAt: Date.now() });
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

  private async processedIds(manager: EntityManager, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += INSERT_ROWS) {
      const rows = await manager.find(ProcessedEvent, {
        select: { eventId: true },
        where: { consumerGroup: this.group, eventId: In(ids.slice(i, i + INSERT_ROWS)) },
      });
      for (const r of rows) found.add(r.eventId);
    }
    return found;
  }
}
