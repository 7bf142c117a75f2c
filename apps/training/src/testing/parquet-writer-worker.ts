// Worker entry for tests: writes columns as Parquet with hyparquet-writer (ESM-only, so it runs on
// Node's own loader in a worker thread rather than jest's module system).
import { parentPort, workerData } from 'node:worker_threads';

interface Column {
  name: string;
  data: (string | number | null)[];
  type: 'STRING' | 'DOUBLE';
}

async function main(columns: Column[]): Promise<void> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const buffer = parquetWriteBuffer({ columnData: columns });
  parentPort!.postMessage(new Uint8Array(buffer), [buffer]);
}

main(workerData as Column[]).catch((err: Error) => parentPort!.postMessage({ error: err.message }));
