// bench:monitoring — (1) logged predictions/s through the monitoring service vs a raw kafkajs consumer of
// the same topic; (2) window evaluation of 100k × 20 vs scipy on the same arrays; (3) RSS of one window as
// it grows from 10^4 to 10^7 predictions; (4) CPU per prediction of the label-join store, filling and full.
// Ratios are measured in the same run.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { throughput } from './throughput';
import { windowEvaluation } from './window-eval';

const EVENTS = Number(process.env['KEEL_BENCH_MONITORING_EVENTS'] ?? 50_000);
const EVAL_ROWS = Number(process.env['KEEL_BENCH_MONITORING_ROWS'] ?? 100_000);
const MEMORY_ROWS = Number(process.env['KEEL_BENCH_MONITORING_MEMORY_ROWS'] ?? 10_000_000);
const result = (name: string, value: number, unit: string): void =>
  console.log(`RESULT ${name} ${Number(value.toPrecision(6))} ${unit}`);

// `--only eval|memory|join|throughput` runs one part (all of them by default).
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const part = (name: string): boolean => only === undefined || only === name;

async function main(): Promise<void> {
  console.log(`# load average at start: ${loadavg()[0]!.toFixed(2)}`);
  if (part('eval')) evaluation();
  if (part('memory')) memory();
  if (part('join')) joinStore();
  if (part('throughput')) await predictionsPerSecond();
  console.log(`# load average at end: ${loadavg()[0]!.toFixed(2)}`);
}

function evaluation(): void {
  const e = windowEvaluation(EVAL_ROWS);
  result('monitoring_window_eval_100k_x20_s', e.evaluateS, 's');
  result('monitoring_window_fill_and_eval_100k_x20_s', e.fillAndEvaluateS, 's');
  result('scipy_100k_x20_s', e.scipyS, 's');
  result('monitoring_window_eval_vs_scipy', e.evaluateS / e.scipyS, 'ratio');
  result('monitoring_window_fill_and_eval_vs_scipy', e.fillAndEvaluateS / e.scipyS, 'ratio');
  result('monitoring_window_max_stat_diff_vs_scipy', e.maxStatDiff, 'relative');
}

function probe(...args: string[]): string {
  return execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '-r',
      join(__dirname, '../../tools/register-ts.cjs'),
      join(__dirname, '../../apps/monitoring/src/probes/window-probe.ts'),
      ...args,
    ],
    { encoding: 'utf8', env: process.env, maxBuffer: 16 << 20 },
  );
}

function memory(): void {
  const out = probe('memory', String(MEMORY_ROWS));
  const points = [...out.matchAll(/^POINT (\d+) ([\d.]+) ([\d.]+)/gm)].map((m) => ({
    n: Number(m[1]),
    rss: Number(m[2]),
    heap: Number(m[3]),
  }));
  for (const p of points) result(`monitoring_window_rss_at_${p.n}_mb`, p.rss, 'MB');
  const first = points[0]!;
  const last = points[points.length - 1]!;
  result('monitoring_window_rss_growth_10k_to_10m_mb', last.rss - first.rss, 'MB');
  result('monitoring_window_heap_growth_10k_to_10m_mb', last.heap - first.heap, 'MB');
  const peak = points.find((p) => p.n === 100_000) ?? first;
  result('monitoring_window_rss_growth_100k_to_10m_mb', last.rss - peak.rss, 'MB');
  result('monitoring_window_rows_per_s', Number(/^RATE (\d+)/m.exec(out)?.[1] ?? 0), 'rows/s');
}

// The service's default cap (200,000 waiting predictions): a model whose labels come for few of its
// predictions keeps the store at the cap, so every logged prediction then also evicts the oldest one.
function joinStore(): void {
  const m = /^JOIN ([\d.]+) ([\d.]+)/m.exec(probe('join', '200000', '200000'));
  if (!m) throw new Error('window-probe join printed no JOIN line');
  result('monitoring_join_store_cpu_us_per_prediction_filling', Number(m[1]), 'us');
  result('monitoring_join_store_cpu_us_per_prediction_at_cap', Number(m[2]), 'us');
}

async function predictionsPerSecond(): Promise<void> {
  const t = await throughput(EVENTS);
  result('monitoring_predictions_per_s', t.monitoringPerS, 'predictions/s');
  result('raw_kafkajs_predictions_per_s', t.rawPerS, 'messages/s');
  result('monitoring_vs_raw_ratio', t.monitoringPerS / t.rawPerS, 'ratio');
  // The service's predictions consumer fetches 4 MiB per partition: the raw consumer with that setting too.
  result('raw_kafkajs_4mib_fetch_predictions_per_s', t.raw4MibFetchPerS, 'messages/s');
  result('monitoring_vs_raw_4mib_fetch_ratio', t.monitoringPerS / t.raw4MibFetchPerS, 'ratio');
  result('monitoring_cpu_us_per_prediction', t.monitoringCpuUsPerEvent, 'us');
  // CPU per event is far less at the mercy of the other engineers' load than a rate is.
  result('raw_kafkajs_cpu_us_per_message', t.rawCpuUsPerEvent, 'us');
  result('monitoring_vs_raw_cpu_ratio', t.rawCpuUsPerEvent / t.monitoringCpuUsPerEvent, 'ratio');
  // Main thread only (10 ms ticks): the difference to the above is GC helper and JIT compiler threads.
  result('monitoring_main_thread_cpu_us_per_prediction', t.monitoringMainThreadUsPerEvent, 'us');
  result('raw_kafkajs_main_thread_cpu_us_per_message', t.rawMainThreadUsPerEvent, 'us');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
