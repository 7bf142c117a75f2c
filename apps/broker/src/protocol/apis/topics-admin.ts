import { Reader } from '../reader';
import { Writer } from '../writer';

export interface CreateTopicSpec {
  readonly name: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly assignments: { index: number; brokers: number[] }[];
  readonly configs: { name: string; value: string | null }[];
}

export interface CreateTopicsRequest {
  readonly topics: CreateTopicSpec[];
  readonly timeoutMs: number;
  readonly validateOnly: boolean;
}

export function decodeCreateTopicsRequest(r: Reader, v: number): CreateTopicsRequest {
  const topics = r.array((r) => ({
    name: r.string(),
    numPartitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array((r) => ({
      index: r.int32(),
      brokers: r.array((r) => r.int32()),
    })),
    configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
  }));
  const timeoutMs = r.int32();
  const validateOnly = v >= 1 ? r.bool() : false;
  return { topics, timeoutMs, validateOnly };
}

export interface TopicResult {
  readonly name: string;
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export function encodeCreateTopicsResponse(w: Writer, v: number, results: TopicResult[]): void {
  if (v >= 2) w.int32(0);
  w.array(results, (w, t) => {
    w.string(t.name).int16(t.errorCode);
    if (v >= 1) w.nullableString(t.errorMessage);
  });
}

export function decodeDeleteTopicsRequest(r: Reader, _v: number): string[] {
  const names = r.array((r) => r.string());
  r.int32(); // timeout
  return names;
}

export function encodeDeleteTopicsResponse(w: Writer, v: number, results: TopicResult[]): void {
  if (v >= 1) w.int32(0);
  w.array(results, (w, t) => w.string(t.name).int16(t.errorCode));
}

export function decodeInitProducerIdRequest(r: Reader): {
  transactionalId: string | null;
} {
  const transactionalId = r.nullableString();
  r.int32();
  return { transactionalId };
}

export function encodeInitProducerIdResponse(w: Writer, errorCode: number, producerId: number, epoch: number): void {
  w.int32(0).int16(errorCode).int64(producerId).int16(epoch);
}
