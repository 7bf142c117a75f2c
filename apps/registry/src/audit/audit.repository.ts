import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import type { DataSource, EntityManager } from 'typeorm';
import type { Page } from '@keel/domain';
import { AuditEntryRow } from './audit.entities';

export interface AuditFilter {
  since: number;
  action: string;
  /** Exact subject, or a prefix when `prefix` is set. */
  subject: string;
  prefix: boolean;
}

@Injectable()
export class AuditRepository {
  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}

  /** Inserts inside the caller's transaction, so the entry commits (or rolls back) with the action. */
  async insert(m: EntityManager, row: AuditEntryRow): Promise<void> {
    // `details` is plain JSON; TypeORM's deep-partial type cannot see through Record<string, unknown>.
    await m.getRepository(AuditEntryRow).insert(row as never);
  }

  /** Newest first; limit + 1 rows so the caller can tell whether there is another page. */
  list(filter: AuditFilter, page: Page): Promise<AuditEntryRow[]> {
    const qb = this.dataSource.getRepository(AuditEntryRow).createQueryBuilder('e');
    if (filter.since > 0) qb.andWhere('e.at >= :since', { since: filter.since });
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter.subject && filter.prefix)
      qb.andWhere('SUBSTR(e.subject, 1, :n) = :subject', { n: filter.subject.length, subject: filter.subject });
    else if (filter.subject) qb.andWhere('e.subject = :subject', { subject: filter.subject });
    return qb
      .orderBy('e.at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .offset(page.offset)
      .limit(page.limit + 1)
      .getMany();
  }
}
