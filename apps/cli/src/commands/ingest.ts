// `keel ingest <file.csv> --dataset <name>`: produces a CSV's rows as JSON records to keel.ingest.<name>
// through Kafka (KEEL_KAFKA_* settings), with a progress line on stderr (rows/s, ETA). Blank cells are
// sent as "" (missing); the ingestion service coerces numbers, booleans and times per the schema.
import { readFileSync } from 'node:fs';
import { ingestTopic, isValidDatasetName } from '@keel/contracts';
import { kafkaConnectionFromEnv } from '@keel/event-bus';
import { parseCsv } from '@keel/ml';
import type { Command } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import type { RegisterCommand } from './command';
import { printJson, usageError } from './monitoring-client';

const BATCH = 1000;

/** What `ingest --json` prints (documented in docs/cli.md). */
export interface IngestResult {
  dataset: string;
  topic: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

export const registerIngest: RegisterCommand = (program: Command) => {
  program
    .command('ingest <file>')
    .description('produce the rows of a CSV file to a dataset through Kafka')
    .requiredOption('--dataset <name>', 'the dataset (topic keel.ingest.<name>)')
    .option('--key <column>', 'the column used as Kafka key (default: none)')
    .option('--json', 'print a JSON summary instead of text')
    .action(async (file: string, o: { dataset: string; key?: string; json?: boolean }) => {
      if (!isValidDatasetName(o.dataset)) throw usageError(`invalid dataset name ${JSON.stringify(o.dataset)}`);
      const table = parseCsv(readFileSync(file, 'utf8'));
      const keyIndex = o.key === undefined ? -1 : table.header.indexOf(o.key);
      if (o.key !== undefined && keyIndex < 0) throw usageError(`--key: the CSV has no column ${o.key}`);
      const { brokers, ssl, sasl } = kafkaConnectionFromEnv();
      const kafka = new Kafka({ clientId: 'keel-cli', brokers, ssl, sasl, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      const topic = ingestTopic(o.dataset);
      const started = Date.now();
      const total = table.rows.length;
      let sent = 0;
      let lastDraw = 0;
      const draw = (final: boolean) => {
        const now = Date.now();
        if (!final && now - lastDraw < 200) return;
        lastDraw = now;
        const seconds = Math.max((now - started) / 1000, 0.001);
        const rate = sent / seconds;
        const eta = rate > 0 ? (total - sent) / rate : 0;
        const width = 30;
        const filled = total ? Math.round((sent / total) * width) : width;
        const line =
          `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${sent}/${total} rows ` +
          `${Math.round(rate)} rows/s ETA ${eta.toFixed(1)} s`;
        process.stderr.write(process.stderr.isTTY ? `\r${line}${final ? '\n' : ''}` : final ? `${line}\n` : '');
      };
      try {
        for (let i = 0; i < total; i += BATCH) {
          const messages = table.rows.slice(i, i + BATCH).map((row) => {
            const record: Record<string, string> = {};
            table.header.forEach((h, c) => (record[h] = row[c] ?? ''));
            return { key: keyIndex >= 0 ? (row[keyIndex] ?? null) : null, value: JSON.stringify(record) };
          });
          await producer.send({ topic, messages });
          sent += messages.length;
          draw(false);
        }
        draw(true);
      } finally {
        await producer.disconnect();
      }
      const seconds = (Date.now() - started) / 1000;
      const result: IngestResult = {
        dataset: o.dataset,
        topic,
        rows: sent,
        seconds,
        rowsPerSecond: Math.round(sent / Math.max(seconds, 0.001)),
      };
      if (o.json) printJson(result);
      else process.stdout.write(`sent ${sent} rows to ${topic} in ${seconds.toFixed(1)} s\n`);
    });
};
