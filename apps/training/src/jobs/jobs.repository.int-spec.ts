// The job queue's SQL on SQLite and PostgreSQL: one job per dedupe key, a job taken by one owner only,
// leases renewed by their owner, expired leases taken again, conditional finishes.
import { describeEachDatabase } from '@keel/persistence/testing';
import { trainingEntities, trainingMigrations } from '../database';
import { JobRow } from './jobs.entities';
import { JobsRepository } from './jobs.repository';

function job(id: string, over: Partial<JobRow> = {}): JobRow {
  return Object.assign(new JobRow(), {
    id,
    model: 'm',
    dataset: 'd',
    datasetVersion: 1,
    snapshotSha256: '',
    algorithm: 'lr',
    params: { nTrees: 3 },
    seed: 1,
    target: '',
    state: 'queued',
    trigger: 'manual',
    dedupeKey: null,
    failureCode: '',
    failureMessage: '',
    attempts: 0,
    leaseOwner: '',
    leaseExpiresAt: 0,
    cancelRequested: false,
    progress: null,
    modelVersion: 0,
    runId: '',
    metrics: null,
    gate: null,
    search: null,
    bestParams: null,
    createdAt: 1000,
    updatedAt: 1000,
    startedAt: 0,
    finishedAt: 0,
    traceContext: null,
    ...over,
  } satisfies JobRow);
}

describeEachDatabase('training job queue', { entities: trainingEntities, migrations: trainingMigrations }, (db) => {
  let repo: JobsRepository;
  beforeAll(() => {
    repo = new JobsRepository(db.dataSource());
  });

  it('should keep one job per dedupe key when the same trigger arrives twice', async () => {
    const a = await repo.insertOnce(job('a1', { dedupeKey: 'd@1:m' }));
    const b = await repo.insertOnce(job('a2', { dedupeKey: 'd@1:m' }));
    expect(a.created).toBe(true);
    expect(b).toMatchObject({ created: false, job: { id: 'a1' } });
    expect((await repo.get('a1'))?.params).toEqual({ nTrees: 3 });
  });

  it("should keep the trigger's trace context with the job until a worker takes it", async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await repo.insertOnce(job('t1', { dedupeKey: 't@1:m', createdAt: 1, traceContext: traceparent }));
    expect((await repo.get('t1'))?.traceContext).toBe(traceparent);
    expect((await repo.get('a1'))?.traceContext).toBeNull();
    await repo.finish('t1', ['queued'], null, { state: 'cancelled' });
  });

  it("should give a queued job to one owner and renew only that owner's lease", async () => {
    await repo.insertOnce(job('b1', { createdAt: 500 }));
    const first = await repo.claim('w1', 2000, 1000);
    expect(first).toMatchObject({ id: 'b1', state: 'running', leaseOwner: 'w1', attempts: 1, leaseExpiresAt: 3000 });
    const second = await repo.claim('w2', 2000, 1000);
    expect(second?.id).toBe('a1');
    expect(await repo.claim('w3', 2000, 1000)).toBeNull();
    expect(await repo.heartbeat('b1', 'w2', 2500, 1000)).toBeNull();
    expect((await repo.heartbeat('b1', 'w1', 2500, 1000))?.leaseExpiresAt).toBe(3500);
  });

  it('should hand a job whose lease expired to another owner and count the attempt', async () => {
    const again = await repo.claim('w4', 4000, 1000);
    expect(again).toMatchObject({ id: 'b1', leaseOwner: 'w4', attempts: 2 });
    expect(await repo.heartbeat('b1', 'w1', 4100, 1000)).toBeNull();
    expect((await repo.lostJobs(10_000, 2)).map((j) => j.id)).toEqual(['b1']);
  });

  it('should finish a job only for its owner and list by state, newest first, in pages', async () => {
    expect(await repo.finish('b1', ['running'], 'w1', { state: 'succeeded' })).toBe(false);
    expect(await repo.finish('b1', ['running'], 'w4', { state: 'succeeded', modelVersion: 3 })).toBe(true);
    await repo.insertOnce(job('c1', { createdAt: 3000, model: 'other' }));
    expect((await repo.list({ state: 'succeeded' }, { limit: 10, offset: 0 })).map((j) => j.id)).toEqual(['b1']);
    expect((await repo.list({ model: 'other' }, { limit: 10, offset: 0 })).map((j) => j.id)).toEqual(['c1']);
    const page = await repo.list({}, { limit: 1, offset: 1 });
    expect(page.map((j) => j.id)).toEqual(['a1', 'b1']);
  });
});
