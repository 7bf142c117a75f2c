import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { waitFor } from '@keel/testing';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

// Shared helpers for the broker's integration tests: real kafkajs clients against a real broker.
export function kafkaFor(brokers: string[], clientId = 'broker-it'): Kafka {
  return new Kafka({
    brokers,
    clientId,
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

export interface Collected {
  readonly seen: Map<string, number>; // value -> times consumed
  readonly byPartition: Map<number, string[]>;
  total(): number;
}

export function collector(): Collected & { onMessage: (p: EachMessagePayload) => Promise<void> } {
  const seen = new Map<string, number>();
  const byPartition = new Map<number, string[]>();
  let total = 0;
  return {
    seen,
    byPartition,
    total: () => total,
    onMessage: async ({ message, partition }) => {
      const v = message.value?.toString() ?? '';
      seen.set(v, (seen.get(v) ?? 0) + 1);
      const list = byPartition.get(partition) ?? [];
      list.push(v);
      byPartition.set(partition, list);
      total++;
    },
  };
}

export async function waitForCount(c: Collected, n: number, timeoutMs = 20_000): Promise<void> {
  await waitFor(() => c.total() >= n, { timeoutMs, what: `${n} messages (have ${c.total()})` });
}

export async function stopAll(consumers: Consumer[]): Promise<void> {
  await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
}
