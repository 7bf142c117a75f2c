import { Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation, rawQuery, writeTransaction } from '@keel/persistence';
import { DATA_SOURCE } from '@keel/runtime';
import type { DataSource, EntityManager } from 'typeorm';

/** One immutable Parquet part: the rows staged between two builds, with the profile of every row up to it. */
export interface PartRow {
  dataset: string;
  seq: number;
  sha256: string;
  rows: number;
  uri: string;
  /** Cumulative profile (libs/datasets PartProfileJson) of parts 1..seq. */
  profile: string;
  /** Highest source offset per partition in this part. */
  offsets: Record<string, string>;
  lastStagedId: number;
  windowFrom: number;
  windowTo: number;
  createdAt: number;
}

export interface SnapshotRow {
  dataset: string;
  version: number;
  sha256: string;
  rows: number;
  schemaVersion: number;
  artifactUri: string;
  manifest: string;
  profile: string;
  windowFrom: number;
  windowTo: number;
  createdAt: number;
}

type Sql = Record<string, string | number>;
const n = (v: string | number | undefined) => Number(v ?? 0);

const toPart = (r: Sql): PartRow => ({
  dataset: String(r['dataset']),
  seq: n(r['seq']),
  sha256: String(r['sha256']),
  rows: n(r['rows']),
  uri: String(r['uri']),
  profile: String(r['profile']),
  offsets: JSON.parse(String(r['offsets'])) as Record<string, string>,
  lastStagedId: n(r['last_staged_id']),
  windowFrom: n(r['window_from']),
  windowTo: n(r['window_to']),
  createdAt: n(r['created_at']),
});

const toSnapshot = (r: Sql): SnapshotRow => ({
  dataset: String(r['dataset']),
  version: n(r['version']),
  sha256: String(r['sha256']),
  rows: n(r['rows']),
  schemaVersion: n(r['schema_version']),
  artifactUri: String(r['artifact_uri']),
  manifest: String(r['manifest']),
  profile: String(r['profile']),
  windowFrom: n(r['window_from']),
  windowTo: n(r['window_to']),
  createdAt: n(r['created_at']),
});

/** ingest_parts, ingest_snapshots and ingest_leases. */
@Injectable()
export class SnapshotsRepository {
  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}

  /** Every part's address and size (no profiles: those are read for the last part only). */
  async parts(dataset: string): Promise<Omit<PartRow, 'profile'>[]> {
    const rows = await rawQuery<Sql>(
      this.dataSource,
      'SELECT dataset, seq, sha256, rows, uri, offsets, last_staged_id, window_from, window_to, created_at ' +
        'FROM ingest_parts WHERE dataset = ? ORDER BY seq',
      [dataset],
    );
    return rows.map((r) => toPart({ ...r, profile: '' }));
  }

  async lastPart(dataset: string): Promise<PartRow | null> {
    const rows = await rawQuery<Sql>(
      this.dataSource,
      'SELECT * FROM ingest_parts WHERE dataset = ? ORDER BY seq DESC LIMIT 1',
      [dataset],
    );
    return rows[0] ? toPart(rows[0]) : null;
  }

  async insertPart(manager: EntityManager, p: PartRow): Promise<void> {
    await rawQuery(
      manager,
      'INSERT INTO ingest_parts (dataset, seq, sha256, rows, uri, profile, offsets, last_staged_id, window_from, ' +
        'window_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        p.dataset,
        p.seq,
        p.sha256,
        p.rows,
        p.uri,
        p.profile,
        JSON.stringify(p.offsets),
        p.lastStagedId,
        p.windowFrom,
        p.windowTo,
        p.createdAt,
      ],
    );
  }

  async snapshots(dataset: string): Promise<SnapshotRow[]> {
    const rows = await rawQuery<Sql>(
      this.dataSource,
      'SELECT * FROM ingest_snapshots WHERE dataset = ? ORDER BY version DESC',
      [dataset],
    );
    return rows.map(toSnapshot);
  }

  async snapshot(dataset: string, version: number): Promise<SnapshotRow | null> {
    const rows = await rawQuery<Sql>(
      this.dataSource,
      version > 0
        ? 'SELECT * FROM ingest_snapshots WHERE dataset = ? AND version = ?'
        : 'SELECT * FROM ingest_snapshots WHERE dataset = ? ORDER BY version DESC LIMIT 1',
      version > 0 ? [dataset, version] : [dataset],
    );
    return rows[0] ? toSnapshot(rows[0]) : null;
  }

  async insertSnapshot(manager: EntityManager, s: SnapshotRow): Promise<void> {
    await rawQuery(
      manager,
      'INSERT INTO ingest_snapshots (dataset, version, sha256, rows, schema_version, artifact_uri, manifest, profile, ' +
        'window_from, window_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        s.dataset,
        s.version,
        s.sha256,
        s.rows,
        s.schemaVersion,
        s.artifactUri,
        s.manifest,
        s.profile,
        s.windowFrom,
        s.windowTo,
        s.createdAt,
      ],
    );
  }

  /** Takes (or renews) the dataset's builder lease unless another holder's lease is still running. */
  async acquireLease(dataset: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      await writeTransaction(this.dataSource, (m) =>
        rawQuery(m, 'INSERT INTO ingest_leases (dataset, holder, expires_at) VALUES (?, ?, ?)', [
          dataset,
          holder,
          now + ttlMs,
        ]),
      );
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    await writeTransaction(this.dataSource, (m) =>
      rawQuery(
        m,
        'UPDATE ingest_leases SET holder = ?, expires_at = ? WHERE dataset = ? AND (holder = ? OR expires_at < ?)',
        [holder, now + ttlMs, dataset, holder, now],
      ),
    );
    const rows = await rawQuery<{ holder: string }>(
      this.dataSource,
      'SELECT holder FROM ingest_leases WHERE dataset = ?',
      [dataset],
    );
    return rows[0]?.holder === holder;
  }

  async releaseLease(dataset: string, holder: string): Promise<void> {
    await writeTransaction(this.dataSource, (m) =>
      rawQuery(m, 'DELETE FROM ingest_leases WHERE dataset = ? AND holder = ?', [dataset, holder]),
    );
  }
}
