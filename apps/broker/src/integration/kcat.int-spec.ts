import type { Admin } from 'kafkajs';
import { startBroker, waitFor, type TestBroker } from '@keel/testing';
import { collector, kafkaFor, waitForCount } from './kafka-clients';
import { runTool } from './run-tool';

// librdkafka through Debian's kcat (apt-get install -y kcat).
describe('broker with kcat (librdkafka)', () => {
  let broker: TestBroker;
  let admin: Admin;
  let bootstrap: string;

  beforeAll(async () => {
    broker = await startBroker();
    bootstrap = broker.brokers[0];
    admin = kafkaFor(broker.brokers).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  it('should consume exactly the 10,000 produced lines when kcat reads in group mode', async () => {
    await admin.createTopics({ topics: [{ topic: 'kcat-lines', numPartitions: 3 }] });
    const lines = Array.from({ length: 10_000 }, (_, i) => `line-${i}`);
    const produced = await runTool('kcat', ['-P', '-b', bootstrap, '-t', 'kcat-lines', '-X', 'acks=all'], {
      input: `${lines.join('\n')}\n`,
    });
    expect(produced.code).toBe(0);
    const consumed = await runTool(
      'kcat',
      ['-b', bootstrap, '-G', 'kcat-group', 'kcat-lines', '-e', '-X', 'auto.offset.reset=earliest', '-X', 'debug=cgrp'],
      { timeoutMs: 45_000 },
    );
    expect(consumed.code).toBe(0);
    const got = consumed.stdout.split('\n').filter(Boolean);
    expect(got.length).toBe(10_000);
    expect(new Set(got)).toEqual(new Set(lines));
    let last = -1;
    const committed = async (): Promise<boolean> => {
      const [offsets] = await admin.fetchOffsets({ groupId: 'kcat-group', topics: ['kcat-lines'] });
      // A partition the sticky partitioner never used has no commit (-1).
      last = offsets.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      return last === 10_000;
    };
    try {
      await waitFor(committed, { timeoutMs: 10_000, what: 'kcat commit of 10,000' });
    } catch (e) {
      const commits = consumed.stderr
        .split('\n')
        .filter((l) => /COMMIT|OFFSET|EOF|exiting|JOIN|SYNC|REBALANCE/i.test(l));
      throw new Error(`${String(e)}; committed ${last}\n${commits.join('\n')}\n${broker.output()}`);
    }
  });

  it('should let kafkajs read what kcat produced and kcat read what kafkajs produced', async () => {
    await runTool('kcat', ['-P', '-b', bootstrap, '-t', 'kcat-to-js', '-K', ':'], {
      input: 'k1:from-kcat-1\nk2:from-kcat-2\n',
    });
    const kafka = kafkaFor(broker.brokers);
    const consumer = kafka.consumer({ groupId: 'kcat-js', maxWaitTimeInMs: 300 });
    const c = collector();
    await consumer.connect();
    await consumer.subscribe({ topic: 'kcat-to-js', fromBeginning: true });
    await consumer.run({ eachMessage: c.onMessage });
    await waitForCount(c, 2);
    await consumer.disconnect();
    expect([...c.seen.keys()].sort()).toEqual(['from-kcat-1', 'from-kcat-2']);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'js-to-kcat',
      acks: -1,
      messages: [{ key: 'a', value: 'from-js-1' }, { value: 'from-js-2' }],
    });
    await producer.disconnect();
    const read = await runTool('kcat', ['-C', '-b', bootstrap, '-t', 'js-to-kcat', '-e', '-q', '-f', '%k=%s\n']);
    expect(read.stdout.split('\n').filter(Boolean)).toEqual(['a=from-js-1', '=from-js-2']);
  });

  it('should pass compressed batches through untouched when kcat uses snappy, lz4 and idempotent zstd', async () => {
    for (const codec of ['snappy', 'lz4', 'zstd']) {
      const topic = `kcat-${codec}`;
      const lines = Array.from({ length: 500 }, (_, i) => `${codec}-${i}-${'z'.repeat(100)}`);
      const p = await runTool(
        'kcat',
        ['-P', '-b', bootstrap, '-t', topic, '-z', codec, '-p', '0', '-X', `enable.idempotence=${codec === 'zstd'}`],
        {
          input: `${lines.join('\n')}\n`,
        },
      );
      expect(p.code).toBe(0);
      const read = await runTool('kcat', ['-C', '-b', bootstrap, '-t', topic, '-e', '-q', '-X', 'check.crcs=true']);
      expect(read.stdout.split('\n').filter(Boolean)).toEqual(lines);
    }
  });

  it('should answer offsets for timestamps record by record, and -1 when no record is that new', async () => {
    await admin.createTopics({ topics: [{ topic: 'kcat-times', numPartitions: 1 }] });
    const producer = kafkaFor(broker.brokers).producer();
    await producer.connect();
    const t0 = 1_700_000_000_000;
    // One batch whose records carry increasing timestamps: the answer is inside the batch.
    await producer.send({
      topic: 'kcat-times',
      messages: Array.from({ length: 5 }, (_, i) => ({ value: `t${i}`, timestamp: String(t0 + i * 1000) })),
    });
    await producer.disconnect();
    const query = async (ts: number): Promise<string> =>
      (await runTool('kcat', ['-Q', '-b', bootstrap, '-t', `kcat-times:0:${ts}`])).stdout.trim();
    expect(await query(t0 + 2500)).toBe('kcat-times [0] offset 3');
    expect(await query(t0)).toBe('kcat-times [0] offset 0');
    expect(await query(t0 + 60_000)).toBe('kcat-times [0] offset -1');
  });
});
