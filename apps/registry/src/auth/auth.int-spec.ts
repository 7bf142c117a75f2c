import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { registryClients, type RegistryClients } from '@keel/clients';
import { DATA_SOURCE } from '@keel/runtime';
import { grpcHealthCheck, waitFor } from '@keel/testing';
import type { DataSource } from 'typeorm';
import { describeEachRegistry } from '../testing/registry-harness';
import { expectStatus } from '../testing/expect-status';

const ADMIN = `bootstrap-${process.pid}-0123456789abcdef`;

describeEachRegistry(
  'bearer tokens over gRPC',
  (h) => {
    const opened: RegistryClients[] = [];
    const as = (token: string): RegistryClients => {
      const c = registryClients(`127.0.0.1:${h().service.grpcPort}`, { token, deadlineMs: 10_000 });
      opened.push(c);
      return c;
    };
    const create = async (name: string, scopes: string[], expiresAtMs = 0) =>
      (await as(ADMIN).auth.CreateToken({ name, scopes, expiresAtMs })).secret;
    afterAll(() => opened.forEach((c) => c.close()));

    it('should refuse calls without a token or with an unknown one, and leave health and metrics open', async () => {
      const err = await expectStatus(h().clients.datasets.ListDatasets({}), status.UNAUTHENTICATED);
      expect(err.details).toContain('bearer token');
      await expectStatus(as('keel_not-a-real-token').datasets.ListDatasets({}), status.UNAUTHENTICATED);
      expect(await grpcHealthCheck(`127.0.0.1:${h().service.grpcPort}`)).toBe('SERVING');
      const http = `http://127.0.0.1:${h().service.httpPort}`;
      expect((await fetch(`${http}/healthz`)).status).toBe(200);
      expect((await fetch(`${http}/metrics`)).status).toBe(200);
    });

    it('should create a token once, store only its sha256 and record who created it', async () => {
      const { token, secret } = await as(ADMIN).auth.CreateToken({ name: 'ci-reader', scopes: ['read'] });
      expect(secret).toMatch(/^keel_[A-Za-z0-9_-]{43}$/);
      expect(token).toMatchObject({ name: 'ci-reader', scopes: ['read'], createdBy: 'admin', revokedAtMs: 0 });
      const rows: Record<string, unknown>[] = await h()
        .service.app.get<DataSource>(DATA_SOURCE)
        .query("SELECT * FROM auth_tokens WHERE name = 'ci-reader'");
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(secret);
      expect(rows[0]!['secret_sha256']).toBe(createHash('sha256').update(secret).digest('hex'));
      const listed = (await as(ADMIN).auth.ListTokens({})).tokens.map((t) => t.name);
      expect(listed).toEqual(expect.arrayContaining(['admin', 'ci-reader']));
    });

    it('should allow each scope its calls and deny the rest naming the scope needed', async () => {
      const reader = as(await create('reader', ['read']));
      const writer = as(await create('writer', ['write']));
      const infer = as(await create('predictor', ['infer']));
      expect((await reader.datasets.ListDatasets({})).datasets).toBeDefined();
      const denied = await expectStatus(reader.datasets.CreateDataset({ name: 'x' }), status.PERMISSION_DENIED);
      expect(denied.details).toContain('"write" scope');
      await expectStatus(writer.datasets.CreateDataset({ name: 'x' }), status.INVALID_ARGUMENT, 'columns');
      expect((await writer.models.CreateRegisteredModel({ name: 'm' })).name).toBe('m');
      const admin = await expectStatus(
        writer.models.SetAlias({ model: 'm', alias: 'production', version: 1 }),
        status.PERMISSION_DENIED,
      );
      expect(admin.details).toContain('"admin" scope');
      expect((await expectStatus(infer.datasets.ListDatasets({}), status.PERMISSION_DENIED)).details).toContain(
        '"read" scope',
      );
      await expectStatus(writer.auth.ListTokens({}), status.PERMISSION_DENIED);
    });

    it('should validate new tokens, naming the field', async () => {
      const admin = as(ADMIN).auth;
      await expectStatus(admin.CreateToken({ name: '../x', scopes: ['read'] }), status.INVALID_ARGUMENT, 'name');
      await expectStatus(admin.CreateToken({ name: 'a', scopes: [] }), status.INVALID_ARGUMENT, 'scopes');
      await expectStatus(
        admin.CreateToken({ name: 'a', scopes: ['read', 'root'] }),
        status.INVALID_ARGUMENT,
        'scopes[1]',
      );
      await expectStatus(
        admin.CreateToken({ name: 'a', scopes: ['read'], expiresAtMs: Date.now() - 1 }),
        status.INVALID_ARGUMENT,
        'expires_at_ms',
      );
      await expectStatus(admin.CreateToken({ name: 'admin', scopes: ['read'] }), status.ALREADY_EXISTS, 'name');
      await expectStatus(admin.RevokeToken({ token: 'nobody' }), status.NOT_FOUND, 'token');
    });

    it('should stop accepting a revoked token within the cache time', async () => {
      const secret = await create('revoked-soon', ['read']);
      const c = as(secret);
      await c.runs.ListExperiments({});
      const revoked = await as(ADMIN).auth.RevokeToken({ token: 'revoked-soon' });
      expect(revoked.revokedAtMs).toBeGreaterThan(0);
      await expectStatus(as(ADMIN).auth.VerifyToken({ secret }), status.UNAUTHENTICATED);
      await waitFor(() => expectStatus(c.runs.ListExperiments({}), status.UNAUTHENTICATED), { timeoutMs: 5000 });
      const active = (await as(ADMIN).auth.ListTokens({})).tokens.map((t) => t.name);
      expect(active).not.toContain('revoked-soon');
      const all = (await as(ADMIN).auth.ListTokens({ includeInactive: true })).tokens.map((t) => t.name);
      expect(all).toContain('revoked-soon');
    });

    it('should record who created and who revoked a token in the audit trail, never the secret', async () => {
      const secret = await create('audited', ['read', 'write']);
      await as(ADMIN).auth.RevokeToken({ token: 'audited' });
      const { entries } = await as(ADMIN).audit.ListAuditEntries({ subject: 'token/audited' });
      expect(entries.map((e) => [e.action, e.actor])).toEqual([
        ['token.revoked', 'admin'],
        ['token.created', 'admin'],
      ]);
      expect(JSON.parse(entries[1]!.detailsJson)).toMatchObject({ scopes: ['read', 'write'] });
      expect(JSON.stringify(entries)).not.toContain(secret);
      const boot = await as(ADMIN).audit.ListAuditEntries({ subject: 'token/admin', action: 'token.created' });
      expect(boot.entries[0]?.actor).toBe('KEEL_ADMIN_TOKEN');
    });

    it('should stop accepting a token when it expires', async () => {
      const c = as(await create('short-lived', ['read'], Date.now() + 1500));
      await c.runs.ListExperiments({});
      await waitFor(() => expectStatus(c.runs.ListExperiments({}), status.UNAUTHENTICATED), { timeoutMs: 8000 });
    });

    it('should answer VerifyToken without a token of its own', async () => {
      const secret = await create('verified', ['infer', 'read']);
      const t = await h().clients.auth.VerifyToken({ secret });
      expect(t).toMatchObject({ name: 'verified', scopes: ['infer', 'read'] });
    });
  },
  { KEEL_AUTH: 'on', KEEL_ADMIN_TOKEN: ADMIN, KEEL_AUTH_CACHE_MS: '500' },
);
