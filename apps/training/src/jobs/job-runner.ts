// The worker side of the queue: takes jobs from the database while the pool has room, holds each by a
// lease it renews (heartbeat), stops a worker within a second of a cancel, and finishes the job with
// its event (keel.training.completed / .failed) in the same transaction. A job whose lease expires
// (worker or process died) is taken again, or failed as WORKER_LOST after its last attempt.
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Outbox, uuidv7 } from '@keel/event-bus';
import { writeTransaction } from '@keel/persistence';
import { LOGGER, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import { linksTo, withSpan, type Logger } from '@keel/telemetry';
import { ROOT_CONTEXT, SpanStatusCode, type Span } from '@opentelemetry/api';
import { poolSize, type TrainingSettings } from '../config';
import { TaskCancelled, WorkerPool } from '../worker/worker-pool';
import { JobExecutor, codeVersion } from './job-executor';
import type { JobProgress, JobRow } from './jobs.entities';
import { JobFailure } from './jobs.errors';
import { JobsRepository } from './jobs.repository';
import { WORKER_POOL } from '../common/tokens';

const PROGRESS_WRITE_MS = 300;

@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly owner = `${hostname()}:${process.pid}:${uuidv7().slice(-8)}`;
  private readonly active = new Map<string, AbortController>();
  private readonly changes = new EventEmitter();
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private polling = false;

  constructor(
    private readonly repo: JobsRepository,
    private readonly executor: JobExecutor,
    private readonly outbox: Outbox,
    @Inject(WORKER_POOL) private readonly pool: WorkerPool,
    @Inject(SERVICE_CONFIG) private readonly config: ConfigOf<TrainingSettings>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.changes.setMaxListeners(0);
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    // Hand running jobs back to the queue so another process (or the next start) takes them at once.
    for (const [id, ctrl] of this.active) {
      ctrl.abort();
      await this.repo.finish(id, ['running'], this.owner, { state: 'queued', leaseOwner: '', leaseExpiresAt: 0 });
    }
  }

  /** Look for work now (a job was just submitted). */
  wake(): void {
    this.schedule(0);
  }

  /** Stops the local worker of a cancelled job at once (other processes see it on their heartbeat). */
  cancelLocal(id: string): void {
    this.active.get(id)?.abort(new JobFailure('CANCELLED', 'cancelled'));
  }

  /** Resolves when the job changes here, or after `ms` (changes made by other processes are polled). */
  changed(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.changes.off(id, done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.changes.on(id, done);
    });
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopping) return;
    this.polling = true;
    try {
      const now = Date.now();
      for (const lost of await this.repo.lostJobs(now, this.config.maxAttempts)) {
        await this.fail(
          lost,
          null,
          new JobFailure('WORKER_LOST', `worker lost ${lost.attempts} times (lease expired)`),
        );
      }
      while (this.active.size < poolSize(this.config.workers) && !this.stopping) {
        const job = await this.repo.claim(this.owner, Date.now(), this.config.leaseMs);
        if (!job) break;
        void this.traced(job);
      }
    } catch (err) {
      this.logger.warn({ error: (err as Error).message }, 'training queue poll failed');
    } finally {
      this.polling = false;
      this.schedule(this.config.pollMs);
    }
  }

  /**
   * The job's own span: a new trace (the job waited in the queue, whatever woke the poller is not its
   * cause) LINKED to the context of the trigger stored on the job row (a snapshot event, a retraining
   * request, an API call).
   */
  private traced(job: JobRow): Promise<void> {
    return withSpan(
      `training job ${job.model}`,
      (span) => this.execute(job, span),
      {
        links: linksTo([job.traceContext], 1, { 'keel.link': 'trigger' }),
        attributes: {
          'keel.job.id': job.id,
          'keel.job.trigger': job.trigger,
          'keel.job.attempt': job.attempts,
          'keel.model': job.model,
          'keel.dataset': job.dataset,
        },
      },
      { parent: ROOT_CONTEXT, tracerName: '@keel/training' },
    );
  }

  private async execute(job: JobRow, span: Span): Promise<void> {
    const ctrl = new AbortController();
    this.active.set(job.id, ctrl);
    this.changes.emit(job.id);
    const heartbeat = setInterval(
      () => void this.beat(job.id, ctrl),
      Math.max(100, Math.min(1000, this.config.leaseMs / 3)),
    );
    let pending: JobProgress | null = null;
    let lastWrite = 0;
    const report = (p: JobProgress): void => {
      pending = p;
      const now = Date.now();
      if (now - lastWrite < PROGRESS_WRITE_MS) return;
      lastWrite = now;
      const write = pending;
      pending = null;
      void this.repo
        .updateProgress(job.id, this.owner, { progress: write, updatedAt: now })
        .then(() => this.changes.emit(job.id))
        .catch(() => undefined);
    };
    try {
      const out = await this.executor.run(job, ctrl.signal, report);
      span.setAttributes({
        'keel.model.version': out.modelVersion,
        'keel.dataset.version': out.datasetVersion,
        'keel.gate.promoted': out.gate.promoted,
      });
      const now = Date.now();
      await writeTransaction(this.repo.dataSource, async (m) => {
        const ok = await this.repo.finish(
          job.id,
          ['running'],
          this.owner,
          {
            state: 'succeeded',
            datasetVersion: out.datasetVersion,
            snapshotSha256: out.snapshotSha256,
            runId: out.runId,
            modelVersion: out.modelVersion,
            metrics: out.metrics,
            gate: out.gate,
            bestParams: out.bestParams,
            progress: { stage: 'done', iteration: 0, total: 0, metric: '', value: 0, etaMs: 0 },
            finishedAt: now,
            updatedAt: now,
          },
          m,
        );
        if (!ok) return;
        await this.outbox.publish(
          m,
          'keel.training.completed',
          {
            jobId: job.id,
            runId: out.runId,
            model: job.model,
            dataset: job.dataset,
            datasetVersion: out.datasetVersion,
            snapshotSha256: out.snapshotSha256,
            algorithm: job.algorithm,
            params: job.params,
            seed: job.seed,
            metrics: Object.fromEntries(Object.entries(out.metrics.test).map(([k, v]) => [`test_${k}`, v])),
            artifactSha256: out.artifactSha256,
            artifactUri: out.artifactUri,
            codeVersion: codeVersion(),
            durationMs: now - job.startedAt,
          },
          { key: job.id },
        );
      });
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      if (this.stopping && !(err instanceof JobFailure)) return;
      const reason = ctrl.signal.reason as unknown;
      if (err instanceof TaskCancelled || reason instanceof JobFailure) {
        await this.fail(job, this.owner, new JobFailure('CANCELLED', 'cancelled'));
      } else if (err instanceof JobFailure) {
        await this.fail(job, this.owner, err);
      } else {
        this.logger.error({ jobId: job.id, error: (err as Error).message }, 'training job failed');
        await this.fail(job, this.owner, new JobFailure('TRAINING_ERROR', (err as Error).message || String(err)));
      }
    } finally {
      clearInterval(heartbeat);
      this.active.delete(job.id);
      this.changes.emit(job.id);
      this.schedule(0);
    }
  }

  private async beat(id: string, ctrl: AbortController): Promise<void> {
    if (ctrl.signal.aborted) return;
    try {
      const job = await this.repo.heartbeat(id, this.owner, Date.now(), this.config.leaseMs);
      if (!job) ctrl.abort(new Error('lease lost'));
      else if (job.cancelRequested) ctrl.abort(new JobFailure('CANCELLED', 'cancelled'));
    } catch {
      // The database is briefly unreachable: the lease decides; keep trying.
    }
  }

  private async fail(job: JobRow, owner: string | null, f: JobFailure): Promise<void> {
    const now = Date.now();
    const state = f.code === 'CANCELLED' ? 'cancelled' : 'failed';
    await writeTransaction(this.repo.dataSource, async (m) => {
      const ok = await this.repo.finish(
        job.id,
        ['running'],
        owner,
        { state, failureCode: f.code, failureMessage: f.message.slice(0, 4000), finishedAt: now, updatedAt: now },
        m,
      );
      if (!ok) return;
      await this.outbox.publish(
        m,
        'keel.training.failed',
        {
          jobId: job.id,
          runId: job.runId || null,
          model: job.model,
          code: f.code === 'DATA_INTEGRITY' ? 'DATA_UNAVAILABLE' : f.code === 'WORKER_LOST' ? 'TIMEOUT' : f.code,
          message: f.message.slice(0, 4000) || f.code,
          retryable: f.code === 'WORKER_LOST' || f.code === 'DATA_UNAVAILABLE',
        },
        { key: job.id },
      );
    });
  }
}
