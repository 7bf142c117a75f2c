// `keel predict <model> --csv <rows.csv> [--version <v>] [--json]`: scores CSV rows on the inference
// service over the Open Inference Protocol (gRPC). Columns are matched to the model's inputs by name.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { inferenceClient } from '@keel/clients';
import { DEFAULT_SERVICE_PORTS, type inference } from '@keel/contracts';
import { csvColumns, parseCsv } from '@keel/ml';
import type { Command } from 'commander';
import type { RegisterCommand } from './command';
import { CliError, printJson, table, usageError } from './monitoring-client';

const CHUNK_ROWS = 1000;

/** `predict --json` output (documented in docs/cli.md). */
export interface PredictOutput {
  model: string;
  version: number;
  requestIds: string[];
  predictions: { row: number; label: number; probability: number }[];
}

export function inferenceAddress(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env['KEEL_INFERENCE_ADDRESS'] ??
    `127.0.0.1:${env['KEEL_INFERENCE_GRPC_PORT'] ?? DEFAULT_SERVICE_PORTS.inference.grpc}`
  );
}

function explain(err: unknown, address: string): Error {
  const e = err as grpc.ServiceError;
  if (e.code === grpc.status.INVALID_ARGUMENT || e.code === grpc.status.NOT_FOUND) return new CliError(e.details, 2);
  if (e.code === grpc.status.UNAUTHENTICATED || e.code === grpc.status.PERMISSION_DENIED)
    return new CliError(`${e.details}; set KEEL_TOKEN to a token with the infer scope`, 2);
  if (e.code === grpc.status.UNAVAILABLE && !/loading/.test(e.details ?? ''))
    return new CliError(
      `the inference service is not reachable at ${address} (${e.details}); start it or set KEEL_INFERENCE_ADDRESS`,
      1,
    );
  return new CliError(e.details || e.message, 1);
}

/** The request inputs of rows [from, to) from the CSV columns, typed by the model's metadata. */
export function csvInputs(
  columns: Map<string, string[]>,
  inputs: { name: string; datatype: string }[],
  from: number,
  to: number,
): inference.ModelInferRequest['inputs'] {
  return inputs.map((spec) => {
    const cells = columns.get(spec.name);
    if (!cells)
      throw usageError(
        `the CSV has no column "${spec.name}" (the model takes ${inputs.map((i) => i.name).join(', ')})`,
      );
    const slice = cells.slice(from, to);
    if (spec.datatype === 'BYTES')
      return {
        name: spec.name,
        datatype: 'BYTES',
        shape: [slice.length, 1],
        contents: { bytesContents: slice.map((c) => Buffer.from(c)) },
      };
    const values = slice.map((c, i) => {
      const text = c.trim();
      if (text === '' || /^(na|n\/a|nan|null|none)$/i.test(text)) return NaN;
      const n = Number(text);
      if (!Number.isFinite(n)) throw usageError(`column "${spec.name}" row ${from + i + 1}: "${c}" is not a number`);
      return n;
    });
    return { name: spec.name, datatype: spec.datatype, shape: [slice.length, 1], contents: { fp32Contents: values } };
  });
}

export const registerPredict: RegisterCommand = (program: Command) => {
  program
    .command('predict <model>')
    .description('score the rows of a CSV file on the inference service')
    .requiredOption('--csv <rows.csv>', 'CSV with a header row; columns named as the model inputs')
    .option('--version <v>', 'model version (default: the served alias, production)')
    .option('--json', 'print JSON (fields in docs/cli.md)')
    .action(async (model: string, o: { csv: string; version?: string; json?: boolean }) => {
      if (o.version !== undefined && !/^[1-9]\d*$/.test(o.version))
        throw usageError('--version must be a positive integer');
      let text: string;
      try {
        text = readFileSync(o.csv, 'utf8');
      } catch (err) {
        throw usageError(`cannot read ${o.csv}: ${(err as Error).message}`);
      }
      const csv = parseCsv(text);
      const columns = csvColumns(csv);
      const rows = csv.rows.length;
      const address = inferenceAddress();
      const client = inferenceClient(address, { deadlineMs: 60_000 });
      // The client adds KEEL_TOKEN as the bearer token when it is set.
      const metadata = new grpc.Metadata();
      const options = () => ({ deadline: Date.now() + 60_000 });
      const modelMetadata = (req: inference.ModelMetadataRequest) =>
        new Promise<inference.ModelMetadataResponse__Output>((resolve, reject) =>
          client.raw.ModelMetadata(req, metadata, options(), (err, res) =>
            err ? reject(explain(err, address)) : resolve(res!),
          ),
        );
      const modelInfer = (req: inference.ModelInferRequest) =>
        new Promise<inference.ModelInferResponse__Output>((resolve, reject) =>
          client.raw.ModelInfer(req, metadata, options(), (err, res) =>
            err ? reject(explain(err, address)) : resolve(res!),
          ),
        );
      try {
        const meta = await modelMetadata({ name: model, version: o.version ?? '' });
        const out: PredictOutput = { model, version: 0, requestIds: [], predictions: [] };
        for (let from = 0; from < rows; from += CHUNK_ROWS) {
          const to = Math.min(rows, from + CHUNK_ROWS);
          const res = await modelInfer({
            modelName: model,
            modelVersion: o.version ?? '',
            inputs: csvInputs(columns, meta.inputs, from, to),
            outputs: [{ name: 'label' }, { name: 'probabilities' }],
          });
          out.version = Number(res.modelVersion);
          out.requestIds.push(res.id);
          const labels = res.outputs[0]?.contents?.int64Contents ?? [];
          const probs = res.outputs[1]?.contents?.fp32Contents ?? [];
          for (let i = 0; i < to - from; i++)
            out.predictions.push({ row: from + i + 1, label: Number(labels[i]), probability: probs[2 * i + 1]! });
        }
        if (o.json) return printJson(out);
        process.stdout.write(
          `${model} version ${out.version}, ${rows} rows\n` +
            table(
              ['ROW', 'LABEL', 'PROBABILITY'],
              out.predictions.map((p) => [String(p.row), String(p.label), p.probability.toFixed(6)]),
            ),
        );
      } finally {
        client.close();
      }
    });
};
