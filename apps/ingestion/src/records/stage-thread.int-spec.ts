// The staging worker on a real worker thread and the service's real SQLite file: what a chunk stages, what
// it leaves to the dead-letter step, and how it refuses to move an offset mark over records never staged.
import type { ingestionV1 } from '@keel/contracts';
import { checkSchema, type DatasetSchema } from '@keel/datasets';
import { rawQuery } from '@keel/persistence';
import { startIngestion, type IngestionHarness } from '../testing/ingestion-harness';
import type { ChunkRejection } from './stage-protocol';
import { StageThread, StageThreadError, type StageRequest } from './stage-thread';

const schema: DatasetSchema = checkSchema({
  columns: [
    { name: 'id', type: 'numeric', required: true },
    { name: 'age', type: 'numeric', required: false, min: 0, max: 120 },
    { name: 'label', type: 'boolean', required: true },
  ],
  target: 'label',
});

const TOPIC = 'keel.ingest.people';
const GROUP = 'stage-thread-test';

describe('the staging worker thread', () => {
  let h: IngestionHarness;
  let thread: StageThread;
  beforeAll(async () => {
    h = await startIngestion('sqlite');
    await h.client.CreateDataset({
      name: 'people',
      columns: [
        { name: 'id', type: 'COLUMN_TYPE_NUMERIC', required: true },
        { name: 'age', type: 'COLUMN_TYPE_NUMERIC', required: false, min: 0, max: 120 },
        { name: 'label', type: 'COLUMN_TYPE_BOOLEAN', required: true },
      ],
      target: 'label',
    });
    thread = new StageThread({
      file: (h.dataSource.options as { database: string }).database,
      busyTimeoutMs: 5000,
      checkpointBytes: 1 << 20,
    });
  }, 120_000);
  afterAll(async () => {
    await thread?.close();
    await h?.stop();
  });

  const request = (partition: number, first: number, values: (string | null)[], expect: bigint | null = null) =>
    ({
      schema,
      schemaVersion: 1,
      columnsJson: JSON.stringify(schema.columns),
      dataset: 'people',
      group: GROUP,
      topic: TOPIC,
      partition,
      expect,
      messages: values.map((v, i) => ({ value: v === null ? null : Buffer.from(v), offset: String(first + i) })),
      maxBytes: 200,
      traceparent: null,
    }) satisfies StageRequest;

  const mark = async (partition: number) =>
    (
      await rawQuery<{ next_offset: number }>(
        h.dataSource,
        'SELECT next_offset FROM ingest_offsets WHERE group_id = ? AND topic = ? AND partition = ?',
        [GROUP, TOPIC, partition],
      )
    )[0]?.next_offset;
  const chunks = async (partition: number) =>
    (
      await rawQuery<{ data: Buffer; rows: number; last_offset: number }>(
        h.dataSource,
        'SELECT data, rows, last_offset FROM ingest_staged_chunks WHERE dataset = ? AND source_partition = ? ORDER BY id',
        ['people', partition],
      )
    ).map((c) => ({ rows: Number(c.rows), lastOffset: Number(c.last_offset), data: c.data.toString('utf8') }));
  const counts = async () => {
    const d = (await h.client.GetDataset({ name: 'people' })) as ingestionV1.Dataset__Output;
    return { accepted: Number(d.accepted), rejected: Number(d.rejected) };
  };

  it('should stage the accepted records as they came and hand the rejected ones to the dead-letter step first', async () => {
    const before = await counts();
    const rejectedSeen: ChunkRejection[] = [];
    const good1 = '{"id":1,"age":30,"label":true}';
    const good2 = '{ "label" : "yes", "id" : "2", "extra": [1, {"x": 2}] }';
    const escaped = '{"id":3,"label":false,"note":"a\\"b"}';
    const result = await thread.stage(
      request(0, 100, [
        good1,
        '{"id":4,"age":121,"label":true}',
        'not json',
        null,
        good2,
        `{"id":5,"label":true,"pad":"${'x'.repeat(200)}"}`,
        '{"age":3,"label":true}',
        escaped,
      ]),
      async (rejects) => void rejectedSeen.push(...rejects),
    );
    expect(rejectedSeen.map((r) => [r.index, r.reason, r.field])).toEqual([
      [1, 'out_of_range', 'age'],
      [2, 'not_json', ''],
      [3, 'not_json', ''],
      [5, 'too_large', ''],
      [6, 'missing_required', 'id'],
    ]);
    expect(result).toEqual({ staged: 3, rejected: 5, unknownFields: 2, skipped: 0 });
    expect(await chunks(0)).toEqual([{ rows: 3, lastOffset: 107, data: `[${good1},${good2},${escaped}]` }]);
    expect(Number(await mark(0))).toBe(108);
    expect(await counts()).toEqual({ accepted: before.accepted + 3, rejected: before.rejected + 5 });
  });

  it('should skip what an earlier delivery staged and stage only the rest', async () => {
    const again = await thread.stage(request(0, 104, ['{"id":9,"label":true}', '{"id":9,"label":true}']), () =>
      Promise.reject(new Error('nothing to dead-letter')),
    );
    expect(again).toEqual({ staged: 0, rejected: 0, unknownFields: 0, skipped: 2 });
    const overlap = await thread.stage(
      request(0, 106, ['{"id":10,"label":true}', '{"id":11,"label":true}', '{"id":12,"label":true}']),
      () => Promise.reject(new Error('nothing to dead-letter')),
    );
    expect(overlap).toEqual({ staged: 1, rejected: 0, unknownFields: 0, skipped: 2 });
    expect((await chunks(0)).at(-1)).toEqual({ rows: 1, lastOffset: 108, data: '[{"id":12,"label":true}]' });
    expect(Number(await mark(0))).toBe(109);
  });

  it('should refuse a chunk whose previous chunk was not staged, and stage nothing of it', async () => {
    // The dead-letter step fails: the chunk is not staged, and the next one (posted behind it) must not
    // move the mark over it.
    const failing = thread.stage(request(1, 0, ['{"id":1,"label":true}', 'broken']), () =>
      Promise.reject(new Error('broker away')),
    );
    const next = thread.stage(request(1, 2, ['{"id":2,"label":true}'], 2n), async () => undefined);
    await expect(failing).rejects.toThrow('dead-lettering the rejected records failed');
    await expect(next).rejects.toMatchObject({ code: 'gap' });
    expect(await mark(1)).toBeUndefined();
    expect(await chunks(1)).toEqual([]);
    // Delivered again from the start, the same records stage once.
    await thread.stage(request(1, 0, ['{"id":1,"label":true}', 'broken']), async () => undefined);
    await thread.stage(request(1, 2, ['{"id":2,"label":true}'], 2n), async () => undefined);
    expect((await chunks(1)).map((c) => c.data)).toEqual(['[{"id":1,"label":true}]', '[{"id":2,"label":true}]']);
    expect(Number(await mark(1))).toBe(3);
  });

  it('should fail the chunks a dying worker held and start a new worker for the next', async () => {
    const big = Array.from({ length: 2000 }, (_, i) => `{"id":${i},"age":${i % 100},"label":true}`);
    const held = [0, 1, 2].map((k) =>
      thread.stage(request(2, k * 2000, big, k === 0 ? null : BigInt(k * 2000)), async () => undefined),
    );
    await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const outcomes = await Promise.allSettled(held);
    const failed = outcomes.filter((o) => o.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect((f as PromiseRejectedResult).reason).toBeInstanceOf(StageThreadError);
    // Whatever committed before the end is consistent with the mark; the rest is delivered again.
    const staged = (await chunks(2)).reduce((n, c) => n + c.rows, 0);
    expect(Number((await mark(2)) ?? 0)).toBe(staged);
    const from = staged;
    const rest = await thread.stage(
      request(
        2,
        from,
        Array.from({ length: 6000 - from }, (_, i) => `{"id":${from + i},"label":true}`),
      ),
      async () => undefined,
    );
    expect(rest.staged).toBe(6000 - from);
    expect(Number(await mark(2))).toBe(6000);
  });
});
