// An OTLP/HTTP receiver (the http/json encoding) for tests, and the walk a trace backend does: from one
// span back through parents and links, and the chain the churn story must leave. Used by demo.int-spec.ts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  service: string;
  startNs: bigint;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string; attributes: Record<string, string | number | boolean> }[];
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string | number;
  attributes?: OtlpAttribute[];
  links?: { traceId: string; spanId: string; attributes?: OtlpAttribute[] }[];
}
interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

function attributes(list: OtlpAttribute[] = []): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list) {
    const v = value.stringValue ?? value.boolValue ?? value.doubleValue ?? value.intValue;
    if (v !== undefined) out[key] = typeof v === 'string' && value.intValue !== undefined ? Number(v) : v;
  }
  return out;
}

/** The spans of one OTLP/JSON export request. */
export function parseOtlpJson(body: OtlpRequest): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const service = String(attributes(rs.resource?.attributes)['service.name'] ?? '');
    for (const ss of rs.scopeSpans ?? [])
      for (const s of ss.spans ?? [])
        spans.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          name: s.name,
          service,
          startNs: BigInt(s.startTimeUnixNano),
          attributes: attributes(s.attributes),
          links: (s.links ?? []).map((l) => ({
            traceId: l.traceId,
            spanId: l.spanId,
            attributes: attributes(l.attributes),
          })),
        });
  }
  return spans;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** Requests that were not OTLP/JSON on /v1/traces (should stay empty). */
  rejected: string[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:port and keeps every span exported to /v1/traces as OTLP/JSON. */
export async function startOtlpJsonReceiver(port: number): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const rejected: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const type = req.headers['content-type'] ?? '';
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !type.startsWith('application/json')) {
        rejected.push(`${req.method} ${req.url} ${type}`);
        res.writeHead(404).end();
        return;
      }
      try {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        spans.push(...parseOtlpJson(JSON.parse(body.toString('utf8')) as OtlpRequest));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (err) {
        rejected.push(`unparsable export: ${(err as Error).message}`);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    rejected,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface Step {
  span: ReceivedSpan;
  /** How the walk got here from the span before it (toward the start): its parent, or a link. */
  via: 'start' | 'parent' | 'link';
}

/**
 * Everything reachable from `start` going back in time through parents and links, as a trace backend
 * follows them, with the shortest path to each span.
 */
export function walkBack(spans: ReceivedSpan[], start: ReceivedSpan): Map<string, Step[]> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const paths = new Map<string, Step[]>([[start.spanId, [{ span: start, via: 'start' }]]]);
  const queue = [start];
  while (queue.length) {
    const s = queue.shift()!;
    const path = paths.get(s.spanId)!;
    const next: [string, Step['via']][] = [
      [s.parentSpanId, 'parent'],
      ...s.links.map((l): [string, Step['via']] => [l.spanId, 'link']),
    ];
    for (const [id, via] of next) {
      const span = id ? byId.get(id) : undefined;
      if (!span || paths.has(id)) continue;
      paths.set(id, [...path, { span, via }]);
      queue.push(span);
    }
  }
  return paths;
}

/** One line per hop: `<- via  service  name  {keel.* attributes}`. */
export function describePath(path: Step[]): string {
  return path
    .map(({ span, via }) => {
      const keel = Object.entries(span.attributes)
        .filter(([k]) => k.startsWith('keel.') || k === 'messaging.destination.name')
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      const arrow = via === 'start' ? '  ' : via === 'parent' ? '← parent' : '← link  ';
      return `${arrow.padEnd(9)} ${span.service.padEnd(16)} ${span.name}${keel ? `  (${keel})` : ''}`;
    })
    .join('\n');
}

/**
 * The chain a trace backend must be able to walk after the churn story (`keel demo`, whose output is `out`):
 * from the alert's span back through parents and links, in story order, down to the batches of records the
 * serving model's dataset was built from; and forward from the alert to the retraining job it asked for.
 * Returns the walk (for docs/tracing.md).
 */
export function expectTraceChain(out: string, spans: ReceivedSpan[]): string {
  // The alert the demo saw (its id printed), and its span in monitoring.
  const alertId = /monitoring alert ([0-9a-f-]{36})/.exec(out)?.[1];
  expect(alertId).toBeDefined();
  const alert = one(spans, (s) => s.name === 'alert drift fire' && s.attributes['keel.alert.id'] === alertId);
  expect(alert.service).toBe('keel-monitoring');
  const traceId = /trace id: +([0-9a-f]{32})/.exec(out)?.[1];
  expect(traceId).toBe(alert.traceId);

  const reached = walkBack(spans, alert);
  const stage = (what: string, test: (s: ReceivedSpan) => boolean, service: string): Step[] => {
    const found = [...reached.values()].filter((p) => test(p[p.length - 1]!.span));
    if (found.length === 0) throw new Error(`the walk back from the alert does not reach ${what}`);
    const path = found.sort((a, b) => a.length - b.length)[0]!;
    expect(path[path.length - 1]!.span.service).toBe(service);
    return path;
  };
  const model = alert.attributes['keel.model'];
  const version = alert.attributes['keel.model.version'];
  expect(version).toBe(1);

  const windowPath = stage('the drift window', (s) => s.name === `drift window ${model}`, 'keel-monitoring');
  // The window links to (a bounded sample of) the predictions it covers, each a logged request.
  const window = windowPath[windowPath.length - 1]!.span;
  expect(window.links.length).toBeGreaterThan(0);
  expect(window.links.length).toBeLessThanOrEqual(32);
  for (const link of window.links) {
    expect(link.attributes['keel.link']).toBe('prediction');
    const logged = spans.find((s) => s.spanId === link.spanId);
    expect(logged?.name).toBe('process keel.inference.logged');
    const back = [...walkBack(spans, logged!).values()].map((p) => p[p.length - 1]!.span);
    expect(back.some((s) => isVersion(s, `predict ${model}`, version))).toBe(true);
  }
  stage('a prediction of the version', (s) => isVersion(s, `predict ${model}`, version), 'keel-inference');
  stage('the load of the version', (s) => isVersion(s, 'load model', version), 'keel-inference');
  stage('the alias move', (s) => s.name === 'send keel.model.promoted', 'keel-registry');
  stage('the promotion gate', (s) => isVersion(s, 'promotion gate', version), 'keel-training');
  stage('the registration', (s) => isVersion(s, 'register model version', version), 'keel-training');
  const job = stage('the training job', (s) => isVersion(s, `training job ${model}`, version), 'keel-training');
  expect(job[job.length - 1]!.span.attributes['keel.job.trigger']).toBe('snapshot');
  const snapshotPath = stage(
    'the snapshot the version was trained on',
    (s) => s.name === `snapshot ${model}` && s.attributes['keel.snapshot.version'] === 1,
    'keel-ingestion',
  );
  const arrival = stage('record arrival', (s) => s.name === `ingest keel.ingest.${model}`, 'keel-ingestion');

  // Every batch the snapshot links to was received and is reachable; together they hold its rows.
  const snapshot = snapshotPath[snapshotPath.length - 1]!.span;
  const batches = snapshot.links.map((l) => reached.get(l.spanId)?.at(-1)?.span);
  expect(batches.length).toBeGreaterThan(0);
  expect(batches.every((b) => b?.name === `ingest keel.ingest.${model}`)).toBe(true);
  const accepted = batches.reduce((n, b) => n + Number(b!.attributes['keel.ingest.accepted']), 0);
  expect(accepted).toBe(snapshot.attributes['keel.snapshot.rows']);

  // The order of the walk is the order of the story.
  const names = arrival.map((st) => st.span.name);
  const order = [
    'alert drift fire',
    `drift window ${model}`,
    `predict ${model}`,
    'load model',
    'send keel.model.promoted',
    'promotion gate',
    `training job ${model}`,
    `snapshot ${model}`,
    `ingest keel.ingest.${model}`,
  ].map((n) => names.indexOf(n));
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);

  // Forward: the alert asked for retraining, and that job's span links back to the request.
  const request = one(spans, (s) => s.name === 'request retraining' && s.parentSpanId === alert.spanId);
  const retrain = one(
    spans,
    (s) => s.name === `training job ${model}` && s.attributes['keel.job.id'] === request.attributes['keel.job.id'],
  );
  expect(walkBack(spans, retrain).has(request.spanId)).toBe(true);
  expect(retrain.attributes['keel.job.trigger']).toBe('drift');

  return `${describePath(arrival)}\n\nretraining:\n${describePath(walkBack(spans, retrain).get(request.spanId)!)}\n`;
}

function isVersion(s: ReceivedSpan, name: string, version: unknown): boolean {
  return s.name === name && s.attributes['keel.model.version'] === version;
}

function one(spans: ReceivedSpan[], test: (s: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(test);
  if (found.length !== 1) throw new Error(`expected one such span, found ${found.length}`);
  return found[0]!;
}
