import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMillis } from '../column-transformers';

export const OUTBOX_TABLE = 'keel_outbox';

/** An event written in the same transaction as the change it announces; the relay sends it in `seq` order. */
@Entity({ name: OUTBOX_TABLE })
export class OutboxEvent {
  @PrimaryGeneratedColumn({ name: 'seq', type: 'integer' })
  seq!: number;

  /** The ce_id, fixed at write time so a re-send after a crash carries the same id (consumers dedupe on it). */
  @Index(`${OUTBOX_TABLE}_event_id_uq`, { unique: true })
  @Column({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 255 })
  eventType!: string;

  @Column({ name: 'topic', type: 'varchar', length: 255 })
  topic!: string;

  @Column({ name: 'message_key', type: 'varchar', length: 1024 })
  key!: string;

  @Column({ name: 'subject', type: 'varchar', length: 1024, nullable: true })
  subject!: string | null;

  /** The event data as JSON text. */
  @Column({ name: 'payload', type: 'text' })
  payload!: string;

  /** ce_time, ce_source and the trace context captured at write time, as JSON text. */
  @Column({ name: 'headers', type: 'text' })
  headers!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  @Index(`${OUTBOX_TABLE}_sent_at_idx`)
  @Column({ name: 'sent_at', type: 'bigint', nullable: true, transformer: epochMillis })
  sentAt!: number | null;

  /** Failed sends that were not an outage (a broker rejecting the record, say). */
  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** Set when the relay gave up on the row after too many failed sends: it is reported and skipped. */
  @Column({ name: 'failed_at', type: 'bigint', nullable: true, transformer: epochMillis })
  failedAt!: number | null;
}
