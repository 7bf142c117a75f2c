import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { DatabaseKind } from '@keel/persistence';
import { DEFAULT_TEST_DATABASE_URL } from '@keel/persistence/testing';
import { startService, type RunningService } from '@keel/runtime';
import type { RegistrySettings } from '../config';
import { registryService } from '../service-definition';
import { registryClients, type RegistryClients } from '@keel/clients';

export interface RegistryHarness {
  kind: DatabaseKind;
  service: RunningService<RegistrySettings>;
  clients: RegistryClients;
  dataDir: string;
  stop(): Promise<void>;
}

/** PostgreSQL for one suite: a fresh database (the service then uses its own "registry" schema inside it). */
async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env['KEEL_TEST_DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL;
  const name = `registry_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new DataSource({ type: 'postgres', url: base });
  await admin.initialize();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.destroy();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new DataSource({ type: 'postgres', url: base });
      await a.initialize();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.destroy();
    },
  };
}

/** Starts the real registry in-process on free ports against SQLite or a fresh PostgreSQL database. */
export async function startRegistry(kind: DatabaseKind, env: Record<string, string> = {}): Promise<RegistryHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-registry-'));
  const pg = kind === 'postgres' ? await createPgDatabase() : undefined;
  const service = await startService(registryService, {
    manageProcess: false,
    env: {
      KEEL_DATA_DIR: dataDir,
      KEEL_REGISTRY_GRPC_PORT: '0',
      KEEL_REGISTRY_HTTP_PORT: '0',
      KEEL_LOG_LEVEL: 'warn',
      KEEL_REGISTRY_OUTBOX_RELAY: 'false',
      KEEL_REGISTRY_AUDIT_EVENTS: 'false',
      ...(pg ? { KEEL_DATABASE_URL: pg.url } : {}),
      ...env,
    },
  });
  const clients = registryClients(`127.0.0.1:${service.grpcPort}`);
  return {
    kind,
    service,
    clients,
    dataDir,
    async stop() {
      clients.close();
      await service.stop();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs one gRPC-level suite against SQLite and PostgreSQL, each with its own fresh registry. */
export function describeEachRegistry(
  title: string,
  suite: (h: () => RegistryHarness) => void,
  env: Record<string, string> | (() => Record<string, string>) = {},
): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    describe(`${title} [${kind}]`, () => {
      let harness: RegistryHarness | undefined;
      beforeAll(async () => {
        harness = await startRegistry(kind, typeof env === 'function' ? env() : env);
      });
      afterAll(async () => {
        await harness?.stop();
      });
      suite(() => {
        if (!harness) throw new Error('registry is not started yet');
        return harness;
      });
    });
  }
}
