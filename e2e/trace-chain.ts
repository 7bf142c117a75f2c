// An OTLP/HTTP receiver (the http/json encoding) for tests, and the walk a trace backend does: from one
// span back through parents and links. Used by trace-chain.int-spec.ts.
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
