import { status } from '@grpc/grpc-js';
import { describeEachRegistry } from '../testing/registry-harness';
import { expectStatus, sha } from '../testing/expect-status';

const columns = [
  { name: 'customer_id', type: 'COLUMN_TYPE_STRING' as const, nullable: false, categories: [] },
  { name: 'tenure', type: 'COLUMN_TYPE_NUMBER' as const, nullable: true, categories: [] },
  { name: 'churn', type: 'COLUMN_TYPE_CATEGORY' as const, nullable: false, categories: ['0', '1'] },
];
const profile = JSON.stringify({
  columns: [
    {
      name: 'tenure',
      count: 10,
      nulls: 1,
      numeric: { min: 0, max: 9, mean: 4.5, std: 2.8, histogram: { edges: [0, 5, 10], counts: [5, 4] } },
    },
  ],
});
const snapshot = (dataset: string, digit: string, rows = 10) => ({
  dataset,
  sha256: sha(digit),
  rows,
  columns: [],
  profileJson: profile,
  artifactUri: `s3://bucket/snapshots/${sha(digit)}`,
  windowFromMs: 1_764_000_000_000,
  windowToMs: 1_764_000_360_000,
});

describeEachRegistry('datasets over gRPC', (h) => {
  it('should create a dataset and read it back when the schema is valid', async () => {
    const created = await h().clients.datasets.CreateDataset({
      name: 'churn',
      description: 'e-commerce churn',
      columns,
      entityKey: 'customer_id',
      target: 'churn',
    });
    expect(created).toMatchObject({ name: 'churn', entityKey: 'customer_id', target: 'churn', latestVersion: 0 });
    const read = await h().clients.datasets.GetDataset({ name: 'churn' });
    expect(read.columns.map((c) => [c.name, c.type, c.categories])).toEqual([
      ['customer_id', 'COLUMN_TYPE_STRING', []],
      ['tenure', 'COLUMN_TYPE_NUMBER', []],
      ['churn', 'COLUMN_TYPE_CATEGORY', ['0', '1']],
    ]);
  });

  it('should answer ALREADY_EXISTS when the dataset name is taken', async () => {
    await expectStatus(h().clients.datasets.CreateDataset({ name: 'churn', columns }), status.ALREADY_EXISTS, 'name');
  });

  it('should answer INVALID_ARGUMENT naming the field when input is bad', async () => {
    await expectStatus(
      h().clients.datasets.CreateDataset({ name: 'Bad Name', columns }),
      status.INVALID_ARGUMENT,
      'name',
    );
    await expectStatus(
      h().clients.datasets.CreateDataset({ name: 'x', columns: [] }),
      status.INVALID_ARGUMENT,
      'columns',
    );
    await expectStatus(
      h().clients.datasets.CreateDataset({ name: 'x', columns, target: 'nope' }),
      status.INVALID_ARGUMENT,
      'target',
    );
    await expectStatus(
      h().clients.datasets.CreateDataset({ name: 'x', columns: [{ name: 'a', type: 'COLUMN_TYPE_UNSPECIFIED' }] }),
      status.INVALID_ARGUMENT,
      'columns[0].type',
    );
    await expectStatus(
      h().clients.datasets.RegisterSnapshot({ ...snapshot('churn', 'a'), sha256: 'xyz' }),
      status.INVALID_ARGUMENT,
      'sha256',
    );
    await expectStatus(
      h().clients.datasets.RegisterSnapshot({ ...snapshot('churn', 'a'), profileJson: '{"columns":[{"name":1}]}' }),
      status.INVALID_ARGUMENT,
      'profile_json',
    );
    await expectStatus(
      h().clients.datasets.RegisterSnapshot({ ...snapshot('churn', 'a'), windowToMs: 1 }),
      status.INVALID_ARGUMENT,
      'window_to_ms',
    );
  });

  it('should number immutable snapshots in order when they are registered', async () => {
    const first = await h().clients.datasets.RegisterSnapshot(snapshot('churn', 'a', 100));
    const second = await h().clients.datasets.RegisterSnapshot(snapshot('churn', 'b', 150));
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(second).toMatchObject({
      dataset: 'churn',
      sha256: sha('b'),
      rows: 150,
      windowFromMs: 1_764_000_000_000,
      windowToMs: 1_764_000_360_000,
    });
    expect(second.columns).toHaveLength(3);
    expect(JSON.parse(second.profileJson)).toEqual(JSON.parse(profile));
    expect((await h().clients.datasets.GetSnapshot({ dataset: 'churn' })).sha256).toBe(sha('b'));
    expect((await h().clients.datasets.GetSnapshot({ dataset: 'churn', version: 1 })).rows).toBe(100);
    expect((await h().clients.datasets.GetSnapshot({ dataset: 'churn', sha256: sha('a') })).version).toBe(1);
    expect((await h().clients.datasets.GetDataset({ name: 'churn' })).latestVersion).toBe(2);
  });

  it('should refuse the same content twice and unknown names when registering snapshots', async () => {
    await expectStatus(h().clients.datasets.RegisterSnapshot(snapshot('churn', 'a')), status.ALREADY_EXISTS, 'sha256');
    await expectStatus(h().clients.datasets.RegisterSnapshot(snapshot('nope', 'c')), status.NOT_FOUND, 'dataset');
    await expectStatus(h().clients.datasets.GetSnapshot({ dataset: 'churn', version: 9 }), status.NOT_FOUND, 'version');
    await expectStatus(h().clients.datasets.GetDataset({ name: 'nope' }), status.NOT_FOUND, 'name');
  });

  it('should page and sort datasets and snapshots when listing', async () => {
    for (const n of ['ds-b', 'ds-a', 'ds-c']) await h().clients.datasets.CreateDataset({ name: n, columns });
    const first = await h().clients.datasets.ListDatasets({ page: { pageSize: 2 }, namePrefix: 'ds-' });
    expect(first.datasets.map((d) => d.name)).toEqual(['ds-a', 'ds-b']);
    const second = await h().clients.datasets.ListDatasets({
      page: { pageSize: 2, pageToken: first.nextPageToken },
      namePrefix: 'ds-',
    });
    expect(second.datasets.map((d) => d.name)).toEqual(['ds-c']);
    expect(second.nextPageToken).toBe('');
    const desc = await h().clients.datasets.ListDatasets({ orderBy: 'name desc', namePrefix: 'ds-' });
    expect(desc.datasets.map((d) => d.name)).toEqual(['ds-c', 'ds-b', 'ds-a']);
    const snaps = await h().clients.datasets.ListSnapshots({ dataset: 'churn' });
    expect(snaps.snapshots.map((s) => s.version)).toEqual([2, 1]);
    const byRows = await h().clients.datasets.ListSnapshots({
      dataset: 'churn',
      orderBy: 'rows asc',
      page: { pageSize: 1 },
    });
    expect(byRows.snapshots.map((s) => s.rows)).toEqual([100]);
    expect(byRows.nextPageToken).not.toBe('');
    await expectStatus(h().clients.datasets.ListDatasets({ orderBy: 'colour' }), status.INVALID_ARGUMENT, 'order_by');
    await expectStatus(
      h().clients.datasets.ListDatasets({ page: { pageToken: 'garbage!' } }),
      status.INVALID_ARGUMENT,
      'page.page_token',
    );
    await expectStatus(
      h().clients.datasets.ListDatasets({ page: { pageSize: 5000 } }),
      status.INVALID_ARGUMENT,
      'page.page_size',
    );
  });
});
