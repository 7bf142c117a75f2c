import { OutboxEvent, withDatabaseLock } from '@keel/persistence';
import { In, IsNull, type DataSource } from 'typeorm';
import { errorMessage } from './errors';
import type { EventBus } from './event-bus';
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
  logger?: EventBusLogger;
}

/**
 * Sends committed outbox rows in `seq` order and marks them sent. A crash after sending and before
 * marking re-sends those rows with their original ce_id on restart; consumers dedupe them.
 * Run one relay per service database.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

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
      const sent = await this.pass();
      total += sent;
      if (sent === 0) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.pass();
      } catch (err) {
        this.o.logger?.error({ err: errorMessage(err) }, 'outbox relay pass failed; retrying');
      }
      if (sent === 0 && this.running) {
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

  private async pass(): Promise<number> {
    const repo = this.o.dataSource.getRepository(OutboxEvent);
    const rows = await withDatabaseLock(this.o.dataSource, () =>
      repo.find({ where: { sentAt: IsNull() }, order: { seq: 'ASC' }, take: this.o.batchSize ?? 500 }),
    );
    this.o.bus.metrics.outboxPending.set(rows.length);
    if (!rows.length) return 0;
    // All sends of a pass share one produce request, in seq order.
    await Promise.all(
      rows.map((row) => {
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
      }),
    );
    await withDatabaseLock(this.o.dataSource, () =>
      repo.update({ seq: In(rows.map((r) => r.seq)) }, { sentAt: Date.now() }),
    );
    this.o.bus.metrics.outboxPending.set(0);
    return rows.length;
  }
}
