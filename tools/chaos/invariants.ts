// The invariants of issue 18, checked from outside after the kills: Kafka topics read whole, the
// services' gRPC answers (dataset counts, snapshots, jobs, model versions), and the client's own record
// of what was acknowledged and answered.
import type { RegistryClients } from '@keel/clients';
import { ingestTopic, TOPICS, type registryV1 } from '@keel/contracts';
import type { Kafka } from 'kafkajs';
import { datasetCounts, listJobs, type Clients } from './story';
import { extraPerKey, readTopic } from './topics';
import type { Traffic } from './traffic';

export interface Outage {
  process: string;
  killedAt: number;
  readyAt: number;
}

export interface Finding {
  check: string;
  count: number;
  detail: string;
}

export interface Verdict {
  recordsLost: number;
  duplicateSideEffects: number;
  failedOutsideOutage: number;
  findings: Finding[];
  figures: Record<string, number>;
}

/** How long after inference is ready again a request that started before may still fail (in flight). */
const GRACE_MS = 1000;

export async function checkInvariants(
  kafka: Kafka,
  c: Clients,
  registry: RegistryClients,
  dataset: string,
  traffic: Traffic,
  outages: Outage[],
  finalSnapshot: { version: number; rows: number },
): Promise<Verdict> {
  const findings: Finding[] = [];
  const add = (check: string, count: number, detail: string) => {
    if (count > 0) findings.push({ check, count, detail });
    return count;
  };

  // Records: every acknowledged record is in the topic; ingestion took each offset exactly once; the
  // snapshot built afterwards holds exactly the accepted rows.
  // Every topic at once: each throw-away reader waits out its group's initial rebalance delay.
  const [records, registered, promoted, loggedAll, alertsAll] = await Promise.all(
    [
      ingestTopic(dataset),
      TOPICS.modelRegistered,
      TOPICS.modelPromoted,
      TOPICS.inferenceLogged,
      TOPICS.monitoringAlert,
    ].map((t) => readTopic(kafka, t)),
  );
  const inTopic = new Set(records.map((r) => Number(r.key) - 10_000_000));
  const missing = [...traffic.acked].filter((n) => !inTopic.has(n)).length;
  const counts = await datasetCounts(c, dataset);
  const taken = counts.accepted + counts.rejected;
  let lost = add('acknowledged records missing from the topic', missing, `${missing} of ${traffic.acked.size}`);
  lost += add(
    'topic records ingestion never took',
    Math.max(0, records.length - taken),
    `${records.length} in the topic, ${taken} taken`,
  );
  lost += add(
    'accepted rows missing from the last snapshot',
    Math.max(0, counts.accepted - finalSnapshot.rows),
    `snapshot v${finalSnapshot.version} has ${finalSnapshot.rows} rows, ${counts.accepted} accepted`,
  );
  let dup = add(
    'records staged twice',
    Math.max(0, taken - records.length),
    `${taken} taken from ${records.length} topic records`,
  );
  dup += add(
    'snapshot rows beyond the accepted ones',
    Math.max(0, finalSnapshot.rows - counts.accepted),
    `snapshot v${finalSnapshot.version} has ${finalSnapshot.rows} rows, ${counts.accepted} accepted`,
  );
  add('records rejected to the DLQ', counts.rejected, 'the traffic sends only valid records');
  lost += counts.rejected;
  const topicDuplicates = records.length - new Set(records.map((r) => r.key ?? `${r.partition}/${r.offset}`)).size;

  // Training: every job finished; one job per snapshot event; one model version per succeeded job.
  const jobs = await listJobs(c, dataset);
  const stuck = jobs.filter(
    (j) => !['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED'].includes(j.state),
  );
  add('training jobs not finished', stuck.length, stuck.map((j) => `${j.id} ${j.state}`).join(', '));
  const failed = jobs.filter((j) => j.state !== 'JOB_STATE_SUCCEEDED' && !stuck.includes(j));
  add(
    'training jobs that failed',
    failed.length,
    failed.map((j) => `${j.id}: ${j.failureCode} ${j.failureMessage}`).join('; '),
  );
  lost += stuck.length + failed.length;
  dup += add(
    'training jobs started twice for one snapshot',
    extraPerKey(
      jobs.filter((j) => j.trigger === 'snapshot'),
      (j) => String(j.datasetVersion),
      (j) => j.id,
    ),
    'jobs per dataset version',
  );
  const versions = (
    (await registry.models.ListModelVersions({
      model: dataset,
      page: { pageSize: 1000, pageToken: '' },
    })) as registryV1.ListModelVersionsResponse__Output
  ).versions;
  const jobVersions = new Set(jobs.filter((j) => j.modelVersion > 0).map((j) => j.modelVersion));
  const orphan = versions.filter((v) => !jobVersions.has(v.version));
  dup += add(
    'model versions no job owns (registered twice or half-written)',
    orphan.length,
    orphan.map((v) => `v${v.version}`).join(', '),
  );
  dup += add(
    'model versions shared by two jobs',
    extraPerKey(
      jobs.filter((j) => j.modelVersion > 0),
      (j) => String(j.modelVersion),
      (j) => j.id,
    ),
    '',
  );
  dup += add(
    'jobs per model version in the registry runs',
    extraPerKey(
      versions,
      (v) => v.runId || null,
      (v) => String(v.version),
    ),
    'versions per run',
  );

  // Registry outbox: each registration and each promotion is one event (one ce_id); redeliveries of the
  // same ce_id are dropped by consumers and only counted.
  const mine = (r: { value: Record<string, unknown> }) => r.value['model'] === dataset;
  dup += add(
    'keel.model.registered effects per version',
    extraPerKey(
      registered.filter(mine),
      (r) => String(r.value['version']),
      (r) => r.ceId ?? r.offset,
    ),
    '',
  );
  dup += add(
    'keel.model.promoted effects per alias move',
    extraPerKey(
      promoted.filter(mine),
      (r) => `${String(r.value['fromVersion'])}->${String(r.value['toVersion'])}`,
      (r) => r.ceId ?? r.offset,
    ),
    '',
  );
  const missingEvents = versions.filter((v) => !registered.some((r) => mine(r) && r.value['version'] === v.version));
  lost += add(
    'model versions without their keel.model.registered event',
    missingEvents.length,
    missingEvents.map((v) => `v${v.version}`).join(', '),
  );

  // Prediction log: one entry per successful request (no duplicate; none missing).
  const logged = loggedAll!.filter((r) => r.value['role'] !== 'shadow');
  const ok = traffic.requests.filter((r) => r.ok);
  const okIds = new Set(ok.map((r) => r.id));
  dup += add(
    'prediction log entries duplicated',
    extraPerKey(
      logged.filter((r) => okIds.has(String(r.value['requestId']))),
      (r) => String(r.value['requestId']),
      (r) => r.ceId ?? r.offset,
    ),
    '',
  );
  const loggedIds = new Set(logged.map((r) => String(r.value['requestId'])));
  const unlogged = ok.filter((r) => !loggedIds.has(r.id)).length;
  add(
    'successful requests missing from the prediction log',
    unlogged,
    `${unlogged} of ${ok.length} (the log sheds entries while Kafka is away, by design)`,
  );

  // Alerts: one event per (alert, status, window).
  const alerts = alertsAll!.filter(mine);
  dup += add(
    'alert events duplicated',
    extraPerKey(
      alerts,
      (r) => {
        const w = r.value['window'] as { from?: string; to?: string } | undefined;
        return `${String(r.value['kind'])}/${String(r.value['status'] ?? 'firing')}/${w?.from}/${w?.to}`;
      },
      (r) => r.ceId ?? r.offset,
    ),
    '',
  );

  // Inference errors only for requests in flight at a kill of inference or sent while it was down.
  const down = outages.filter((o) => o.process === 'inference');
  const outside = traffic.requests.filter(
    (r) => !r.ok && !down.some((o) => r.endedAt >= o.killedAt && r.startedAt <= o.readyAt + GRACE_MS),
  );
  add(
    'failed requests outside the inference outage',
    outside.length,
    outside
      .slice(0, 5)
      .map((r) => `${new Date(r.startedAt).toISOString()} ${r.error}`)
      .join('; '),
  );

  return {
    recordsLost: lost,
    duplicateSideEffects: dup,
    failedOutsideOutage: outside.length,
    findings,
    figures: {
      records_acked: traffic.acked.size,
      records_in_topic: records.length,
      records_resent_by_client: traffic.resends,
      topic_duplicates_from_client_resends: topicDuplicates,
      records_accepted: counts.accepted,
      snapshot_rows: finalSnapshot.rows,
      training_jobs: jobs.length,
      model_versions: versions.length,
      requests_ok: ok.length,
      requests_failed: traffic.requests.length - ok.length,
      prediction_log_entries: logged.length,
      prediction_log_missing: unlogged,
      alert_events: alerts.length,
      labels_sent: traffic.labelsSent,
    },
  };
}
