// The churn story of `keel demo`, one function per step. Every step talks to the platform as a user's
// own code would: gRPC clients, a kafkajs producer, the event bus for labels. Nothing calls a service's
// internals. Each step returns the line the demo prints.
import { readFileSync } from 'node:fs';
import type { ingestionV1, monitoringV1, trainingV1 } from '@keel/contracts';
import { inferSchema } from '@keel/datasets';
import { parseCsv } from '@keel/ml';
import { alertTraceId, predictRows, produceRows, sendFeedback, type DemoClients, type Scored } from './demo-clients';
import { rowsToColumns, shiftRow, splitDemoData, type DemoData, type DemoRow } from './demo-data';

export const TARGET = 'Churn';
export const ENTITY_KEY = 'CustomerID';
/**
 * Rows per monitoring window and per performance window: one scored request each. 1,000 rows keep the
 * sampling noise of an unshifted window well under the drift thresholds (500 rows can cross one).
 */
export const WINDOW = 1000;
const NEW_DATA_ROWS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a value (not undefined/null/false), or fails naming what it waited for. */
export async function poll<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}` +
          (last ? ` (last error: ${(last as Error).message})` : ''),
      );
    await sleep(250);
  }
}

export interface GateSummary {
  version: number;
  promoted: boolean;
  reasons: string[];
  metric: string;
  challenger: number;
  champion: number | null;
}

/** What the story learned; the summary and the lifecycle bench read it. */
export interface StoryState {
  csv: string;
  data?: DemoData;
  dataset: string;
  model: string;
  lastRecordAt?: number;
  acceptedAt?: number;
  snapshotAt?: number;
  trainedAt?: number;
  servingAt?: number;
  answeredAt?: number;
  v1Job?: trainingV1.Job__Output;
  scored?: Scored;
  alert?: monitoringV1.Alert__Output;
  /** From the alert event's traceparent header (null: none; undefined: the event was not seen). */
  alertTraceId?: string | null;
  retrainJob?: trainingV1.Job__Output;
  gates: GateSummary[];
  serving?: number;
}

function gateOf(job: trainingV1.Job__Output): GateSummary {
  const g = job.gate;
  return {
    version: job.modelVersion,
    promoted: g?.promoted ?? false,
    reasons: g?.reasons ?? [],
    metric: g?.metric || 'auc',
    challenger: g?.challengerValue ?? 0,
    champion: g && g.championVersion > 0 ? g.championValue : null,
  };
}

const JOB_DONE = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED'];

async function finishedJob(c: DemoClients, id: string, timeoutMs: number): Promise<trainingV1.Job__Output> {
  const job = await poll(
    `training job ${id} to finish`,
    async () => {
      const j = (await c.training.jobs.GetJob({ id })) as trainingV1.Job__Output;
      return JOB_DONE.includes(j.state) ? j : undefined;
    },
    timeoutMs,
  );
  if (job.state !== 'JOB_STATE_SUCCEEDED')
    throw new Error(`training job ${id} ended ${job.state}: ${job.failureCode} ${job.failureMessage}`);
  return job;
}

async function datasetCounts(c: DemoClients, name: string): Promise<number> {
  const d = (await c.ingestion.datasets.GetDataset({ name })) as ingestionV1.Dataset__Output;
  return Number(d.accepted) + Number(d.rejected);
}

async function waitServing(c: DemoClients, model: string, version: number, timeoutMs: number): Promise<void> {
  await poll(
    `inference to load ${model} version ${version}`,
    async () => (await c.inference.ModelReady({ name: model, version: String(version) })).ready,
    timeoutMs,
  );
}

const fmt = (x: number) => x.toFixed(3);

export async function createDataset(c: DemoClients, s: StoryState, wanted: string): Promise<string> {
  const table = parseCsv(readFileSync(s.csv, 'utf8'));
  s.data = splitDemoData(table, 2 * WINDOW);
  const schema = inferSchema(table.header, table.rows, { target: TARGET, entityKey: ENTITY_KEY });
  const existing = new Set(
    ((await c.ingestion.datasets.ListDatasets({})) as ingestionV1.ListDatasetsResponse__Output).datasets.map(
      (d) => d.name,
    ),
  );
  let name = wanted;
  for (let i = 2; existing.has(name); i++) name = `${wanted}-${i}`;
  await c.ingestion.datasets.CreateDataset({
    name,
    columns: schema.columns.map((col) => ({
      name: col.name,
      type: `COLUMN_TYPE_${col.type.toUpperCase()}` as ingestionV1.ColumnType,
      required: col.required,
      ...(col.min !== undefined ? { min: col.min } : {}),
      ...(col.max !== undefined ? { max: col.max } : {}),
      allowed: col.allowed ?? [],
    })),
    entityKey: ENTITY_KEY,
    target: TARGET,
    eventTime: '',
    policy: { everyRecords: 0, intervalSeconds: 0 },
  });
  s.dataset = name;
  s.model = name;
  return (
    `dataset ${name}${name !== wanted ? ` (${wanted} exists)` : ''}: ${schema.columns.length} columns inferred ` +
    `from ${table.rows.length} rows, target ${TARGET}, entity key ${ENTITY_KEY}`
  );
}

export async function setPolicies(c: DemoClients, s: StoryState): Promise<string> {
  await c.training.jobs.SetTrainingPolicy({
    dataset: s.dataset,
    model: s.model,
    algorithm: 'ALGORITHM_LR',
    paramsJson: '{}',
    seed: 7,
    target: '',
    enabled: true,
  });
  await c.training.promotion.SetPromotionPolicy({
    model: s.model,
    minMetrics: [{ metric: 'auc', min: 0.75 }],
    compareMetric: 'auc',
    maxRegression: 0.02,
    requireSignatureMatch: true,
  });
  return `training policy: every snapshot trains model ${s.model} (lr, seed 7); promotion: test auc >= 0.75, at most 0.02 below production`;
}

export async function ingestTraining(c: DemoClients, s: StoryState): Promise<string> {
  const rows = s.data!.train;
  const t0 = Date.now();
  await produceRows(c.producer, s.dataset, rows, ENTITY_KEY);
  s.lastRecordAt = Date.now();
  return `${rows.length} records sent as JSON to keel.ingest.${s.dataset} by a kafkajs producer in ${((s.lastRecordAt - t0) / 1000).toFixed(1)} s (${2 * WINDOW} rows held out)`;
}

async function snapshotAfter(c: DemoClients, s: StoryState, expected: number): Promise<ingestionV1.Snapshot__Output> {
  await poll(
    `ingestion to take all ${expected} records`,
    async () => (await datasetCounts(c, s.dataset)) >= expected,
    60_000,
  );
  s.acceptedAt = Date.now();
  const snap = (await c.ingestion.datasets.CreateSnapshot({
    dataset: s.dataset,
    wait: true,
  })) as ingestionV1.Snapshot__Output;
  s.snapshotAt = Date.now();
  return snap;
}

export async function snapshotV1(c: DemoClients, s: StoryState): Promise<string> {
  const snap = await snapshotAfter(c, s, s.data!.train.length);
  const d = (await c.ingestion.datasets.GetDataset({ name: s.dataset })) as ingestionV1.Dataset__Output;
  return `dataset ${s.dataset} version ${snap.version}: ${snap.rows} rows (${d.rejected} rejected to the DLQ), sha256 ${snap.sha256.slice(0, 12)}…`;
}

export async function trainV1(c: DemoClients, s: StoryState): Promise<string> {
  const job = await poll(
    'the training policy to start a job on version 1',
    async () =>
      ((await c.training.jobs.ListJobs({ dataset: s.dataset })) as trainingV1.ListJobsResponse__Output).jobs.find(
        (j) => j.datasetVersion === 1,
      ),
    60_000,
  );
  s.v1Job = await finishedJob(c, job.id, 120_000);
  s.trainedAt = Date.now();
  const gate = gateOf(s.v1Job);
  s.gates.push(gate);
  const metrics = JSON.parse(s.v1Job.metricsJson || '{}') as { test?: { auc?: number } };
  if (!gate.promoted) throw new Error(`version ${gate.version} was not promoted: ${gate.reasons.join('; ')}`);
  return (
    `job ${job.id} (trigger ${job.trigger}) registered ${s.model} version ${s.v1Job.modelVersion}, test auc ` +
    `${fmt(metrics.test?.auc ?? gate.challenger)}; gate: promoted to production (${gate.reasons.join('; ')})`
  );
}

export async function serveV1(c: DemoClients, s: StoryState): Promise<string> {
  await waitServing(c, s.model, s.v1Job!.modelVersion, 60_000);
  s.servingAt = Date.now();
  s.serving = s.v1Job!.modelVersion;
  // The monitor exists once monitoring saw the promotion: small windows so the story moves quickly.
  await poll(
    'monitoring to follow the model',
    () =>
      c.monitoring.monitors.SetMonitor({
        model: s.model,
        windowSize: WINDOW,
        performanceWindow: WINDOW,
        retrainOn: ['drift'],
        setRetrainOn: true,
        retrainCooldownSeconds: 3600,
      }),
    30_000,
  );
  return `inference loaded ${s.model} version ${s.serving} (ModelReady); monitor set: windows of ${WINDOW} rows, retrain on drift`;
}

export async function predictHeldOut(c: DemoClients, s: StoryState): Promise<string> {
  const rows = s.data!.heldOut.slice(0, WINDOW);
  s.scored = await predictRows(c.inference, s.model, rowsToColumns(s.data!.header, rows), rows.length);
  s.answeredAt = s.answeredAt ?? Date.now();
  const right = s.scored.labels.filter((l, i) => String(l) === rows[i]![TARGET]).length;
  return `OIP gRPC ModelInfer: ${rows.length} held-out rows scored by version ${s.scored.version} (request ${s.scored.requestId}), ${right}/${rows.length} right`;
}

export async function feedback(c: DemoClients, s: StoryState): Promise<string> {
  const rows = s.data!.heldOut.slice(0, WINDOW);
  await sendFeedback(
    c.bus,
    s.scored!.requestId,
    rows.map((r) => r[TARGET]!),
  );
  const perf = await poll(
    'monitoring to join the labels',
    async () =>
      ((await c.monitoring.drift.ListPerformance({ model: s.model })) as monitoringV1.ListPerformanceResponse__Output)
        .windows[0],
    60_000,
  );
  return `${rows.length} true labels sent to keel.feedback (request id + row); monitoring joined them: live auc ${
    perf.auc === undefined ? '-' : fmt(perf.auc)
  } vs training ${perf.baseline === undefined ? '-' : fmt(perf.baseline)}${perf.degraded ? ' (degraded)' : ''}`;
}

export async function newData(c: DemoClients, s: StoryState): Promise<string> {
  // From now on monitoring asks for retraining; snapshots alone no longer train.
  const policy = (await c.training.jobs.GetTrainingPolicy({ dataset: s.dataset })) as trainingV1.TrainingPolicy__Output;
  await c.training.jobs.SetTrainingPolicy({ ...policy, enabled: false });
  const before = await datasetCounts(c, s.dataset);
  const shifted: DemoRow[] = s.data!.train.slice(0, NEW_DATA_ROWS).map((r, i) => shiftRow(r, i, ENTITY_KEY, 1_000_000));
  await produceRows(c.producer, s.dataset, shifted, ENTITY_KEY);
  const snap = await snapshotAfter(c, s, before + shifted.length);
  return `the world shifts (more cashback, mostly e-wallet): ${shifted.length} new labelled records ingested; dataset version ${snap.version}: ${snap.rows} rows (training policy paused: retraining comes from monitoring)`;
}

export async function driftAlert(c: DemoClients, s: StoryState): Promise<string> {
  const rows = s.data!.heldOut.slice(WINDOW, 2 * WINDOW).map((r, i) => shiftRow(r, i, ENTITY_KEY, 2_000_000));
  const sentAt = Date.now();
  const scored = await predictRows(c.inference, s.model, rowsToColumns(s.data!.header, rows), rows.length);
  s.alert = await poll(
    'a drift alert on the shifted window',
    async () =>
      (
        (await c.monitoring.alerts.ListAlerts({
          model: s.model,
          status: 'firing',
        })) as monitoringV1.ListAlertsResponse__Output
      ).alerts.find((a) => a.kind === 'drift' && Number(a.lastSeenAtMs) >= sentAt),
    60_000,
  );
  s.alertTraceId = await alertTraceId(c.kafka, s.alert.id, 20_000);
  return `${rows.length} drifted requests scored by version ${scored.version}; monitoring alert ${s.alert.id}: ${s.alert.severity} drift in ${s.alert.driftedFeatures.join(', ') || 'the prediction'}`;
}

export async function retrain(c: DemoClients, s: StoryState): Promise<string> {
  const id = s.alert!.retrainJobId;
  if (!id) throw new Error(`alert ${s.alert!.id} carries no retraining request (monitor retrain_on drift)`);
  s.retrainJob = await finishedJob(c, id, 150_000);
  const gate = gateOf(s.retrainJob);
  s.gates.push(gate);
  return (
    `retraining requested (job ${id}, trigger ${s.retrainJob.trigger}): challenger version ${gate.version} trained on ` +
    `dataset version ${s.retrainJob.datasetVersion}; gate: ${gate.promoted ? 'promoted' : 'refused'} ` +
    `(${gate.metric} ${fmt(gate.challenger)} vs production ${gate.champion === null ? '-' : fmt(gate.champion)}; ${gate.reasons.join('; ')})`
  );
}

export async function servingNow(c: DemoClients, s: StoryState): Promise<string> {
  const gate = s.gates[s.gates.length - 1]!;
  if (gate.promoted) await waitServing(c, s.model, gate.version, 60_000);
  const rows = s.data!.heldOut.slice(WINDOW, WINDOW + 20).map((r, i) => shiftRow(r, i, ENTITY_KEY, 3_000_000));
  const version = await poll(
    `inference to answer with version ${gate.promoted ? gate.version : s.serving}`,
    async () => {
      const r = await predictRows(c.inference, s.model, rowsToColumns(s.data!.header, rows), rows.length);
      return r.version === (gate.promoted ? gate.version : s.serving) ? r.version : undefined;
    },
    60_000,
  );
  s.serving = version;
  return `${s.model} version ${version} serves predictions${gate.promoted ? ' (the challenger)' : ' (the champion stays)'}`;
}
