// `keel dataset create|list|show|snapshot|snapshots|export`: datasets of the ingestion service.
import { readFileSync } from 'node:fs';
import type { ingestionV1 } from '@keel/contracts';
import { checkSchema, inferSchema, SchemaError, type DatasetSchema } from '@keel/datasets';
import { parseCsv } from '@keel/ml';
import type { Command } from 'commander';
import type { RegisterCommand } from './command';
import { datasetItem, snapshotItem, withIngestion, type DatasetItem } from './dataset-client';
import { exportSnapshot } from './dataset-export';
import { printJson, table, usageError } from './monitoring-client';

interface CreateOptions {
  fromCsv?: string;
  schema?: string;
  target?: string;
  entityKey?: string;
  eventTime?: string;
  snapshotEvery: string;
  snapshotInterval: string;
  windowRecords: string;
  windowSeconds: string;
  dedupe?: boolean;
  json?: boolean;
}

const count = (value: string, flag: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw usageError(`${flag} must be a whole number (0: off)`);
  return n;
};

function schemaFrom(o: CreateOptions): DatasetSchema {
  if (!!o.fromCsv === !!o.schema) throw usageError('give exactly one of --from-csv <file> or --schema <file.json>');
  try {
    if (o.schema) return checkSchema(JSON.parse(readFileSync(o.schema, 'utf8')) as DatasetSchema);
    if (!o.target) throw usageError('--target <column> is required with --from-csv');
    const table = parseCsv(readFileSync(o.fromCsv!, 'utf8'));
    return inferSchema(table.header, table.rows, { target: o.target, entityKey: o.entityKey, eventTime: o.eventTime });
  } catch (err) {
    if (err instanceof SchemaError || err instanceof SyntaxError) throw usageError(`invalid schema: ${err.message}`);
    throw err;
  }
}

function printDataset(d: DatasetItem): void {
  process.stdout.write(
    `dataset ${d.name} (schema v${d.schemaVersion}, topic ${d.topic})\n` +
      `target ${d.target}` +
      (d.entityKey ? `, entity key ${d.entityKey}` : '') +
      (d.eventTime ? `, event time ${d.eventTime}` : '') +
      `\nsnapshot every ${d.policy.everyRecords || '-'} records / ${d.policy.intervalSeconds || '-'} s` +
      (d.policy.windowRecords ? `, window last ${d.policy.windowRecords} records` : '') +
      (d.policy.windowSeconds ? `, window last ${d.policy.windowSeconds} s` : '') +
      (d.dedupe ? `, dedupe (${d.duplicates} duplicates)` : '') +
      '; ' +
      `accepted ${d.accepted}, rejected ${d.rejected}, staged ${d.staged}, latest version ${d.latestVersion || '-'}\n` +
      table(
        ['COLUMN', 'TYPE', 'REQUIRED', 'CONSTRAINT'],
        d.columns.map((c) => [
          c.name,
          c.type,
          c.required ? 'yes' : 'no',
          c.allowed
            ? `one of ${c.allowed.join('|')}`
            : c.min !== undefined || c.max !== undefined
              ? `[${c.min ?? ''}, ${c.max ?? ''}]`
              : '',
        ]),
      ),
  );
}

export const registerDataset: RegisterCommand = (program: Command) => {
  const dataset = program.command('dataset').description('datasets: schemas, snapshots, exports');

  dataset
    .command('create <name>')
    .description('create a dataset; the schema is inferred from a CSV (--from-csv) or given (--schema)')
    .option('--from-csv <file>', 'infer the schema from this CSV')
    .option('--schema <file.json>', 'the schema as JSON ({ columns, target, entityKey?, eventTime? })')
    .option('--target <col>', 'the target column')
    .option('--entity-key <col>', 'the entity key column (the Kafka key)')
    .option('--event-time <col>', 'the event-time column (a timestamp)')
    .option('--snapshot-every <records>', 'snapshot after this many new records (0: off)', '0')
    .option('--snapshot-interval <seconds>', 'snapshot this often while records arrive (0: off)', '0')
    .option('--window-records <n>', 'rolling window: a snapshot holds only the latest n records (0: all)', '0')
    .option('--window-seconds <s>', 'rolling window: only records within s seconds of the newest (0: all)', '0')
    .option('--dedupe', 'skip records whose (entity key, event time) was already accepted')
    .option('--json', 'print the dataset as JSON')
    .action(async (name: string, o: CreateOptions) => {
      const schema = schemaFrom(o);
      const policy = {
        everyRecords: count(o.snapshotEvery, '--snapshot-every'),
        intervalSeconds: count(o.snapshotInterval, '--snapshot-interval'),
        windowRecords: count(o.windowRecords, '--window-records'),
        windowSeconds: count(o.windowSeconds, '--window-seconds'),
      };
      const created = datasetItem(
        (await withIngestion((c) =>
          c.CreateDataset({
            name,
            columns: schema.columns.map((col) => ({
              name: col.name,
              type: `COLUMN_TYPE_${col.type.toUpperCase()}` as ingestionV1.ColumnType,
              required: col.required,
              ...(col.min !== undefined ? { min: col.min } : {}),
              ...(col.max !== undefined ? { max: col.max } : {}),
              allowed: col.allowed ?? [],
            })),
            entityKey: schema.entityKey ?? '',
            target: schema.target,
            eventTime: schema.eventTime ?? '',
            policy,
            dedupe: o.dedupe === true,
          }),
        )) as ingestionV1.Dataset__Output,
      );
      if (o.json) return printJson(created);
      printDataset(created);
    });

  dataset
    .command('list')
    .description('list datasets')
    .option('--json', 'print a JSON array (fields in docs/cli.md)')
    .action(async (o: { json?: boolean }) => {
      const res = (await withIngestion((c) => c.ListDatasets({}))) as ingestionV1.ListDatasetsResponse__Output;
      const items = res.datasets.map(datasetItem);
      if (o.json) return printJson(items);
      process.stdout.write(
        items.length === 0
          ? 'no datasets\n'
          : table(
              ['NAME', 'COLUMNS', 'TARGET', 'ACCEPTED', 'REJECTED', 'STAGED', 'LATEST'],
              items.map((d) => [
                d.name,
                String(d.columns.length),
                d.target,
                String(d.accepted),
                String(d.rejected),
                String(d.staged),
                d.latestVersion ? `v${d.latestVersion}` : '-',
              ]),
            ),
      );
    });

  dataset
    .command('show <name>')
    .description('show a dataset: schema, policy, counts')
    .option('--json', 'print the dataset as JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const d = datasetItem((await withIngestion((c) => c.GetDataset({ name }))) as ingestionV1.Dataset__Output);
      if (o.json) return printJson(d);
      printDataset(d);
    });

  dataset
    .command('snapshot <name>')
    .description('snapshot a dataset now (with --wait: until it is registered)')
    .option('--wait', 'wait for the snapshot and print it')
    .option('--json', 'print the snapshot as JSON')
    .action(async (name: string, o: { wait?: boolean; json?: boolean }) => {
      const s = (await withIngestion((c) =>
        c.CreateSnapshot({ dataset: name, wait: !!o.wait }),
      )) as ingestionV1.Snapshot__Output;
      if (!o.wait) {
        if (o.json) return printJson({ dataset: name, requested: true });
        return void process.stdout.write(`snapshot of ${name} requested\n`);
      }
      const item = snapshotItem(s);
      if (o.json) return printJson(item);
      process.stdout.write(`${item.dataset} v${item.version}: ${item.rows} rows, sha256 ${item.sha256}\n`);
    });

  dataset
    .command('snapshots <name>')
    .description('list the snapshots (versions) of a dataset, newest first')
    .option('--json', 'print a JSON array (fields in docs/cli.md)')
    .action(async (name: string, o: { json?: boolean }) => {
      const res = (await withIngestion((c) =>
        c.ListSnapshots({ dataset: name }),
      )) as ingestionV1.ListSnapshotsResponse__Output;
      const items = res.snapshots.map(snapshotItem);
      if (o.json) return printJson(items);
      process.stdout.write(
        items.length === 0
          ? 'no snapshots\n'
          : table(
              ['VERSION', 'ROWS', 'PARTS', 'SHA256', 'CREATED'],
              items.map((s) => [`v${s.version}`, String(s.rows), String(s.parts), s.sha256.slice(0, 16), s.createdAt]),
            ),
      );
    });

  dataset
    .command('export <name>')
    .description('write a snapshot (default: the latest) as one Parquet file')
    .option('--version <v>', 'the snapshot version')
    .requiredOption('--out <file.parquet>', 'where to write')
    .option('--json', 'print what was written as JSON')
    .action(async (name: string, o: { version?: string; out: string; json?: boolean }) => {
      const version = o.version === undefined ? 0 : Number(o.version);
      if (!Number.isInteger(version) || version < 0) throw usageError('--version must be a positive integer');
      const result = await exportSnapshot(name, version, o.out);
      if (o.json) return printJson(result);
      process.stdout.write(
        `wrote ${result.rows} rows of ${name} v${result.version} to ${result.out} (${result.bytes} bytes)\n`,
      );
    });
};
