import { topicOf, validateEvent, type EventPayload, type EventType } from '@keel/contracts';
import { OutboxEvent } from '@keel/persistence';
import type { EntityManager } from 'typeorm';
import { EventBusError } from './errors';
import { injectTraceHeaders } from './trace-context';
import type { PublishOptions } from './types';
import { uuidv7 } from './uuid-v7';

/** Advisory lock class of outbox.publish's per-key lock ("keel"); the second key is the topic and key's hash. */
export const OUTBOX_KEY_LOCK_CLASS = 0x6b65656c;

/** Stored with each outbox row: what the relay needs to send the event exactly as publish() would have. */
export interface StoredEnvelope {
  source: string;
  time: string;
  trace: Record<string, string>;
}

/**
 * The write side of the transactional outbox. Call publish() with the EntityManager of the transaction
 * that makes the change: the event exists if and only if that transaction commits.
 */
export class Outbox {
  constructor(private readonly source: string) {}

  /** Validates and stores the event; returns its ce_id. Nothing reaches Kafka until an OutboxRelay sends it. */
  async publish<T extends EventType>(
    manager: EntityManager,
    type: T,
    payload: EventPayload<T>,
    opts: PublishOptions<T>,
  ): Promise<string> {
    const valid = validateEvent(type, payload);
    if (!valid.ok)
      throw new EventBusError('INVALID_PAYLOAD', `invalid ${type} payload, nothing was stored`, valid.issues);
    if (!opts.key) throw new EventBusError('INVALID_PAYLOAD', `${type} needs a non-empty key`);
    let topic: string;
    try {
      topic = topicOf(type, opts.dataset);
    } catch (err) {
      throw new EventBusError('INVALID_CONFIG', (err as Error).message, [], { cause: err });
    }
    if (!manager.queryRunner?.isTransactionActive) {
      throw new EventBusError(
        'INVALID_CONFIG',
        'outbox.publish must run inside a transaction (use dataSource.transaction(manager => ...))',
      );
    }
    if (manager.connection.options.type === 'postgres') {
      // Transactions that write one key take turns (until commit), so per key the outbox's seq order
      // is commit order and the relay sends in commit order, whatever order transactions start in.
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        OUTBOX_KEY_LOCK_CLASS,
        `${topic}\n${opts.key}`,
      ]);
    }
    const id = uuidv7();
    const now = Date.now();
    const envelope: StoredEnvelope = {
      source: this.source,
      time: new Date(now).toISOString(),
      trace: injectTraceHeaders(),
    };
    await manager.insert(OutboxEvent, {
      eventId: id,
      eventType: type,
      topic,
      key: opts.key,
      subject: opts.subject ?? null,
      payload: JSON.stringify(valid.payload),
      headers: JSON.stringify(envelope),
      createdAt: now,
      sentAt: null,
    });
    return id;
  }
}
