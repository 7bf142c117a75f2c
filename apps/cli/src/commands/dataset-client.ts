// The CLI's clients for `dataset` and `ingest`: keel.ingestion.v1 (KEEL_INGESTION_ADDRESS, else 127.0.0.1
// on KEEL_INGESTION_GRPC_PORT) and the registry's artifact store for exports. gRPC errors become
// messages that say what to fix, with exit code 2 for a bad argument and 1 for anything else.
import type { ServiceError } from '@grpc/grpc-js';
import { ingestionClients, registryClients, type IngestionClients, type RegistryClients } from '@keel/clients';
import { DEFAULT_SERVICE_PORTS, type ingestionV1 } from '@keel/contracts';
import type { DatasetColumn } from '@keel/datasets';
import { CliError } from './monitoring-client';

const env = process.env;

export const ingestionAddress = (): string =>
  env['KEEL_INGESTION_ADDRESS'] ??
  `127.0.0.1:${env['KEEL_INGESTION_GRPC_PORT'] ?? DEFAULT_SERVICE_PORTS.ingestion.grpc}`;
export const registryAddress = (): string =>
  env['KEEL_REGISTRY_ADDRESS'] ?? `127.0.0.1:${env['KEEL_REGISTRY_GRPC_PORT'] ?? DEFAULT_SERVICE_PORTS.registry.grpc}`;

const GRPC_INVALID_ARGUMENT = 3;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

function explain(err: unknown, what: string, address: string, variable: string): Error {
  const e = err as ServiceError;
  if (typeof e?.code !== 'number') return err as Error;
  if (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED)
    return new CliError(
      `the ${what} is not reachable at ${address} (${e.details}); start it (npm start) or set ${variable}`,
      1,
    );
  const field = e.metadata?.get('keel-field')?.[0];
  const message = field && !e.details.includes(String(field)) ? `${String(field)}: ${e.details}` : e.details;
  return new CliError(message || e.message, e.code === GRPC_INVALID_ARGUMENT ? 2 : 1);
}

export async function withIngestion<T>(fn: (c: IngestionClients['datasets']) => Promise<T>): Promise<T> {
  const address = ingestionAddress();
  const c = ingestionClients(address, { deadlineMs: 10 * 60_000 });
  try {
    return await fn(c.datasets);
  } catch (err) {
    throw explain(err, 'ingestion service', address, 'KEEL_INGESTION_ADDRESS');
  } finally {
    c.close();
  }
}

export async function withRegistry<T>(fn: (c: RegistryClients) => Promise<T>): Promise<T> {
  const address = registryAddress();
  const c = registryClients(address, { deadlineMs: 10 * 60_000 });
  try {
    return await fn(c);
  } catch (err) {
    throw explain(err, 'registry', address, 'KEEL_REGISTRY_ADDRESS');
  } finally {
    c.close();
  }
}

/** One `dataset list|show --json` item (documented in docs/cli.md). */
export interface DatasetItem {
  name: string;
  topic: string;
  columns: DatasetColumn[];
  entityKey: string | null;
  target: string;
  eventTime: string | null;
  schemaVersion: number;
  policy: { everyRecords: number; intervalSeconds: number; windowRecords: number; windowSeconds: number };
  dedupe: boolean;
  accepted: number;
  duplicates: number;
  rejected: number;
  staged: number;
  latestVersion: number;
  createdAt: string;
}

export function datasetItem(d: ingestionV1.Dataset__Output): DatasetItem {
  return {
    name: d.name,
    topic: d.topic,
    columns: d.columns.map((c) => ({
      name: c.name,
      type: c.type.replace(/^COLUMN_TYPE_/, '').toLowerCase() as DatasetColumn['type'],
      required: c.required,
      ...(c.min !== undefined ? { min: c.min } : {}),
      ...(c.max !== undefined ? { max: c.max } : {}),
      ...(c.allowed.length ? { allowed: c.allowed } : {}),
    })),
    entityKey: d.entityKey || null,
    target: d.target,
    eventTime: d.eventTime || null,
    schemaVersion: d.schemaVersion,
    policy: {
      everyRecords: Number(d.policy?.everyRecords ?? 0),
      intervalSeconds: d.policy?.intervalSeconds ?? 0,
      windowRecords: Number(d.policy?.windowRecords ?? 0),
      windowSeconds: d.policy?.windowSeconds ?? 0,
    },
    dedupe: d.dedupe,
    accepted: Number(d.accepted),
    duplicates: Number(d.duplicates),
    rejected: Number(d.rejected),
    staged: Number(d.staged),
    latestVersion: d.latestVersion,
    createdAt: new Date(Number(d.createdAtMs)).toISOString(),
  };
}

/** One `dataset snapshots --json` item (documented in docs/cli.md). */
export interface SnapshotItem {
  dataset: string;
  version: number;
  sha256: string;
  rows: number;
  schemaVersion: number;
  artifactUri: string;
  parts: number;
  referenceSha256: string | null;
  window: { from: string; to: string };
  createdAt: string;
}

export function snapshotItem(s: ingestionV1.Snapshot__Output): SnapshotItem {
  const manifest = JSON.parse(s.manifestJson || '{"parts":[]}') as { parts: unknown[] };
  const profile = JSON.parse(s.profileJson || '{}') as { reference?: { sha256: string } };
  const iso = (ms: unknown) => new Date(Number(ms)).toISOString();
  return {
    dataset: s.dataset,
    version: s.version,
    sha256: s.sha256,
    rows: Number(s.rows),
    schemaVersion: s.schemaVersion,
    artifactUri: s.artifactUri,
    parts: manifest.parts.length,
    referenceSha256: profile.reference?.sha256 ?? null,
    window: { from: iso(s.windowFromMs), to: iso(s.windowToMs) },
    createdAt: iso(s.createdAtMs),
  };
}
