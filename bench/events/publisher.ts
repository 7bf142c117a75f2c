// Child process of bench-events: the producing service. Waits for "go" on stdin, publishes N events
// (through the EventBus, or as raw kafkajs records for the baseline) and reports when it started.
import { EventBus } from '@keel/event-bus';
import { Kafka, logLevel } from 'kafkajs';
import { createInterface } from 'node:readline';

const [mode, brokersJson, topicOrDataset, countText, firstText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const brokers = JSON.parse(brokersJson) as string[];
const N = Number(countText);
// Publishers split the id range so that every event is distinct.
const FIRST = Number(firstText);
const WINDOW = Number(process.env['BENCH_WINDOW'] ?? 5000);
const STEP = Number(process.env['BENCH_STEP'] ?? 500);

const record = (i: number) => ({
  CustomerID: FIRST + i,
  Tenure: 4,
  CityTier: 3,
  Churn: 0,
  PreferredLoginDevice: 'Mobile Phone',
});

async function prepare(): Promise<() => Promise<void>> {
  if (mode === 'bus') {
    const bus = new EventBus({ clientId: 'bench-publisher', brokers, source: 'keel/bench', provisionTopics: false });
    await bus.connect();
    await bus.ensureTopics([`keel.ingest.${topicOrDataset}`]);
    // A sliding window, as a busy service would publish: up to WINDOW events in flight, refilled in steps of STEP.
    return async () => {
      const inFlight: Promise<void>[] = [];
      for (let sent = 0; sent < N; sent += STEP) {
        const step: Promise<void>[] = [];
        for (let i = sent; i < Math.min(N, sent + STEP); i++) {
          step.push(bus.publish('keel.ingest.record', record(i), { key: `c-${i % 1000}`, dataset: topicOrDataset }));
        }
        inFlight.push(Promise.all(step).then(() => undefined));
        if (inFlight.length * STEP >= WINDOW) await inFlight.shift();
      }
      await Promise.all(inFlight);
      await bus.close();
    };
  }
  // Baseline: the same bytes and CloudEvents headers through plain kafkajs, in batches of 1000 (no validation).
  const producer = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  return async () => {
    for (let sent = 0; sent < N; sent += 1000) {
      const messages = Array.from({ length: Math.min(1000, N - sent) }, (_, k) => ({
        key: `c-${(sent + k) % 1000}`,
        value: JSON.stringify(record(sent + k)),
        headers: {
          ce_specversion: '1.0',
          ce_id: `raw-${FIRST + sent + k}`,
          ce_type: 'keel.ingest.record',
          ce_source: 'bench',
          ce_time: new Date().toISOString(),
          'content-type': 'application/json',
        },
      }));
      await producer.send({ topic: topicOrDataset, acks: -1, messages });
    }
    await producer.disconnect();
  };
}

async function main(): Promise<void> {
  const run = await prepare();
  process.stdout.write('READY\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() !== 'go') continue;
    const start = Date.now();
    const cpu = process.cpuUsage();
    await run();
    const used = process.cpuUsage(cpu);
    process.stdout.write(`DONE ${start} ${Date.now()} ${Math.round((used.user + used.system) / 1000)}\n`);
    break;
  }
  lines.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
