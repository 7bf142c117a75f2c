import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '@keel/persistence';

/** One admin action: who, when, what, on what, with which details, in which trace. Append-only. */
@Entity({ name: 'audit_entries' })
export class AuditEntryRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  at!: number;

  @Column({ type: 'varchar', length: 255 })
  actor!: string;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ type: 'text', transformer: jsonText<Record<string, unknown>>() })
  details!: Record<string, unknown>;

  @Column({ name: 'trace_id', type: 'varchar', length: 32 })
  traceId!: string;
}
