import { EVENT_EXAMPLES } from '@keel/contracts';
import { DLQ_HEADERS } from './dead-letter';
import { PermanentEventError } from './errors';
import { embeddedBrokerBus } from './testing/embedded-broker-bus';
import { eventually, produceRaw, rawKafka, readTopic, topicSize, uniqueName } from './testing/kafka-test-kit';

const fastRetry = { attempts: 4, initialDelayMs: 20, maxDelayMs: 100, multiplier: 2, jitter: 0 };

describe('delivery: retries and dead-letter against the embedded broker', () => {
  const spec = embeddedBrokerBus('delivery');

  const newDataset = () => uniqueName('d').replace(/-/g, '_');

  it('should process a message once and dead-letter nothing when the handler throws three times then succeeds', async () => {
    const dataset = newDataset();
    let calls = 0;
    const attempts: number[] = [];
    const succeeded: unknown[] = [];
    spec.subs.push(
      await spec.bus.subscribe(
        'keel.ingest.record',
        async (e) => {
          calls++;
          attempts.push(e.attempt);
          if (calls <= 3) throw new Error(`transient ${calls}`);
          succeeded.push(e.data);
        },
        { group: uniqueName('g'), dataset, retry: fastRetry },
      ),
    );
    await spec.bus.publish('keel.ingest.record', { n: 1 }, { key: 'a', dataset });
    await eventually(() => succeeded.length === 1, 'the fourth attempt');
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(succeeded).toEqual([{ n: 1 }]);
    expect(await topicSize(spec.broker.brokers, `keel.ingest.${dataset}.dlq`)).toBe(0);
  });

  it('should dead-letter the original bytes with every keel header and go on with later messages when the handler always throws', async () => {
    const dataset = newDataset();
    const topic = `keel.ingest.${dataset}`;
    const handled: number[] = [];
    let poisonCalls = 0;
    spec.subs.push(
      await spec.bus.subscribe(
        'keel.ingest.record',
        async (e) => {
          if (e.data['poison']) {
            poisonCalls++;
            throw new Error('cannot handle this one');
          }
          handled.push(e.data['n'] as number);
        },
        { group: uniqueName('g'), dataset, retry: fastRetry },
      ),
    );
    await spec.bus.publish('keel.ingest.record', { n: 1 }, { key: 'k', dataset });
    await spec.bus.publish('keel.ingest.record', { poison: true }, { key: 'k', dataset, subject: 'bad' });
    await spec.bus.publish('keel.ingest.record', { n: 2 }, { key: 'k', dataset });
    await eventually(() => handled.length === 2, 'the messages after the poison one');
    expect(handled).toEqual([1, 2]);
    expect(poisonCalls).toBe(4);
    const [source] = (await readTopic(spec.broker.brokers, topic, 3)).filter((r) => r.value?.includes('poison'));
    const [dead] = await readTopic(spec.broker.brokers, `${topic}.dlq`, 1);
    expect(dead!.value).toBe(source!.value);
    expect(dead!.key).toBe('k');
    expect(dead!.headers).toMatchObject({ ...source!.headers });
    expect(dead!.headers).toMatchObject({
      [DLQ_HEADERS.code]: 'HANDLER_FAILED',
      [DLQ_HEADERS.message]: 'cannot handle this one',
      [DLQ_HEADERS.topic]: topic,
      [DLQ_HEADERS.partition]: String(source!.partition),
      [DLQ_HEADERS.offset]: source!.offset,
      [DLQ_HEADERS.attempts]: '4',
    });
    expect(Date.now() - Date.parse(dead!.headers[DLQ_HEADERS.failedAt]!)).toBeLessThan(60_000);
  });

  it('should dead-letter at once without calling the handler when the payload or envelope is invalid', async () => {
    const dataset = newDataset();
    const topic = `keel.ingest.${dataset}`;
    const handled: unknown[] = [];
    spec.subs.push(
      await spec.bus.subscribe('keel.ingest.record', async (e) => void handled.push(e.data), {
        group: uniqueName('g'),
        dataset,
        retry: fastRetry,
      }),
    );
    await produceRaw(spec.broker.brokers, topic, [
      { key: 'a', value: '[1,2,3]', headers: { x_tag: ['one', 'two'] } },
      { key: 'b', value: 'not json' },
      { key: 'c', value: '{"ok":1}', headers: { ce_id: 'x1', ce_type: 'keel.ingest.record', ce_source: 'kcat' } },
      { key: 'd', value: '{"ok":2}' },
    ]);
    await eventually(() => handled.length === 1, 'the valid record');
    expect(handled).toEqual([{ ok: 2 }]);
    const dead = await readTopic(spec.broker.brokers, `${topic}.dlq`, 3);
    expect(dead.map((d) => [d.key, d.headers[DLQ_HEADERS.code], d.headers[DLQ_HEADERS.attempts]])).toEqual([
      ['a', 'INVALID_PAYLOAD', '0'],
      ['b', 'INVALID_JSON', '0'],
      ['c', 'INVALID_ENVELOPE', '0'],
    ]);
    expect(dead[2]!.headers[DLQ_HEADERS.message]).toContain('ce_specversion');
    // A repeated header keeps every value on the dead-letter copy.
    expect(dead[0]!.headerLists['x_tag']).toEqual(['one', 'two']);
  });

  it('should dead-letter a message of another type at once when it arrives on a typed topic', async () => {
    const handled: unknown[] = [];
    spec.subs.push(
      await spec.bus.subscribe('keel.feedback', async (e) => void handled.push(e.data), {
        group: uniqueName('g'),
        retry: fastRetry,
      }),
    );
    await produceRaw(spec.broker.brokers, 'keel.feedback', [
      {
        key: 'x',
        value: JSON.stringify(EVENT_EXAMPLES['keel.feedback']),
        headers: { ce_specversion: '1.0', ce_id: 'f-1', ce_type: 'keel.model.promoted', ce_source: 'elsewhere' },
      },
    ]);
    await spec.bus.publish('keel.feedback', EVENT_EXAMPLES['keel.feedback'], { key: 'y' });
    await eventually(() => handled.length === 1, 'the good feedback');
    const [dead] = await readTopic(spec.broker.brokers, 'keel.feedback.dlq', 1);
    expect(dead!.headers).toMatchObject({ [DLQ_HEADERS.code]: 'UNEXPECTED_TYPE', ce_id: 'f-1' });
  });

  it('should dead-letter after one attempt when the handler throws a PermanentEventError', async () => {
    const dataset = newDataset();
    let calls = 0;
    spec.subs.push(
      await spec.bus.subscribe(
        'keel.ingest.record',
        async () => {
          calls++;
          throw new PermanentEventError('unknown dataset schema');
        },
        { group: uniqueName('g'), dataset, retry: fastRetry },
      ),
    );
    await spec.bus.publish('keel.ingest.record', { n: 1 }, { key: 'a', dataset });
    const [dead] = await readTopic(spec.broker.brokers, `keel.ingest.${dataset}.dlq`, 1);
    expect(dead!.headers).toMatchObject({ [DLQ_HEADERS.code]: 'HANDLER_REJECTED', [DLQ_HEADERS.attempts]: '1' });
    expect(calls).toBe(1);
    expect(await spec.registry.metrics()).toMatch(
      /keel_events_dead_lettered_total\{topic="keel.ingest.d_[0-9a-f]+",group="g-[0-9a-f]+",code="HANDLER_REJECTED"\} 1/,
    );
  });

  it('should finish the in-flight handler and commit its offset when the subscription closes mid-handler', async () => {
    const dataset = newDataset();
    const group = uniqueName('g');
    const handled: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered = false;
    const first = await spec.bus.subscribe(
      'keel.ingest.record',
      async (e) => {
        entered = true;
        await gate;
        handled.push(e.data['n'] as number);
      },
      { group, dataset },
    );
    await spec.bus.publish('keel.ingest.record', { n: 1 }, { key: 'a', dataset });
    await eventually(() => entered, 'the handler to start');
    const closed = first.close();
    let closedEarly = false;
    void closed.then(() => (closedEarly = handled.length === 0));
    setTimeout(release, 300);
    await closed;
    expect(closedEarly).toBe(false);
    expect(handled).toEqual([1]);

    // The same group resumes after the committed offset: the finished message is not delivered again.
    await spec.bus.publish('keel.ingest.record', { n: 2 }, { key: 'a', dataset });
    const again: number[] = [];
    spec.subs.push(
      await spec.bus.subscribe('keel.ingest.record', async (e) => void again.push(e.data['n'] as number), {
        group,
        dataset,
      }),
    );
    await eventually(() => again.length === 1, 'the next message');
    expect(again).toEqual([2]);
  });

  it('should commit progress while slow handlers work through a large batch', async () => {
    const dataset = newDataset();
    const group = uniqueName('g');
    const handled: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, (_, n) => spec.bus.publish('keel.ingest.record', { n }, { key: 'k', dataset })),
    );
    spec.subs.push(
      await spec.bus.subscribe(
        'keel.ingest.record',
        async (e) => {
          await new Promise((r) => setTimeout(r, 60));
          handled.push(e.data['n'] as number);
        },
        { group, dataset },
      ),
    );
    const admin = rawKafka(spec.broker.brokers).admin();
    await admin.connect();
    try {
      // All 40 arrive in one batch; a committed offset before the last handler ran shows the chunk yielded.
      const committedEarly = async () => {
        const [t] = await admin.fetchOffsets({ groupId: group, topics: [`keel.ingest.${dataset}`] });
        return Number(t!.partitions[0]!.offset) > 0 && handled.length < 40;
      };
      await eventually(committedEarly, 'a commit before the batch is done', 10_000);
      await eventually(() => handled.length === 40, 'all slow events');
      expect(handled).toEqual(Array.from({ length: 40 }, (_, n) => n));
    } finally {
      await admin.disconnect();
    }
  });
});
