import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { uuidv7 } from '@keel/event-bus';
import { pageResult, readPage, type PageInput } from '@keel/domain';
import { actorName } from '@keel/runtime';
import { activeTraceIds } from '@keel/telemetry';
import { isAuditAction, type AuditAction } from './audit.actions';
import type { AuditEntryRow } from './audit.entities';
import { auditInput as v } from './audit.errors';
import { AuditRepository } from './audit.repository';

/** What an action records; actor, time, trace id and id default to the current request's. */
export interface AuditRecord {
  action: AuditAction;
  /** What was acted on, e.g. "churn-gbt@production", "churn-gbt/3", "token/ci", "monitor/churn-gbt". */
  subject: string;
  details?: Record<string, unknown>;
  /** Default: actorName() — the calling token's name, or `local` with auth off. */
  actor?: string;
  /** Default: a new time-ordered UUID (v7). An entry recorded for a consumed event uses the event's id. */
  id?: string;
  /** Default: now (epoch milliseconds). */
  at?: number;
  /** Default: the active span's trace id. */
  traceId?: string;
}

export interface AuditQuery {
  since: number;
  action: string;
  subject: string;
  page?: PageInput | null;
}

/** The audit trail: every admin action, written by the action's own transaction. */
@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  /**
   * Records one admin action with `m`, the EntityManager of the transaction that performs it, so the
   * entry exists exactly when the action committed.
   */
  async record(m: EntityManager, entry: AuditRecord): Promise<AuditEntryRow> {
    const at = entry.at ?? Date.now();
    const row: AuditEntryRow = {
      // Time-ordered, so entries of the same millisecond still list in the order they were made.
      id: entry.id ?? uuidv7(at),
      at,
      actor: (entry.actor ?? actorName()).slice(0, 255),
      action: entry.action,
      subject: entry.subject.slice(0, 255),
      details: entry.details ?? {},
      traceId: entry.traceId ?? activeTraceIds()?.trace_id ?? '',
    };
    await this.repo.insert(m, row);
    return row;
  }

  /** Newest first, filtered by time, action and subject ("name*" matches every subject starting with name). */
  async list(q: AuditQuery): Promise<{ items: AuditEntryRow[]; nextPageToken: string }> {
    if (!Number.isSafeInteger(q.since) || q.since < 0) v.fail('since', 'must be epoch milliseconds >= 0');
    if (q.action && !isAuditAction(q.action))
      v.fail('action', `must be empty or one of the recorded actions (e.g. model.promoted), not "${q.action}"`);
    const prefix = q.subject.endsWith('*');
    const subject = v.text(prefix ? q.subject.slice(0, -1) : q.subject, 'subject', 255);
    const page = readPage(q.page, v);
    return pageResult(await this.repo.list({ since: q.since, action: q.action, subject, prefix }, page), page);
  }
}
