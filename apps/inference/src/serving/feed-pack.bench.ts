// The event loop's cost of handing a batch to the session worker, in one run: the batch as one packed
// message (serving/feed-pack.ts: one transferred buffer, one string) against the former way (columns
// concatenated, then every column's typed array or string array structured-cloned). 18 inputs as the
// churn model takes (13 FP32, 5 BYTES); 64 one-row requests and 2 hundred-row requests per batch.
// Run: node -r ./tools/register-ts.cjs apps/inference/src/serving/feed-pack.bench.ts
import { Worker } from 'node:worker_threads';
import { packFeeds } from './feed-pack';
import type { Tensor } from './tensors';

const N = Number(process.env['BENCH_BATCHES'] ?? 2000);

function request(rows: number): Tensor[] {
  return Array.from({ length: 18 }, (_, i): Tensor => {
    if (i < 13) return { name: `n${i}`, datatype: 'FP32', shape: [rows, 1], data: new Float32Array(rows).fill(i) };
    return { name: `s${i}`, datatype: 'BYTES', shape: [rows, 1], data: new Array<string>(rows).fill('Mobile Phone') };
  });
}

/** The former message: each column concatenated across the batch, sent as {type, data, dims} by clone. */
function cloned(batch: Tensor[][]): Record<string, unknown> {
  const feeds: Record<string, unknown> = {};
  for (let c = 0; c < batch[0]!.length; c++) {
    const parts = batch.map((inputs) => inputs[c]!);
    const rows = parts.reduce((n, p) => n + p.shape[0]!, 0);
    let data: Float32Array | string[];
    if (parts[0]!.datatype === 'BYTES') data = parts.flatMap((p) => p.data as string[]);
    else {
      data = new Float32Array(rows);
      let at = 0;
      for (const p of parts) {
        data.set(p.data as Float32Array, at);
        at += p.data.length;
      }
    }
    feeds[parts[0]!.name] = { type: parts[0]!.datatype === 'BYTES' ? 'string' : 'float32', data, dims: [rows, 1] };
  }
  return feeds;
}

async function main(): Promise<void> {
  const worker = new Worker(
    "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m.id));",
    { eval: true },
  );
  const roundTrip = async (send: (id: number) => void): Promise<number> => {
    let answered = 0;
    let sendNs = 0n;
    const done = new Promise<void>((resolve) => {
      const on = () => {
        if (++answered === N) {
          worker.off('message', on);
          resolve();
        }
      };
      worker.on('message', on);
    });
    for (let id = 0; id < N; id++) {
      const t = process.hrtime.bigint();
      send(id);
      sendNs += process.hrtime.bigint() - t;
    }
    await done;
    return Number(sendNs) / N / 1000;
  };
  for (const [name, batch] of [
    ['64x1row', Array.from({ length: 64 }, () => request(1))],
    ['2x100rows', Array.from({ length: 2 }, () => request(100))],
  ] as const) {
    // Alternating rounds, so both ways see the same moments of a shared machine; medians reported.
    const packed: number[] = [];
    const clone: number[] = [];
    for (let round = 0; round < 5; round++) {
      clone.push(await roundTrip((id) => worker.postMessage({ op: 'run', key: 'm:1', feeds: cloned(batch), id })));
      packed.push(
        await roundTrip((id) => {
          const p = packFeeds(batch);
          worker.postMessage({ op: 'run', key: 'm:1', packed: p, id }, [p.buffer]);
        }),
      );
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    process.stdout.write(`RESULT worker_message_${name}_cloned ${median(clone).toFixed(1)} us/batch\n`);
    process.stdout.write(`RESULT worker_message_${name}_packed ${median(packed).toFixed(1)} us/batch\n`);
  }
  await worker.terminate();
}

void main();
