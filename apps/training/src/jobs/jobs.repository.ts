import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import { In, LessThan, type DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import type { Page } from '@keel/domain';
import { isUniqueViolation } from '@keel/persistence';
import { JobRow, type JobStateName, TrainingPolicyRow } from './jobs.entities';

export interface JobFilter {
  dataset?: string;
  model?: string;
  state?: JobStateName;
}

/** The job queue and the policies, in the service's database (SQLite or PostgreSQL). */
@Injectable()
export class JobsRepository {
  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}

  private jobs(m?: EntityManager) {
    return (m ?? this.dataSource.manager).getRepository(JobRow);
  }

  /** Inserts the job; with a dedupe key already taken, returns the existing job instead. */
  async insertOnce(job: JobRow, m?: EntityManager): Promise<{ job: JobRow; created: boolean }> {
    const existing = await this.jobs(m).findOneBy(job.dedupeKey ? { dedupeKey: job.dedupeKey } : { id: job.id });
    if (existing) return { job: existing, created: false };
    try {
      await this.jobs(m).insert(job);
      return { job, created: true };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const winner = await this.jobs(m).findOneBy(job.dedupeKey ? { dedupeKey: job.dedupeKey } : { id: job.id });
      if (!winner) throw err;
      return { job: winner, created: false };
    }
  }

  get(id: string, m?: EntityManager): Promise<JobRow | null> {
    return this.jobs(m).findOneBy({ id });
  }

  async list(filter: JobFilter, page: Page): Promise<JobRow[]> {
    const where: FindOptionsWhere<JobRow> = {
      ...(filter.dataset ? { dataset: filter.dataset } : {}),
      ...(filter.model ? { model: filter.model } : {}),
      ...(filter.state ? { state: filter.state } : {}),
    };
    return this.jobs().find({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: page.offset,
      take: page.limit + 1,
    });
  }

  /**
   * Takes the oldest queued job, or a running one whose lease expired (its worker or process died), for
   * `owner`: a conditional update, so two workers never take the same job.
   */
  async claim(owner: string, now: number, leaseMs: number): Promise<JobRow | null> {
    for (let tries = 0; tries < 5; tries++) {
      const candidate =
        (await this.jobs().findOne({ where: { state: 'queued' }, order: { createdAt: 'ASC', id: 'ASC' } })) ??
        (await this.jobs().findOne({
          where: { state: 'running', leaseExpiresAt: LessThan(now) },
          order: { createdAt: 'ASC', id: 'ASC' },
        }));
      if (!candidate) return null;
      const res = await this.jobs().update(
        { id: candidate.id, state: candidate.state, leaseOwner: candidate.leaseOwner, attempts: candidate.attempts },
        {
          state: 'running',
          leaseOwner: owner,
          leaseExpiresAt: now + leaseMs,
          attempts: candidate.attempts + 1,
          startedAt: now,
          updatedAt: now,
        },
      );
      if (res.affected === 1) return this.get(candidate.id);
    }
    return null;
  }

  /** Extends the lease while the owner still holds it; false means the job is no longer ours. */
  async heartbeat(id: string, owner: string, now: number, leaseMs: number): Promise<JobRow | null> {
    const res = await this.jobs().update(
      { id, leaseOwner: owner, state: 'running' },
      { leaseExpiresAt: now + leaseMs },
    );
    return res.affected === 1 ? this.get(id) : null;
  }

  async updateProgress(id: string, owner: string, patch: Partial<JobRow>): Promise<boolean> {
    const res = await this.jobs().update({ id, leaseOwner: owner, state: 'running' }, patch);
    return res.affected === 1;
  }

  /** Moves a job to a final state if `owner` (or nobody, for queued jobs) holds it. */
  async finish(
    id: string,
    from: JobStateName[],
    owner: string | null,
    patch: Partial<JobRow>,
    m?: EntityManager,
  ): Promise<boolean> {
    const where = owner === null ? { id, state: In(from) } : { id, state: In(from), leaseOwner: owner };
    const res = await this.jobs(m).update(where, patch);
    return res.affected === 1;
  }

  /** Running jobs whose lease expired and which used all their attempts. */
  lostJobs(now: number, maxAttempts: number): Promise<JobRow[]> {
    return this.jobs()
      .find({ where: { state: 'running', leaseExpiresAt: LessThan(now) } })
      .then((rows) => rows.filter((r) => r.attempts >= maxAttempts));
  }

  getTrainingPolicy(dataset: string): Promise<TrainingPolicyRow | null> {
    return this.dataSource.getRepository(TrainingPolicyRow).findOneBy({ dataset });
  }

  async saveTrainingPolicy(
    row: TrainingPolicyRow,
    m: EntityManager = this.dataSource.manager,
  ): Promise<TrainingPolicyRow> {
    await m.getRepository(TrainingPolicyRow).save(row);
    return row;
  }
}
