// The real ingestion service in-process on free ports, on SQLite or a fresh PostgreSQL database, for
// gRPC-level tests. Kafka and the registry are whatever the caller points it at (unreachable by default:
// the datasets API must not depend on them).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ingestionClients, type IngestionClients } from '@keel/clients';
import type { DatabaseKind } from '@keel/persistence';
import { DEFAULT_TEST_DATABASE_URL } from '@keel/persistence/testing';
import { DATA_SOURCE, startService, type RunningService } from '@keel/runtime';
import { freePort } from '@keel/testing';
import type { IngestionSettings } from '../config';
import { ingestionService } from '../service-definition';

export interface IngestionHarness {
  kind: DatabaseKind;
  service: RunningService<IngestionSettings>;
  client: IngestionClients['datasets'];
  dataSource: DataSource;
  stop(): Promise<void>;
}

/** A fresh PostgreSQL database on the test server (KEEL_TEST_DATABASE_URL), dropped by `drop`. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env['KEEL_TEST_DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL;
  const name = `ingestion_t_${process.pid}_${randomBytes(4).toString('hex')}`;
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

export async function startIngestion(kind: DatabaseKind, env: Record<string, string> = {}): Promise<IngestionHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-ingestion-'));
  const pg = kind === 'postgres' ? await createPgDatabase() : undefined;
  const nowhere = `127.0.0.1:${await freePort()}`;
  const service = await startService(ingestionService, {
    manageProcess: false,
    env: {
      KEEL_DATA_DIR: dataDir,
      KEEL_INGESTION_GRPC_PORT: '0',
      KEEL_INGESTION_HTTP_PORT: '0',
      KEEL_LOG_LEVEL: 'fatal',
      KEEL_KAFKA_BROKERS: nowhere,
      KEEL_REGISTRY_ADDRESS: nowhere,
      ...(pg ? { KEEL_DATABASE_URL: pg.url } : {}),
      ...env,
    },
  });
  const clients = ingestionClients(`127.0.0.1:${service.grpcPort}`, { deadlineMs: 30_000 });
  return {
    kind,
    service,
    client: clients.datasets,
    dataSource: service.app.get<DataSource>(DATA_SOURCE),
    async stop() {
      clients.close();
      await service.stop();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
