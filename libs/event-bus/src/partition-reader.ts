// Reads one partition's range of offsets again, outside any consumer group's committed position: how a
// service rebuilds in-memory state (e.g. a monitoring window) from events its group already committed.
// A throwaway group that never commits; invalid records are skipped (they were dead-lettered when first
// consumed). A broker that does not hand the range over within the deadline is an outage: the read
// throws a timeout (code ETIMEDOUT) that the consumer loop classifies as infrastructure and waits out.
import type { EventType } from '@keel/contracts';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { prepareMessage } from './prepare-message';
import type { ConsumedEvent } from './types';

export interface PartitionRange {
  partition: number;
  /** First offset read (inclusive). */
  from: number;
  /** Offset the read stops before (exclusive). */
  to: number;
  /** Gives up after this long (default 30 s). */
  timeoutMs?: number;
}

export async function readPartitionRange<T extends EventType>(
  kafka: Kafka,
  type: T,
  topic: string,
  range: PartitionRange,
  onEvent: (event: ConsumedEvent<T>) => void | Promise<void>,
): Promise<number> {
  const { partition, from, to } = range;
  if (to <= from) return 0;
  const consumer = kafka.consumer({
    groupId: `keel-replay-${randomUUID()}`,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    retry: { retries: 5 },
  });
  let read = 0;
  let failed: unknown;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition) return;
        try {
          for (const m of batch.messages) {
            const offset = Number(m.offset);
            if (offset < from) continue;
            if (offset >= to) return finish();
            const prepared = prepareMessage(type, batch.topic, batch.partition, m);
            if (prepared.kind === 'ok') await onEvent(prepared.event);
            read++;
            if (offset === to - 1) return finish();
          }
        } catch (err) {
          failed = err;
          finish();
        }
      },
    });
    consumer.seek({ topic, partition, offset: String(from) });
    const timeoutMs = range.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (failed) throw failed;
    if (timedOut)
      throw new PartitionReadTimeout(`reading ${topic}[${partition}] offsets ${from}..${to - 1}`, timeoutMs);
    return read;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

/** The range did not arrive in time: the broker is down or busy (classified as infrastructure). */
export class PartitionReadTimeout extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(what: string, timeoutMs: number) {
    super(`${what} timed out after ${timeoutMs} ms`);
    this.name = 'PartitionReadTimeout';
  }
}
