// keel.ingestion.v1 over gRPC on SQLite and PostgreSQL: dataset errors name their field, schema
// evolution, and the one-builder-per-dataset lease between two connections (two replicas).
import { status } from '@grpc/grpc-js';
import type { ingestionV1 } from '@keel/contracts';
import { openDatabase, rawQuery } from '@keel/persistence';
import { expectGrpcStatus } from '../testing/expect-status';
import { startIngestion, type IngestionHarness } from '../testing/ingestion-harness';
import { RecordsService } from '../records/records.service';
import { SnapshotsRepository } from '../snapshots/snapshots.repository';
import { ingestionMigrations } from '../database';

const columns: ingestionV1.Column[] = [
  { name: 'id', type: 'COLUMN_TYPE_NUMERIC', required: true },
  { name: 'age', type: 'COLUMN_TYPE_NUMERIC', required: false, min: 0, max: 120 },
  { name: 'label', type: 'COLUMN_TYPE_BOOLEAN', required: true },
];

describe.each(['sqlite', 'postgres'] as const)('ingestion DatasetService [%s]', (kind) => {
  let h: IngestionHarness;
  beforeAll(async () => {
    h = await startIngestion(kind);
  }, 120_000);
  afterAll(() => h?.stop());

  it('should create a dataset and read it back when the schema is valid', async () => {
    await h.client.CreateDataset({
      name: 'people',
      columns,
      target: 'label',
      entityKey: 'id',
      policy: { everyRecords: 10 },
    });
    const d = (await h.client.GetDataset({ name: 'people' })) as ingestionV1.Dataset__Output;
    expect(d).toMatchObject({ name: 'people', topic: 'keel.ingest.people', schemaVersion: 1, target: 'label' });
    expect(d.columns[1]).toMatchObject({ name: 'age', type: 'COLUMN_TYPE_NUMERIC', min: 0, max: 120 });
    const list = (await h.client.ListDatasets({ namePrefix: 'peo' })) as ingestionV1.ListDatasetsResponse__Output;
    expect(list.datasets.map((x) => x.name)).toEqual(['people']);
  });

  it('should name the field when a dataset is invalid, exists or is missing', async () => {
    await expectGrpcStatus(
      h.client.CreateDataset({ name: 'Bad Name', columns, target: 'label' }),
      status.INVALID_ARGUMENT,
      'name',
    );
    await expectGrpcStatus(
      h.client.CreateDataset({ name: 'other', columns, target: 'nope' }),
      status.INVALID_ARGUMENT,
      'target',
    );
    await expectGrpcStatus(
      h.client.CreateDataset({ name: 'other', columns: [{ name: 'x', type: 'COLUMN_TYPE_UNSPECIFIED' }], target: 'x' }),
      status.INVALID_ARGUMENT,
      'columns[0].type',
    );
    await expectGrpcStatus(
      h.client.CreateDataset({ name: 'people', columns, target: 'label' }),
      status.ALREADY_EXISTS,
      'name',
    );
    await expectGrpcStatus(h.client.GetDataset({ name: 'ghost' }), status.NOT_FOUND, 'name');
    await expectGrpcStatus(h.client.GetSnapshot({ dataset: 'people' }), status.NOT_FOUND, 'dataset');
    await expectGrpcStatus(
      h.client.CreateSnapshot({ dataset: 'people', wait: true }),
      status.FAILED_PRECONDITION,
      'dataset',
    );
  });

  it('should accept an added optional column and refuse a type change while rows of the old shape are staged', async () => {
    const added = [...columns, { name: 'city', type: 'COLUMN_TYPE_CATEGORICAL' as const, required: false }];
    const v2 = (await h.client.UpdateSchema({ name: 'people', columns: added })) as ingestionV1.Dataset__Output;
    expect(v2.schemaVersion).toBe(2);
    await rawQuery(
      h.dataSource,
      'INSERT INTO ingest_staged_chunks (dataset, schema_version, rows, data, source_partition, last_offset, ' +
        'received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ['people', 2, 1, Buffer.from('[{"id":1,"age":3,"label":true,"city":"x"}]'), 0, 0, Date.now()],
    );
    const retyped = added.map((c) =>
      c.name === 'age' ? { ...c, type: 'COLUMN_TYPE_CATEGORICAL' as const, min: undefined, max: undefined } : c,
    );
    await expectGrpcStatus(
      h.client.UpdateSchema({ name: 'people', columns: retyped }),
      status.FAILED_PRECONDITION,
      'columns',
    );
    const forced = (await h.client.UpdateSchema({
      name: 'people',
      columns: retyped,
      force: true,
    })) as ingestionV1.Dataset__Output;
    expect(forced.schemaVersion).toBe(3);
    expect(Number(forced.staged)).toBe(1);
  });

  it('should answer UNAVAILABLE and keep the staged rows when the registry is down', async () => {
    await expectGrpcStatus(h.client.CreateSnapshot({ dataset: 'people', wait: true }), status.UNAVAILABLE);
    const d = (await h.client.GetDataset({ name: 'people' })) as ingestionV1.Dataset__Output;
    expect(Number(d.staged)).toBe(1);
  });

  it('should let one replica hold the snapshot lease of a dataset at a time', async () => {
    // A second connection to the same database stands for a second replica.
    const other = await openDatabase({
      service: 'ingestion',
      dataDir: h.service.config.dataDir,
      databaseUrl: h.service.config.databaseUrl,
      entities: [],
      migrations: ingestionMigrations,
    });
    try {
      const a = new SnapshotsRepository(h.dataSource);
      const b = new SnapshotsRepository(other);
      // PostgreSQL: truly concurrent; SQLite (one writer per file, a single-replica deployment): in turn.
      const results =
        kind === 'postgres'
          ? await Promise.all([a.acquireLease('people', 'a', 60_000), b.acquireLease('people', 'b', 60_000)])
          : [await a.acquireLease('people', 'a', 60_000), await b.acquireLease('people', 'b', 60_000)];
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? a : b;
      const [winnerName, loser, loserName] = results[0] ? ['a', b, 'b'] : ['b', a, 'a'];
      expect(await loser.acquireLease('people', loserName, 60_000)).toBe(false);
      await winner.releaseLease('people', winnerName);
      expect(await loser.acquireLease('people', loserName, 60_000)).toBe(true);
      // An expired lease is taken over.
      await loser.releaseLease('people', loserName);
      expect(await winner.acquireLease('people', winnerName, -1)).toBe(true);
      expect(await loser.acquireLease('people', loserName, 60_000)).toBe(true);
    } finally {
      await other.destroy();
    }
  });

  it('should stage a record once per (entity key, event time) when the dataset dedupes', async () => {
    await expectGrpcStatus(
      h.client.CreateDataset({ name: 'nodedupe', columns, target: 'label', entityKey: 'id', dedupe: true }),
      status.INVALID_ARGUMENT,
      'dedupe',
    );
    await h.client.CreateDataset({
      name: 'events',
      columns: [...columns, { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP', required: false }],
      target: 'label',
      entityKey: 'id',
      eventTime: 'ts',
      dedupe: true,
    });
    const records = h.service.app.get(RecordsService);
    const msg = (offset: number, id: number, ts: string | null) => ({
      key: null,
      value: Buffer.from(JSON.stringify({ id, label: true, ts })),
      offset: String(offset),
    });
    const t1 = '2026-11-30T01:00:00Z';
    // In one batch: a repeat of the first record is skipped; a record without event time is never deduped.
    await records.handleBatch('keel.ingest.events', 0, [
      msg(0, 1, t1),
      msg(1, 1, t1),
      msg(2, 2, t1),
      msg(3, 3, null),
      msg(4, 3, null),
    ]);
    // Across batches and partitions (same transaction as staging): the key is remembered.
    await records.handleBatch('keel.ingest.events', 1, [msg(0, 1, t1), msg(1, 1, '2026-11-30T02:00:00Z')]);
    const d = (await h.client.GetDataset({ name: 'events' })) as ingestionV1.Dataset__Output;
    expect(d.dedupe).toBe(true);
    expect({ accepted: Number(d.accepted), duplicates: Number(d.duplicates), staged: Number(d.staged) }).toEqual({
      accepted: 5,
      duplicates: 2,
      staged: 5,
    });
  });
});
