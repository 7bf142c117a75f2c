import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../column-transformers';

export const PROCESSED_EVENTS_TABLE = 'keel_processed_events';

/**
 * One row per (consumer group, ce_source, ce_id) whose handler has run: a redelivery finds it and is
 * skipped. Rows written before ce_source was part of the key have an empty source and match any source.
 */
@Entity({ name: PROCESSED_EVENTS_TABLE })
export class ProcessedEvent {
  @PrimaryColumn({ name: 'consumer_group', type: 'varchar', length: 255 })
  consumerGroup!: string;

  @PrimaryColumn({ name: 'event_source', type: 'varchar', length: 255, default: '' })
  eventSource!: string;

  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 255 })
  eventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 255 })
  eventType!: string;

  @Column({ name: 'processed_at', type: 'bigint', transformer: epochMillis })
  processedAt!: number;
}
