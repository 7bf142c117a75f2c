// Helpers for the event bus's own integration tests and bench: read a topic back with a raw kafkajs
// consumer, and produce raw records as an external client would. Not exported from the library.
import { Kafka, logLevel, type IHeaders, type KafkaMessage } from 'kafkajs';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  /** Every value of each header, in order. */
  headerLists: Record<string, string[]>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function rawKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: uniqueName('test'), brokers, logLevel: logLevel.NOTHING });
}

function toRaw(topic: string, partition: number, m: KafkaMessage): RawRecord {
  const headers: Record<string, string> = {};
  const headerLists: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v === undefined) continue;
    headers[k] = String(Array.isArray(v) ? v[0] : v);
    headerLists[k] = (Array.isArray(v) ? v : [v]).map(String);
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key?.toString() ?? null,
    value: m.value?.toString() ?? null,
    headers,
    headerLists,
  };
}

/** Every record of `topic` from the beginning, once at least `count` arrived (or the deadline passes). */
export async function readTopic(
  brokers: string[],
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<RawRecord[]> {
  const consumer = rawKafka(brokers).consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
  const out: RawRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => void out.push(toRaw(t, partition, message)),
    });
    const deadline = Date.now() + timeoutMs;
    while (out.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (out.length < count)
      throw new Error(`read ${out.length} of ${count} records from ${topic} within ${timeoutMs} ms`);
    return out;
  } finally {
    await consumer.disconnect();
  }
}

/** The sum of the partitions' end offsets: how many records a topic holds. */
export async function topicSize(brokers: string[], topic: string): Promise<number> {
  const admin = rawKafka(brokers).admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Produces records the way an external client (kcat, a Java app) would: whatever headers it likes, or none. */
export async function produceRaw(
  brokers: string[],
  topic: string,
  records: { key?: string; value: string; headers?: IHeaders }[],
): Promise<void> {
  const producer = rawKafka(brokers).producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: records });
  } finally {
    await producer.disconnect();
  }
}

/** Polls until `probe` is true; never a bare sleep. */
export async function eventually(
  probe: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Produces lines with Debian's kcat (librdkafka), `key:value` per line; kcat missing fails the test. */
export function produceWithKcat(brokers: string[], topic: string, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-P', '-b', brokers[0]!, '-t', topic, '-K', ':', '-X', 'acks=all'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => reject(new Error(`cannot run kcat (apt-get install -y kcat): ${e.message}`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`kcat exited with ${code}: ${stderr}`));
    });
    child.stdin.end(lines.join('\n') + '\n');
  });
}
