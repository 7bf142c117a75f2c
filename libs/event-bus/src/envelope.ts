import type { IHeaders } from 'kafkajs';
import { INGEST_RECORD_TYPE, isIngestTopic } from '@keel/contracts';

// CloudEvents 1.0 Kafka protocol binding, binary mode: attributes are `ce_`-prefixed headers, the body is the data.
export const CE = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
} as const;

export const SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';

export interface EnvelopeAttributes {
  id: string;
  type: string;
  source: string;
  time: string;
  subject?: string;
}

/** The attributes of a consumed message, whether sent as a CloudEvent or as a plain ingest record. */
export interface DecodedEnvelope extends EnvelopeAttributes {
  /** True when the producer sent no ce_id and the bus derived one from topic, partition and offset. */
  derivedId: boolean;
}

export function encodeHeaders(attrs: EnvelopeAttributes, trace?: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {
    [CE.specversion]: SPEC_VERSION,
    [CE.id]: attrs.id,
    [CE.type]: attrs.type,
    [CE.source]: attrs.source,
    [CE.time]: attrs.time,
    [CE.contentType]: JSON_CONTENT_TYPE,
  };
  if (attrs.subject !== undefined) headers[CE.subject] = attrs.subject;
  return trace ? Object.assign(headers, trace) : headers;
}

/** Kafka headers as plain strings (a repeated header keeps its last value). */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  return decodeHeaders(headers).headers;
}

const NO_REPEATS: Readonly<Record<string, readonly string[]>> = Object.freeze({});

/**
 * Kafka headers as strings: `headers` keeps the last value of each (CloudEvents attributes are
 * single-valued), `repeated` every value, in order, of each header that appears more than once.
 */
export function decodeHeaders(headers: IHeaders | undefined): {
  headers: Record<string, string>;
  repeated: Readonly<Record<string, readonly string[]>>;
} {
  const out: Record<string, string> = {};
  let repeated: Record<string, string[]> | undefined;
  if (headers) {
    for (const key in headers) {
      const value = headers[key];
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        const all = value.map((v) => (typeof v === 'string' ? v : v.toString('utf8')));
        if (!all.length) continue;
        out[key] = all[all.length - 1]!;
        if (all.length > 1) (repeated ??= {})[key] = all;
      } else out[key] = typeof value === 'string' ? value : value.toString('utf8');
    }
  }
  return { headers: out, repeated: repeated ?? NO_REPEATS };
}

/**
 * The id given to a plain record: stable across redeliveries, so idempotency holds without ce_id. The
 * record's timestamp stands for the topic's incarnation (the broker's Metadata carries no topic id): a
 * topic deleted and created again, or a reset broker, starts again at offset 0, and without it the new
 * records would be skipped as duplicates of the old ones at the same offsets.
 */
export function derivedEventId(topic: string, partition: number, offset: string, timestamp: string): string {
  return `kafka:${topic}:${partition}:${offset}@${timestamp}`;
}

export type DecodeResult = { ok: true; envelope: DecodedEnvelope } | { ok: false; message: string };

// Messages produced in the same millisecond carry the same ce_time: the last valid one is not parsed again.
let lastValidTime: string | undefined;
function validTime(time: string): boolean {
  if (Number.isNaN(Date.parse(time))) return false;
  lastValidTime = time;
  return true;
}

const kafkaTime = (timestamp: string): string => new Date(Number(timestamp)).toISOString();

export function decodeEnvelope(
  headers: Record<string, string>,
  at: { topic: string; partition: number; offset: string; timestamp: string },
): DecodeResult {
  const id = headers[CE.id];
  if (id === undefined || id === '') {
    // Plain producers (kcat, any client) may write raw JSON to an ingest topic.
    if (!isIngestTopic(at.topic)) return { ok: false, message: `missing ${CE.id} header on ${at.topic}` };
    if (headers[CE.type] !== undefined && headers[CE.type] !== INGEST_RECORD_TYPE) {
      return { ok: false, message: `${CE.type} ${JSON.stringify(headers[CE.type])} without ${CE.id}` };
    }
    return {
      ok: true,
      envelope: {
        id: derivedEventId(at.topic, at.partition, at.offset, at.timestamp),
        type: INGEST_RECORD_TYPE,
        source: headers[CE.source] ?? `kafka:${at.topic}`,
        time: headers[CE.time] ?? kafkaTime(at.timestamp),
        subject: headers[CE.subject],
        derivedId: true,
      },
    };
  }
  const spec = headers[CE.specversion];
  const type = headers[CE.type];
  const source = headers[CE.source];
  const time = headers[CE.time];
  // The problems are only listed when there are some (this runs for every consumed message).
  const badTime = time !== undefined && time !== lastValidTime && !validTime(time);
  if (spec !== SPEC_VERSION || !type || !source || badTime) {
    const problems: string[] = [];
    if (spec !== SPEC_VERSION) problems.push(`${CE.specversion} must be ${SPEC_VERSION} (got ${JSON.stringify(spec)})`);
    if (!type) problems.push(`missing ${CE.type}`);
    if (!source) problems.push(`missing ${CE.source}`);
    if (badTime) problems.push(`${CE.time} is not a timestamp (${JSON.stringify(time)})`);
    return { ok: false, message: problems.join('; ') };
  }
  return {
    ok: true,
    envelope: {
      id,
      type,
      source,
      time: time ?? kafkaTime(at.timestamp),
      subject: headers[CE.subject],
      derivedId: false,
    },
  };
}
