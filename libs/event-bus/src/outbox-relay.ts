import { OutboxEvent, withDatabaseLock } from '@keel/persistence';
import { In, IsNull, LessThan, type DataSource, type EntityManager } from 'typeorm';
import { errorMessage } from './errors';
import type { EventBus } from './event-bus';
import { classifyFailure } from './failure-class';
import type { StoredEnvelope } from './outbox';
import { extractTraceContext } from './trace-context';
import type { EventBusLogger } from './types';

export interface OutboxRelayOptions {
  bus: EventBus;
  dataSource: DataSource;
  /** Idle poll interval (default 100 ms); a busy outbox is drained without waiting. */
  pollIntervalMs?: number;
  /** Rows per pass (default 500). */
  batchSize?: number;
  /** Failed sends (not outages) after which a row is reported and skipped (default 5). */
  maxSendAttempts?: number;
  /** How long sent rows are kept before they are deleted (default 24 h). */
  retentionMs?: number;
  /** How often the active relay deletes sent rows older than the retention (default 60 s). */
  pruneIntervalMs?: number;
  logger?: EventBusLogger;
}

/** Advisory lock class of the relay's leadership (the second key is the schema's hash): "keel" + 1. */
export const OUTBOX_RELAY_LOCK_CLASS = 0x6b65656d;

// SQLite: one process owns the file, so "one active relay" means one pass at a time per data source.
const sqlitePasses = new WeakMap<DataSource, true>();

/**
 * Sends committed outbox rows and marks them sent. Guarantees:
 * - one active relay per database: each pass holds a PostgreSQL advisory lock (per schema) for its
 *   whole read-send-mark cycle, so two relays never send the same rows at once; the other one waits;
 * - rows go out in `seq` order, which per key is commit order (Outbox.publish serialises the
 *   transactions that write one key on PostgreSQL; SQLite has one writer);
 * - a row whose send fails for a reason other than an outage is retried alone, its key held back
 *   behind it; after maxSendAttempts it is marked failed, reported (log + keel_outbox_failed_total)
 *   and skipped, so it never blocks its key or any other for ever;
 * - sent rows are deleted once older than the retention.
 * A crash after sending and before marking re-sends those rows with their original ce_id on restart;
 * consumers dedupe them.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private lastPrune = 0;

  constructor(private readonly o: OutboxRelayOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Lets the relay finish its current pass, then stops it. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  /** Skips the idle wait, e.g. right after a transaction that wrote events committed. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Sends every pending row once; returns how many were sent. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { sent, more } = await this.pass();
      total += sent;
      if (!more) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let more = false;
      try {
        more = (await this.pass()).more;
      } catch (err) {
        this.o.logger?.error({ err: errorMessage(err) }, 'outbox relay pass failed; retrying');
      }
      if (!more && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.o.pollIntervalMs ?? 100);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = undefined;
      }
    }
  }

  /** One read-send-mark cycle under the relay lock; `more` is true when rows were sent and more may wait. */
  private async pass(): Promise<{ sent: number; more: boolean }> {
    const ds = this.o.dataSource;
    if (ds.options.type !== 'postgres') {
      if (sqlitePasses.has(ds)) return { sent: 0, more: false };
      sqlitePasses.set(ds, true);
      try {
        return await this.cycle((fn) => withDatabaseLock(ds, () => fn(ds.manager)));
      } finally {
        sqlitePasses.delete(ds);
      }
    }
    const qr = ds.createQueryRunner();
    await qr.startTransaction();
    try {
      const [lock] = (await qr.query('SELECT pg_try_advisory_xact_lock($1, hashtext(current_schema())) AS locked', [
        OUTBOX_RELAY_LOCK_CLASS,
      ])) as { locked: boolean }[];
      if (!lock?.locked) {
        await qr.rollbackTransaction();
        return { sent: 0, more: false };
      }
      const result = await this.cycle((fn) => fn(qr.manager));
      await qr.commitTransaction();
      return result;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await qr.release();
    }
  }

  private async cycle(
    db: <T>(fn: (m: EntityManager) => Promise<T>) => Promise<T>,
  ): Promise<{ sent: number; more: boolean }> {
    const batchSize = this.o.batchSize ?? 500;
    const rows = await db((m) =>
      m.getRepository(OutboxEvent).find({
        where: { sentAt: IsNull(), failedAt: IsNull() },
        order: { seq: 'ASC' },
        take: batchSize,
      }),
    );
    this.o.bus.metrics.outboxPending.set(rows.length);
    await this.prune(db);
    if (!rows.length) return { sent: 0, more: false };

    // Rows that failed before go alone and first; later rows of their key wait behind them.
    const held = new Set<string>();
    const retries: OutboxEvent[] = [];
    const fresh: OutboxEvent[] = [];
    for (const row of rows) {
      const k = `${row.topic}\u0000${row.key}`;
      if (held.has(k)) continue;
      if (row.attempts > 0) {
        held.add(k);
        retries.push(row);
      } else fresh.push(row);
    }
    const sent: number[] = [];
    const failed: { row: OutboxEvent; err: unknown }[] = [];
    let outage: unknown;
    for (const row of retries) {
      try {
        await this.send(row);
        sent.push(row.seq);
      } catch (err) {
        if (classifyFailure(err) === 'infrastructure') {
          outage = err;
          break;
        }
        failed.push({ row, err });
      }
    }
    if (outage === undefined) {
      // The rest share produce requests, in seq order.
      const outcomes = await Promise.allSettled(fresh.map((row) => this.send(row)));
      outcomes.forEach((o, i) => {
        const row = fresh[i]!;
        if (o.status === 'fulfilled') sent.push(row.seq);
        else if (classifyFailure(o.reason) === 'infrastructure') outage ??= o.reason;
        else failed.push({ row, err: o.reason });
      });
    }
    const now = Date.now();
    await db(async (m) => {
      const repo = m.getRepository(OutboxEvent);
      if (sent.length) await repo.update({ seq: In(sent) }, { sentAt: now });
      for (const { row, err } of failed) {
        const attempts = row.attempts + 1;
        const giveUp = attempts >= (this.o.maxSendAttempts ?? 5);
        await repo.update(
          { seq: row.seq },
          { attempts, lastError: errorMessage(err).slice(0, 2000), failedAt: giveUp ? now : null },
        );
        if (giveUp) {
          this.o.bus.metrics.outboxFailed.inc({ topic: row.topic });
          this.o.logger?.error(
            { seq: row.seq, eventId: row.eventId, topic: row.topic, key: row.key, attempts, err: errorMessage(err) },
            'outbox row failed too often: skipped (failed_at set)',
          );
        } else {
          this.o.logger?.warn(
            { seq: row.seq, eventId: row.eventId, topic: row.topic, attempts, err: errorMessage(err) },
            'outbox row not sent; retrying',
          );
        }
      }
    });
    this.o.bus.metrics.outboxPending.set(rows.length - sent.length);
    if (outage !== undefined) throw outage;
    return { sent: sent.length, more: sent.length + failed.length > 0 };
  }

  private async send(row: OutboxEvent): Promise<void> {
    const stored = JSON.parse(row.headers) as StoredEnvelope;
    return this.o.bus.send(
      {
        id: row.eventId,
        type: row.eventType,
        source: stored.source,
        time: stored.time,
        subject: row.subject ?? undefined,
        topic: row.topic,
        key: row.key,
        value: row.payload,
      },
      extractTraceContext(stored.trace),
    );
  }

  private async prune(db: <T>(fn: (m: EntityManager) => Promise<T>) => Promise<T>): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < (this.o.pruneIntervalMs ?? 60_000)) return;
    this.lastPrune = now;
    const cutoff = now - (this.o.retentionMs ?? 24 * 3600_000);
    const result = await db((m) => m.getRepository(OutboxEvent).delete({ sentAt: LessThan(cutoff) }));
    if (result.affected) this.o.bus.metrics.outboxPruned.inc(result.affected);
  }
}
