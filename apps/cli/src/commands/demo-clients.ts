// The outside clients `keel demo` uses, each from the same KEEL_* variables the services read: gRPC to
// ingestion, training, inference and monitoring, and Kafka (a plain kafkajs producer for records, the
// event bus for keel.feedback).
import { randomUUID } from 'node:crypto';
import {
  inferenceClient,
  ingestionClients,
  monitoringClients,
  trainingClients,
  type InferenceClient,
  type IngestionClients,
  type MonitoringClients,
  type TrainingClients,
} from '@keel/clients';
import { DEFAULT_BROKER_PORTS, ingestTopic, TOPICS, type inference } from '@keel/contracts';
import { EventBus, kafkaConnectionFromEnv } from '@keel/event-bus';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { ingestionAddress } from './dataset-client';
import type { DemoRow } from './demo-data';
import { monitoringAddress } from './monitoring-client';
import { csvInputs, inferenceAddress } from './predict';
import { trainingAddress } from './train-client';

export interface DemoClients {
  ingestion: IngestionClients;
  training: TrainingClients;
  inference: InferenceClient;
  monitoring: MonitoringClients;
  kafka: Kafka;
  producer: Producer;
  bus: EventBus;
  close(): Promise<void>;
}

export async function connectDemoClients(): Promise<DemoClients> {
  // As `keel up` does: the embedded broker on KEEL_BROKER_PORT unless KEEL_KAFKA_BROKERS names others.
  const { brokers, ssl, sasl } = kafkaConnectionFromEnv({
    ...process.env,
    KEEL_KAFKA_BROKERS:
      process.env['KEEL_KAFKA_BROKERS'] ?? `127.0.0.1:${process.env['KEEL_BROKER_PORT'] || DEFAULT_BROKER_PORTS.kafka}`,
  });
  const kafka = new Kafka({ clientId: 'keel-demo-producer', brokers, ssl, sasl, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const bus = new EventBus({ clientId: 'keel-demo', brokers, ssl, sasl, source: 'keel/demo', provisionTopics: false });
  await bus.connect();
  const c = {
    ingestion: ingestionClients(ingestionAddress(), { deadlineMs: 120_000 }),
    training: trainingClients(trainingAddress()),
    inference: inferenceClient(inferenceAddress(), { deadlineMs: 60_000 }),
    monitoring: monitoringClients(monitoringAddress()),
  };
  return {
    ...c,
    kafka,
    producer,
    bus,
    close: async () => {
      c.ingestion.close();
      c.training.close();
      c.inference.close();
      c.monitoring.close();
      await producer.disconnect().catch(() => undefined);
      await bus.close().catch(() => undefined);
    },
  };
}

/** Sends rows as JSON records to keel.ingest.<dataset>, keyed by the entity key, 500 per request. */
export async function produceRows(producer: Producer, dataset: string, rows: DemoRow[], key: string): Promise<void> {
  const topic = ingestTopic(dataset);
  for (let i = 0; i < rows.length; i += 500) {
    const messages = rows.slice(i, i + 500).map((r) => ({ key: r[key] ?? null, value: JSON.stringify(r) }));
    await producer.send({ topic, messages });
  }
}

export interface Scored {
  requestId: string;
  version: number;
  labels: number[];
  probabilities: number[];
}

/** One OIP ModelInfer request over rows (inputs typed by the served model's metadata). */
export async function predictRows(
  client: InferenceClient,
  model: string,
  columns: Map<string, string[]>,
  rows: number,
): Promise<Scored> {
  const meta = await client.ModelMetadata({ name: model, version: '' });
  const requestId = `demo-${randomUUID()}`;
  const res = (await client.ModelInfer({
    modelName: model,
    modelVersion: '',
    id: requestId,
    inputs: csvInputs(columns, meta.inputs, 0, rows),
    outputs: [{ name: 'label' }, { name: 'probabilities' }],
  })) as inference.ModelInferResponse__Output;
  const labels = (res.outputs[0]?.contents?.int64Contents ?? []).map(Number);
  const probs = res.outputs[1]?.contents?.fp32Contents ?? [];
  return {
    requestId: res.id || requestId,
    version: Number(res.modelVersion),
    labels,
    probabilities: labels.map((_, i) => probs[2 * i + 1]!),
  };
}

/** The true labels of a scored request on keel.feedback, joined by request id + row. */
export async function sendFeedback(bus: EventBus, requestId: string, truth: string[]): Promise<void> {
  await Promise.all(
    truth.map((label, row) =>
      bus.publish('keel.feedback', { requestId, row, label: Number(label) }, { key: requestId }),
    ),
  );
}

/**
 * The trace id of an alert from the traceparent header of its keel.monitoring.alert event (read by a
 * throw-away consumer from the start of the topic); null when the event carries none, undefined when the
 * event was not found in time.
 */
export async function alertTraceId(
  kafka: Kafka,
  alertId: string,
  timeoutMs: number,
): Promise<string | null | undefined> {
  const consumer = kafka.consumer({ groupId: `keel-demo-${randomUUID()}` });
  let found: string | null | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.monitoringAlert, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (found !== undefined || !message.value?.toString().includes(alertId)) return;
        const header = message.headers?.['traceparent'];
        const value = Array.isArray(header) ? header[0] : header;
        found = value ? (/^[0-9a-f]{2}-([0-9a-f]{32})-/.exec(value.toString())?.[1] ?? null) : null;
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (found === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return found;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}
