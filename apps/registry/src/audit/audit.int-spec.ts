import { status } from '@grpc/grpc-js';
import { writeTransaction } from '@keel/persistence';
import { DATA_SOURCE, runAsPrincipal } from '@keel/runtime';
import type { DataSource } from 'typeorm';
import { describeEachRegistry, type RegistryHarness } from '../testing/registry-harness';
import { expectStatus, sha } from '../testing/expect-status';
import { AuditService } from './audit.service';

async function entries(h: RegistryHarness, filter: { action?: string; subject?: string; since?: number } = {}) {
  const res = await h.clients.audit.ListAuditEntries({ ...filter, page: { pageSize: 100 } });
  return res.entries.map((e) => ({ ...e, details: JSON.parse(e.detailsJson) as Record<string, unknown> }));
}

describeEachRegistry('the audit trail over gRPC', (h) => {
  beforeAll(async () => {
    const c = h().clients;
    const experiment = await c.runs.CreateExperiment({ name: 'audit' });
    const runId = (await c.runs.CreateRun({ experimentId: experiment.id })).id;
    await c.models.CreateRegisteredModel({ name: 'churn' });
    for (const digit of ['b', 'c', 'd'])
      await c.models.CreateModelVersion({
        model: 'churn',
        runId,
        snapshotSha256: sha('a'),
        artifactSha256: sha(digit),
        artifactUri: `s3://models/churn/${digit}`,
        format: 'MODEL_FORMAT_ONNX',
        signature: {
          inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
          outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
        },
      });
  });

  it('should record promotions, alias moves and deletions and archiving, newest first, with the actor and reason', async () => {
    const c = h().clients.models;
    const since = Date.now();
    await c.SetAlias({ model: 'churn', alias: 'production', version: 1, reason: 'first', actor: 'job j1' });
    await c.SetAlias({ model: 'churn', alias: 'production', version: 2, reason: 'beats v1' });
    await c.SetAlias({ model: 'churn', alias: 'staging', version: 3 });
    await c.DeleteAlias({ model: 'churn', alias: 'staging', reason: 'done' });
    await c.ArchiveModelVersion({ model: 'churn', version: 3 });
    // Archiving again changes nothing and records nothing.
    await c.ArchiveModelVersion({ model: 'churn', version: 3 });

    const all = await entries(h(), { since });
    expect(all.map((e) => [e.action, e.subject])).toEqual([
      ['model_version.archived', 'churn/3'],
      ['alias.deleted', 'churn@staging'],
      ['alias.moved', 'churn@staging'],
      ['model.promoted', 'churn@production'],
      ['model.promoted', 'churn@production'],
    ]);
    // With auth off the actor is `local`; the caller's own claim is kept apart as requestedBy.
    expect(all.every((e) => e.actor === 'local')).toBe(true);
    expect(all[4]!.details).toEqual({
      fromVersion: null,
      toVersion: 1,
      revision: 1,
      reason: 'first',
      requestedBy: 'job j1',
    });
    expect(all[3]!.details).toMatchObject({ fromVersion: 1, toVersion: 2, revision: 2, reason: 'beats v1' });
    expect(all[1]!.details).toMatchObject({ fromVersion: 3, reason: 'done' });
    for (const e of all) {
      expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.at).toBeGreaterThanOrEqual(since);
    }
  });

  it('should record nothing when the action itself is refused', async () => {
    const before = (await entries(h())).length;
    // Version 2 is in production: archiving it fails, and so does moving an alias to archived version 3.
    await expectStatus(
      h().clients.models.ArchiveModelVersion({ model: 'churn', version: 2 }),
      status.FAILED_PRECONDITION,
    );
    await expectStatus(
      h().clients.models.SetAlias({ model: 'churn', alias: 'production', version: 3 }),
      status.FAILED_PRECONDITION,
      'version',
    );
    await expectStatus(
      h().clients.models.SetAlias({ model: 'churn', alias: 'production', version: 1, expectedRevision: 1 }),
      status.ABORTED,
      'expected_revision',
    );
    expect(await entries(h())).toHaveLength(before);
  });

  it('should filter by action, subject (exact or prefix) and time, page through, and refuse bad filters naming the field', async () => {
    expect((await entries(h(), { action: 'model.promoted' })).map((e) => e.subject)).toEqual([
      'churn@production',
      'churn@production',
    ]);
    expect((await entries(h(), { subject: 'churn@staging' })).map((e) => e.action)).toEqual([
      'alias.deleted',
      'alias.moved',
    ]);
    expect(await entries(h(), { subject: 'churn*' })).toHaveLength(5);
    expect(await entries(h(), { subject: 'chur' })).toHaveLength(0);
    expect(await entries(h(), { since: Date.now() + 60_000 })).toHaveLength(0);

    const first = await h().clients.audit.ListAuditEntries({ page: { pageSize: 2 } });
    const second = await h().clients.audit.ListAuditEntries({ page: { pageSize: 2, pageToken: first.nextPageToken } });
    expect(first.entries.map((e) => e.action)).toEqual(['model_version.archived', 'alias.deleted']);
    expect(second.entries.map((e) => e.action)).toEqual(['alias.moved', 'model.promoted']);

    await expectStatus(
      h().clients.audit.ListAuditEntries({ action: 'drop tables' }),
      status.INVALID_ARGUMENT,
      'action',
    );
    await expectStatus(h().clients.audit.ListAuditEntries({ since: -1 }), status.INVALID_ARGUMENT, 'since');
    await expectStatus(
      h().clients.audit.ListAuditEntries({ page: { pageToken: 'nope!' } }),
      status.INVALID_ARGUMENT,
      'page.page_token',
    );
  });

  it('should name the token of the request as the actor and roll the entry back with its transaction', async () => {
    const audit = h().service.app.get(AuditService);
    const dataSource = h().service.app.get<DataSource>(DATA_SOURCE, { strict: false });
    await runAsPrincipal({ name: 'ci-deployer', scopes: ['admin'] }, () =>
      writeTransaction(dataSource, (m) =>
        audit.record(m, { action: 'token.created', subject: 'token/ci', details: { scopes: ['read'] } }),
      ),
    );
    await expect(
      writeTransaction(dataSource, async (m) => {
        await audit.record(m, { action: 'token.revoked', subject: 'token/ci' });
        throw new Error('the revocation failed');
      }),
    ).rejects.toThrow('the revocation failed');
    const tokens = await entries(h(), { subject: 'token/ci' });
    expect(tokens.map((e) => [e.action, e.actor, e.details])).toEqual([
      ['token.created', 'ci-deployer', { scopes: ['read'] }],
    ]);
  });
});
