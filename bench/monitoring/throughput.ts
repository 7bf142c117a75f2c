// Logged predictions per second through the monitoring service (its own process: event bus consumer,
// validation, decoding, 20 window accumulators, label join, metrics) against a raw kafkajs consumer that
// only decodes headers and parses the JSON of the same topic, both draining the same backlog.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { monitoringClients } from '@keel/clients';
import { EventBus } from '@keel/event-bus';
import { startBroker, startServiceProcess, waitFor } from '@keel/testing';
import { Kafka, logLevel } from 'kafkajs';
import { benchProfile, loggedBodies, seedBenchModel } from './synthetic-model';

const TOPIC = 'keel.inference.logged';

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

// utime + stime of a /proc stat file, in seconds (clock ticks of 10 ms).
function statSeconds(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU of a whole process (every thread: JavaScript, GC helpers, JIT compilers, libuv). */
const cpuSeconds = (pid: number): number => statSeconds(`/proc/${pid}/stat`);
/** CPU of a process's main thread only (its JavaScript and the GC pauses on it). */
const mainThreadSeconds = (pid: number): number => statSeconds(`/proc/${pid}/task/${pid}/stat`);

export interface ThroughputResult {
  monitoringPerS: number;
  rawPerS: number;
  /** The raw consumer with the service's fetch size (4 MiB per partition instead of kafkajs' 1 MiB). */
  raw4MibFetchPerS: number;
  monitoringCpuUsPerEvent: number;
  /** CPU of the raw consumer's process per message (kafkajs fetch and decode, headers, JSON.parse). */
  rawCpuUsPerEvent: number;
  /** The same two on the main thread only: the rest is GC helper and compiler threads. */
  monitoringMainThreadUsPerEvent: number;
  rawMainThreadUsPerEvent: number;
}

export async function throughput(events: number): Promise<ThroughputResult> {
  const broker = await startBroker();
  const env = { KEEL_KAFKA_BROKERS: broker.brokers.join(','), KEEL_LOG_LEVEL: 'warn' };
  const registry = await startServiceProcess('registry', { env, readyTimeoutMs: 180_000 });
  try {
    await seedBenchModel(registry.grpcAddress, benchProfile(20_000));
    const bus = new EventBus({ clientId: 'bench', brokers: broker.brokers, source: 'keel/inference' });
    await bus.connect();
    await bus.close();
    const kafka = new Kafka({ clientId: 'bench', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const bodies = loggedBodies('bench', events, 1, 2);
    for (let i = 0; i < bodies.length; i += 200) {
      await producer.send({
        topic: TOPIC,
        messages: bodies.slice(i, i + 200).map((value) => ({
          key: 'bench',
          value,
          headers: {
            ce_specversion: '1.0',
            ce_id: randomUUID(),
            ce_type: TOPIC,
            ce_source: 'keel/inference',
            ce_time: new Date().toISOString(),
            'content-type': 'application/json',
          },
        })),
      });
    }
    await producer.disconnect();

    // Baseline: the bare consumer with kafkajs' default fetch size; then the same with the fetch size the
    // service's predictions consumer uses (4 MiB per partition), to show what that setting alone buys.
    const raw = await drainRaw(kafka, 'bench-raw', events, {});
    const rawBig = await drainRaw(kafka, 'bench-raw-4mib', events, {
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxBytes: 16 * 1024 * 1024,
    });

    // Monitoring drains the same backlog from its own consumer group.
    const monitoring = await startServiceProcess('monitoring', {
      readyTimeoutMs: 180_000,
      env: {
        ...env,
        KEEL_REGISTRY_ADDRESS: registry.grpcAddress,
        KEEL_MONITORING_WINDOW_SIZE: '10000',
        ...(process.env['BENCH_PROFILE'] ? { NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile.cjs')}` } : {}),
      },
    });
    const mon = monitoringClients(monitoring.grpcAddress);
    try {
      // GetMonitor: the count of predictions taken into the window (the ops page's /api/overview also
      // calls the registry on every poll, which would cost the service and the registry CPU meanwhile).
      const count = async (): Promise<number> =>
        Number((await mon.monitors.GetMonitor({ model: 'bench' })).predictions);
      let n0 = 0;
      // Each poll costs the service a gRPC call and two small database reads: every 50 ms, not every 20.
      await waitFor(async () => (n0 = await count()) > 0, {
        timeoutMs: 120_000,
        intervalMs: 50,
        what: 'first prediction',
      });
      const t0 = performance.now();
      const cpu0 = cpuSeconds(monitoring.child.pid!);
      const main0 = mainThreadSeconds(monitoring.child.pid!);
      await waitFor(async () => (await count()) >= events, {
        timeoutMs: 600_000,
        intervalMs: 50,
        what: 'all predictions',
      });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(monitoring.child.pid!) - cpu0;
      const main = mainThreadSeconds(monitoring.child.pid!) - main0;
      return {
        monitoringPerS: (events - n0) / seconds,
        rawPerS: raw.perS,
        raw4MibFetchPerS: rawBig.perS,
        monitoringCpuUsPerEvent: (cpu * 1e6) / (events - n0),
        rawCpuUsPerEvent: raw.cpuUsPerEvent,
        monitoringMainThreadUsPerEvent: (main * 1e6) / (events - n0),
        rawMainThreadUsPerEvent: raw.mainThreadUsPerEvent,
      };
    } finally {
      mon.close();
      await monitoring.stop();
    }
  } finally {
    await registry.stop();
    await broker.stop();
  }
}

interface RawDrain {
  perS: number;
  cpuUsPerEvent: number;
  mainThreadUsPerEvent: number;
}

/** A bare kafkajs consumer group drains the topic: headers decoded, each JSON body parsed. */
async function drainRaw(
  kafka: Kafka,
  groupId: string,
  events: number,
  fetch: { maxBytesPerPartition?: number; maxBytes?: number },
): Promise<RawDrain> {
  let seen = 0;
  let first = 0;
  let last = 0;
  // CPU of this process (only the raw consumer runs in it meanwhile) from its first batch to its last.
  let cpuFirst = 0;
  let cpuLast = 0;
  let mainFirst = 0;
  let mainLast = 0;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, ...fetch });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (first === 0) {
        first = performance.now();
        cpuFirst = cpuMicros();
        mainFirst = mainThreadSeconds(process.pid);
      }
      for (const m of batch.messages) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v);
        JSON.parse(m.value!.toString('utf8'));
        seen++;
      }
      last = performance.now();
      cpuLast = cpuMicros();
      mainLast = mainThreadSeconds(process.pid);
    },
  });
  await waitFor(() => seen >= events, { timeoutMs: 600_000, intervalMs: 20, what: 'raw consumer' });
  await consumer.disconnect();
  return {
    perS: (events - 1) / ((last - first) / 1000),
    // The first batch's messages are counted but its decoding happened before cpuFirst: like the rate.
    cpuUsPerEvent: (cpuLast - cpuFirst) / (events - 1),
    mainThreadUsPerEvent: ((mainLast - mainFirst) * 1e6) / (events - 1),
  };
}
