// The registry, as the snapshot builder needs it: the artifact store (parts, manifests, reference
// profiles, addressed by sha256) and dataset versions (ADR 0006). Any transport failure other than a
// definite answer is RegistryUnavailable: the builder retries later, nothing is lost.
import { status, type ServiceError } from '@grpc/grpc-js';
import { registryClients, uploadChunks, downloadTo, type RegistryClients } from '@keel/clients';
import type { registryV1 } from '@keel/contracts';
import type { DatasetColumn } from '@keel/datasets';
import { IngestionError, IngestionErrorCode } from '../datasets/datasets.errors';

export interface StoredArtifact {
  sha256: string;
  uri: string;
}

export interface SnapshotRegistration {
  dataset: string;
  sha256: string;
  rows: number;
  columns: DatasetColumn[];
  profileJson: string;
  artifactUri: string;
  windowFromMs: number;
  windowToMs: number;
}

const code = (err: unknown) => (err as ServiceError | undefined)?.code;

/** The registry's copy of the columns: a categorical column with allowed values is a CATEGORY, else a STRING. */
export const registryColumns = (columns: DatasetColumn[]): registryV1.Column[] =>
  columns.map((c) => ({
    name: c.name,
    type:
      c.type === 'categorical'
        ? c.allowed?.length
          ? 'COLUMN_TYPE_CATEGORY'
          : 'COLUMN_TYPE_STRING'
        : (
            {
              numeric: 'COLUMN_TYPE_NUMBER',
              boolean: 'COLUMN_TYPE_BOOLEAN',
              timestamp: 'COLUMN_TYPE_TIMESTAMP',
            } as const
          )[c.type],
    nullable: !c.required,
    categories: c.allowed ?? [],
  }));

export class RegistryAdapter {
  private readonly clients: RegistryClients;

  constructor(readonly address: string) {
    this.clients = registryClients(address, { deadlineMs: 60_000 });
  }

  async upload(bytes: Uint8Array): Promise<StoredArtifact> {
    const info = await this.call(() =>
      uploadChunks(this.clients.artifacts.raw, chunked(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))),
    );
    return { sha256: info.sha256, uri: info.uri };
  }

  async download(sha256: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    await this.call(() => downloadTo(this.clients.artifacts.raw, sha256, (c) => parts.push(c)));
    return Buffer.concat(parts);
  }

  /** Creates the registry's record of the dataset unless it exists. */
  async ensureDataset(name: string, columns: DatasetColumn[], entityKey: string, target: string): Promise<void> {
    try {
      await this.call(() =>
        this.clients.datasets.CreateDataset({ name, columns: registryColumns(columns), entityKey, target }),
      );
    } catch (err) {
      if (code((err as Error).cause) !== status.ALREADY_EXISTS) throw err;
    }
  }

  /** Registers the version; a snapshot registered before (same sha256, e.g. before a crash) answers its version. */
  async register(r: SnapshotRegistration): Promise<number> {
    try {
      const s = await this.call(() =>
        this.clients.datasets.RegisterSnapshot({ ...r, columns: registryColumns(r.columns) }),
      );
      return s.version;
    } catch (err) {
      if (code((err as Error).cause) !== status.ALREADY_EXISTS) throw err;
      const s = await this.call(() => this.clients.datasets.GetSnapshot({ dataset: r.dataset, sha256: r.sha256 }));
      return s.version;
    }
  }

  close(): void {
    this.clients.close();
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const c = code(err);
      // A definite answer (bad request, conflict...) is the registry refusing, not an outage to wait out.
      const refused =
        c !== undefined && c !== status.UNAVAILABLE && c !== status.DEADLINE_EXCEEDED && c !== status.ALREADY_EXISTS;
      throw new IngestionError(
        refused ? IngestionErrorCode.RegistryRefused : IngestionErrorCode.RegistryUnavailable,
        `registry at ${this.address}: ${(err as Error).message}`,
        undefined,
        { cause: err },
      );
    }
  }
}

function* chunked(buffer: Buffer, size = 1 << 20): Generator<Buffer> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, Math.min(buffer.length, i + size));
  if (buffer.length === 0) yield buffer;
}
