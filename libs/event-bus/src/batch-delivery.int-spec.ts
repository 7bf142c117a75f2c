import { DLQ_HEADERS } from './dead-letter';
import { embeddedBrokerBus } from './testing/embedded-broker-bus';
import { eventually, produceRaw, readTopic, topicSize, uniqueName } from './testing/kafka-test-kit';
import type { ConsumedEvent } from './types';

const fastRetry = { attempts: 3, initialDelayMs: 20, maxDelayMs: 100, multiplier: 2, jitter: 0 };
type Records = ConsumedEvent<'keel.ingest.record'>[];

// subscribeBatch: chunks in one handler call, with the per-event semantics (dead-letters, retries, outage
// waits) of subscribe when a chunk fails.
describe('batch handlers against the embedded broker', () => {
  const spec = embeddedBrokerBus('batch');

  const newDataset = () => uniqueName('d').replace(/-/g, '_');
  const values = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => ({ key: 'k', value: JSON.stringify({ n: from + i }) }));
  const ns = (events: Records) => events.map((e) => e.data['n'] as number);

  it('should hand chunks of valid events in log order and dead-letter an invalid record between them', async () => {
    const dataset = newDataset();
    const topic = `keel.ingest.${dataset}`;
    const calls: number[][] = [];
    // Produced before subscribing, so the records arrive in one fetch.
    await produceRaw(spec.broker.brokers, topic, [
      ...values(0, 30),
      { key: 'k', value: 'not json' },
      ...values(30, 60),
    ]);
    spec.subs.push(
      await spec.bus.subscribeBatch('keel.ingest.record', async (events) => void calls.push(ns(events)), {
        group: uniqueName('g'),
        dataset,
        chunkSize: 25,
        retry: fastRetry,
      }),
    );
    await eventually(() => calls.flat().length === 60, 'the 60 valid records');
    expect(calls.flat()).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(Math.max(...calls.map((c) => c.length))).toBe(25);
    // A chunk stops before the invalid record: it never joins a chunk.
    expect(calls.some((c) => c[c.length - 1] === 29)).toBe(true);
    const [dead] = await readTopic(spec.broker.brokers, `${topic}.dlq`, 1);
    expect(dead!.value).toBe('not json');
    expect(dead!.headers[DLQ_HEADERS.code]).toBe('INVALID_JSON');
  });

  it('should dead-letter only the event the handler rejects and handle the others of its chunk one at a time', async () => {
    const dataset = newDataset();
    const topic = `keel.ingest.${dataset}`;
    const handled: number[] = [];
    const sizes: number[] = [];
    await produceRaw(spec.broker.brokers, topic, [
      ...values(0, 10),
      { key: 'k', value: JSON.stringify({ poison: true }) },
      ...values(10, 20),
    ]);
    spec.subs.push(
      await spec.bus.subscribeBatch(
        'keel.ingest.record',
        async (events) => {
          sizes.push(events.length);
          if (events.some((e) => e.data['poison'])) throw new Error('cannot handle this one');
          handled.push(...ns(events));
        },
        { group: uniqueName('g'), dataset, chunkSize: 50, retry: fastRetry },
      ),
    );
    await eventually(() => new Set(handled).size === 20, 'the 20 good records');
    // Nothing was handled before the chunk failed; then each once, in order.
    expect(handled).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(sizes[0]).toBe(21);
    expect(sizes.slice(1).every((s) => s === 1)).toBe(true);
    const [dead] = await readTopic(spec.broker.brokers, `${topic}.dlq`, 1);
    expect(dead!.value).toBe(JSON.stringify({ poison: true }));
    expect(dead!.headers).toMatchObject({
      [DLQ_HEADERS.code]: 'HANDLER_FAILED',
      [DLQ_HEADERS.message]: 'cannot handle this one',
      [DLQ_HEADERS.attempts]: String(fastRetry.attempts),
    });
  });

  it('should wait out an outage a chunk ran into, report it, and then handle every event without dead-letters', async () => {
    const dataset = newDataset();
    const topic = `keel.ingest.${dataset}`;
    const handled: number[] = [];
    let down = true;
    let failures = 0;
    await produceRaw(spec.broker.brokers, topic, values(0, 40));
    spec.subs.push(
      await spec.bus.subscribeBatch(
        'keel.ingest.record',
        async (events) => {
          if (down) {
            failures++;
            throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          }
          handled.push(...ns(events));
        },
        { group: uniqueName('g'), dataset, chunkSize: 100, retry: fastRetry },
      ),
    );
    await eventually(() => spec.bus.pausedPartitions().length === 1, 'the paused partition');
    await eventually(() => failures > fastRetry.attempts, 'retries past the attempts of the policy');
    expect(handled).toEqual([]);
    down = false;
    await eventually(() => handled.length === 40, 'the 40 records after the outage');
    expect(handled).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await eventually(() => spec.bus.pausedPartitions().length === 0, 'the partition to resume');
    expect(await topicSize(spec.broker.brokers, `${topic}.dlq`)).toBe(0);
  });
});
