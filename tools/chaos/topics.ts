// Reads a whole topic from outside with a throw-away consumer group: every record up to the high
// watermarks of the moment, with its CloudEvents id (ce_id) and parsed JSON body.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  ceId: string | null;
  value: Record<string, unknown>;
}

export async function readTopic(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return [];
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  const out: TopicRecord[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `keel-chaos-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const high = ends.get(batch.partition) ?? 0n;
        for (const m of batch.messages) {
          if (BigInt(m.offset) >= high) break;
          const ce = m.headers?.['ce_id'];
          out.push({
            partition: batch.partition,
            offset: m.offset,
            key: m.key?.toString() ?? null,
            ceId: ce === undefined ? null : (Array.isArray(ce) ? ce[0]! : ce).toString(),
            value: m.value ? (JSON.parse(m.value.toString()) as Record<string, unknown>) : {},
          });
          if (BigInt(m.offset) + 1n >= high) remaining.delete(batch.partition);
        }
        if (remaining.size === 0) done();
      },
    });
    await Promise.race([
      finished,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`reading ${topic} took more than ${timeoutMs / 1000} s`)), timeoutMs),
      ),
    ]);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return out;
}

/** Groups items by a key and counts the distinct ids in each group beyond the first (duplicated effects). */
export function extraPerKey<T>(items: T[], key: (t: T) => string | null, id: (t: T) => string): number {
  const groups = new Map<string, Set<string>>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    let ids = groups.get(k);
    if (!ids) groups.set(k, (ids = new Set()));
    ids.add(id(item));
  }
  return [...groups.values()].reduce((sum, ids) => sum + ids.size - 1, 0);
}
