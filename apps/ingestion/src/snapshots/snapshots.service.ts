// Snapshot building: staged rows become a new immutable Parquet part (uploaded to the artifact store,
// then recorded and unstaged in one transaction), the manifest of every part so far becomes the
// snapshot's content address, the cumulative profile its drift reference, and the registry records the
// version (it announces keel.dataset.snapshotted through its outbox, ADR 0006). Every step is
// idempotent, so a build interrupted anywhere is finished by the next one.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  isWindowed,
  newestEventTime,
  ProfileBuilder,
  readParquet,
  windowRows,
  REFERENCE_PROFILE_FORMAT,
  SNAPSHOT_MANIFEST_FORMAT,
  manifestBytes,
  writeParquet,
  type CellValue,
  type SnapshotManifest,
} from '@keel/datasets';
import { writeTransaction } from '@keel/persistence';
import { LOGGER, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import { linksTo, MAX_STORED_LINKS, withSpan, type Logger } from '@keel/telemetry';
import type { IngestionSettings } from '../config';
import type { Dataset } from '../datasets/datasets.commands';
import { IngestionError, IngestionErrorCode } from '../datasets/datasets.errors';
import { DatasetsService } from '../datasets/datasets.service';
import { StagingRepository, type StagedChunk } from '../records/staging.repository';
import { currentRows } from './staged-rows';
import { REGISTRY } from './registry.token';
import type { RegistryAdapter } from './registry.adapter';
import { SnapshotsMetrics } from './snapshots.metrics';
import { SnapshotsRepository, type PartRow, type SnapshotRow } from './snapshots.repository';

/** Rows per Parquet part: bounds the builder's memory whatever the backlog. */
export const PART_ROWS = 100_000;

@Injectable()
export class SnapshotsService {
  private readonly holder = `ingestion-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, Promise<SnapshotRow>>();
  private readonly leaseMs: number;

  constructor(
    private readonly repo: SnapshotsRepository,
    private readonly staging: StagingRepository,
    private readonly datasets: DatasetsService,
    private readonly metrics: SnapshotsMetrics,
    @Inject(REGISTRY) private readonly registry: RegistryAdapter,
    @Inject(SERVICE_CONFIG) config: ConfigOf<IngestionSettings>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.leaseMs = config.leaseSeconds * 1000;
  }

  /**
   * Builds a snapshot of everything accepted so far; with nothing new it answers the latest one. Builds
   * of one dataset queue behind each other in this process, so a request made during a build still
   * covers every record accepted before it.
   */
  createSnapshot(name: string): Promise<SnapshotRow> {
    const before = this.running.get(name);
    const p: Promise<SnapshotRow> = (before ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.build(name))
      .finally(() => {
        if (this.running.get(name) === p) this.running.delete(name);
      });
    this.running.set(name, p);
    return p;
  }

  isBuilding(name: string): boolean {
    return this.running.has(name);
  }

  async getSnapshot(name: string, version: number): Promise<SnapshotRow> {
    await this.datasets.getDataset(name, 'dataset');
    const s = await this.repo.snapshot(name, version);
    if (!s)
      throw new IngestionError(
        IngestionErrorCode.SnapshotNotFound,
        `dataset "${name}" has no snapshot ${version > 0 ? `version ${version}` : 'yet'}`,
        version > 0 ? 'version' : 'dataset',
      );
    return s;
  }

  async listSnapshots(name: string): Promise<SnapshotRow[]> {
    await this.datasets.getDataset(name, 'dataset');
    return this.repo.snapshots(name);
  }

  latest(name: string): Promise<SnapshotRow | null> {
    return this.repo.snapshot(name, 0);
  }

  private async build(name: string): Promise<SnapshotRow> {
    const dataset = await this.datasets.getDataset(name, 'dataset');
    // Another replica's build, or the lease of a replica that died mid-build: wait until it is released
    // or expires (a live builder keeps renewing it) rather than failing the caller at once.
    const deadline = Date.now() + this.leaseMs + 2000;
    while (!(await this.repo.acquireLease(name, this.holder, this.leaseMs))) {
      if (Date.now() > deadline)
        throw new IngestionError(
          IngestionErrorCode.SnapshotBusy,
          `another ingestion replica is building a snapshot of "${name}"; try again shortly`,
          'dataset',
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    const renew = setInterval(
      () => void this.repo.acquireLease(name, this.holder, this.leaseMs).catch(() => undefined),
      Math.max(1000, Math.floor(this.leaseMs / 3)),
    );
    renew.unref();
    const end = this.metrics.duration.startTimer({ dataset: name });
    try {
      // The batches staged since the last snapshot (their trace contexts wait in ingest_staged_traces).
      const batches = await this.staging.stagedTraces(name, MAX_STORED_LINKS);
      return await withSpan(
        `snapshot ${name}`,
        async (span) => {
          const s = await this.buildLeased(dataset);
          span.setAttributes({
            'keel.dataset': name,
            'keel.snapshot.version': s.version,
            'keel.snapshot.rows': s.rows,
            'keel.snapshot.batches': batches.count,
          });
          if (batches.lastId !== null) await this.staging.dropTraces(name, batches.lastId);
          return s;
        },
        { links: linksTo(batches.traceparents, MAX_STORED_LINKS, { 'keel.link': 'record batch' }) },
      );
    } finally {
      clearInterval(renew);
      end();
      await this.repo.releaseLease(name, this.holder).catch(() => undefined);
    }
  }

  private async buildLeased(dataset: Dataset): Promise<SnapshotRow> {
    let last = await this.repo.lastPart(dataset.name);
    for (;;) {
      const staged = await this.staging.staged(dataset.name, PART_ROWS);
      if (staged.length === 0) break;
      last = await this.writePart(dataset, last, staged);
    }
    const latest = await this.repo.snapshot(dataset.name, 0);
    if (!last)
      throw new IngestionError(
        IngestionErrorCode.NothingToSnapshot,
        `dataset "${dataset.name}" has no records yet`,
        'dataset',
      );
    const parts = await this.repo.parts(dataset.name);
    const manifest = this.manifest(dataset, parts);
    const policy = { records: dataset.policy.windowRecords, seconds: dataset.policy.windowSeconds };
    if (isWindowed(policy)) {
      // Nothing new since the latest window (same lineage; also after a build that died before publishing).
      const covered = latest && (JSON.parse(latest.manifest) as SnapshotManifest).offsets;
      const same = JSON.stringify(covered) === JSON.stringify(manifest.offsets);
      if (latest && same && latest.schemaVersion === dataset.schemaVersion) return latest;
      const window = await this.windowOf(dataset, parts, policy);
      return this.publish(dataset, window.manifest, window.profile);
    }
    if (latest && latest.rows === manifest.rows && latest.schemaVersion === dataset.schemaVersion) return latest;
    return this.publish(dataset, manifest, last.profile);
  }

  /**
   * A rolling window: parts are read back newest first until the window is complete (enough records, or
   * a part with no record inside the time window), and the window's rows become one new Parquet part with
   * its own profile. Costs O(window), not O(dataset); the lineage still names every offset covered.
   */
  private async windowOf(
    dataset: Dataset,
    parts: Omit<PartRow, 'profile'>[],
    policy: { records: number; seconds: number },
  ): Promise<{ manifest: SnapshotManifest; profile: string }> {
    const columns = dataset.schema.columns.map((c) => c.name);
    const p = { ...policy, eventTimeIndex: columns.indexOf(dataset.schema.eventTime ?? '') };
    let rows: CellValue[][] = [];
    let newest: number | null = null;
    for (let i = parts.length - 1; i >= 0; i--) {
      const read = await readParquet(dataset.schema, await this.registry.download(parts[i]!.sha256));
      if (p.seconds > 0) {
        const top = newestEventTime(read, p.eventTimeIndex);
        if (top !== null && (newest === null || top > newest)) newest = top;
        const inside = windowRows(read, { ...p, records: 0 }, newest);
        if (inside.length === 0 && rows.length > 0) break;
      }
      rows = [...read, ...rows];
      if (p.records > 0 && windowRows(rows, p, newest).length >= p.records) break;
    }
    rows = windowRows(rows, p, newest);
    const profile = new ProfileBuilder(dataset.schema);
    for (const r of rows) profile.add(r);
    const stored = await this.registry.upload(await writeParquet(dataset.schema, rows));
    const full = this.manifest(dataset, parts);
    const times =
      p.eventTimeIndex >= 0 ? rows.map((r) => r[p.eventTimeIndex]).filter((t) => typeof t === 'number') : [];
    return {
      manifest: {
        ...full,
        rows: rows.length,
        parts: [{ sha256: stored.sha256, rows: rows.length, uri: stored.uri }],
        window: times.length
          ? { fromMs: Math.min(...(times as number[])), toMs: Math.max(...(times as number[])) }
          : full.window,
      },
      profile: JSON.stringify(profile.toJSON()),
    };
  }

  private async writePart(dataset: Dataset, previous: PartRow | null, staged: StagedChunk[]): Promise<PartRow> {
    const rows = currentRows(dataset, staged);
    const profile = new ProfileBuilder(dataset.schema);
    if (previous) profile.mergeJson(JSON.parse(previous.profile) as Parameters<ProfileBuilder['mergeJson']>[0]);
    for (const r of rows) profile.add(r);
    const bytes = await writeParquet(dataset.schema, rows);
    const stored = await this.registry.upload(bytes);
    this.metrics.partBytes.observe({ dataset: dataset.name }, bytes.length);
    const offsets: Record<string, string> = {};
    for (const s of staged) {
      const prev = offsets[s.partition];
      if (prev === undefined || BigInt(s.lastOffset) > BigInt(prev)) offsets[s.partition] = s.lastOffset;
    }
    const part: PartRow = {
      dataset: dataset.name,
      seq: (previous?.seq ?? 0) + 1,
      sha256: stored.sha256,
      rows: rows.length,
      uri: stored.uri,
      profile: JSON.stringify(profile.toJSON()),
      offsets,
      lastStagedId: staged[staged.length - 1]!.id,
      windowFrom: Math.min(previous?.windowFrom ?? Infinity, staged[0]!.receivedAt),
      windowTo: Math.max(previous?.windowTo ?? 0, staged[staged.length - 1]!.receivedAt),
      createdAt: Date.now(),
    };
    await writeTransaction(this.repo.dataSource, async (m) => {
      await this.repo.insertPart(m, part);
      await this.staging.unstage(
        m,
        dataset.name,
        staged.map((r) => r.id),
      );
    });
    return part;
  }

  private manifest(dataset: Dataset, parts: Omit<PartRow, 'profile'>[]): SnapshotManifest {
    const offsets = new Map<number, bigint>();
    for (const p of parts)
      for (const [partition, offset] of Object.entries(p.offsets)) {
        const o = BigInt(offset);
        if ((offsets.get(Number(partition)) ?? -1n) < o) offsets.set(Number(partition), o);
      }
    return {
      format: SNAPSHOT_MANIFEST_FORMAT,
      dataset: dataset.name,
      schemaVersion: dataset.schemaVersion,
      schema: dataset.schema,
      rows: parts.reduce((n, p) => n + p.rows, 0),
      parts: parts.map((p) => ({ sha256: p.sha256, rows: p.rows, uri: p.uri })),
      offsets: [...offsets.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([partition, offset]) => ({ partition, offset: offset.toString() })),
      window: { fromMs: parts[0]!.windowFrom, toMs: parts[parts.length - 1]!.windowTo },
    };
  }

  private async publish(dataset: Dataset, manifest: SnapshotManifest, partProfile: string): Promise<SnapshotRow> {
    const stored = await this.registry.upload(manifestBytes(manifest));
    const builder = new ProfileBuilder(dataset.schema);
    builder.mergeJson(JSON.parse(partProfile) as Parameters<ProfileBuilder['mergeJson']>[0]);
    const reference = builder.reference();
    const ref = await this.registry.upload(Buffer.from(JSON.stringify(reference.toJSON()), 'utf8'));
    const profile = {
      columns: builder.summaries(reference),
      reference: { sha256: ref.sha256, uri: ref.uri, format: REFERENCE_PROFILE_FORMAT },
    };
    const profileJson = JSON.stringify(profile);
    await this.registry.ensureDataset(
      dataset.name,
      dataset.schema.columns,
      dataset.schema.entityKey ?? '',
      dataset.schema.target,
    );
    const version = await this.registry.register({
      dataset: dataset.name,
      sha256: stored.sha256,
      rows: manifest.rows,
      columns: dataset.schema.columns,
      profileJson,
      artifactUri: stored.uri,
      windowFromMs: manifest.window.fromMs,
      windowToMs: manifest.window.toMs,
    });
    const row: SnapshotRow = {
      dataset: dataset.name,
      version,
      sha256: stored.sha256,
      rows: manifest.rows,
      schemaVersion: dataset.schemaVersion,
      artifactUri: stored.uri,
      manifest: JSON.stringify(manifest),
      profile: profileJson,
      windowFrom: manifest.window.fromMs,
      windowTo: manifest.window.toMs,
      createdAt: Date.now(),
    };
    await writeTransaction(this.repo.dataSource, async (m) => {
      if (!(await this.repo.snapshot(dataset.name, version))) await this.repo.insertSnapshot(m, row);
      await this.datasets.setLatestVersion(m, dataset.name, version);
    });
    this.metrics.rows.set({ dataset: dataset.name }, manifest.rows);
    this.logger.info(
      { dataset: dataset.name, version, rows: manifest.rows, sha256: stored.sha256 },
      'snapshot registered',
    );
    return row;
  }
}
