import { Reader } from '../reader';
import { Writer } from '../writer';

// CreatePartitions 0-1, DeleteRecords 0-1, DeleteGroups 0-1 and OffsetDelete 0.
export interface CreatePartitionsRequest {
  readonly topics: { name: string; count: number; assignments: number[][] | null }[];
  readonly validateOnly: boolean;
}

export function decodeCreatePartitionsRequest(r: Reader, _v: number): CreatePartitionsRequest {
  const topics = r.array((r) => ({
    name: r.string(),
    count: r.int32(),
    assignments: r.nullableArray((r) => r.array((r) => r.int32())),
  }));
  r.int32(); // timeout
  return { topics, validateOnly: r.bool() };
}

export function encodeCreatePartitionsResponse(
  w: Writer,
  _v: number,
  results: { name: string; errorCode: number; errorMessage: string | null }[],
): void {
  w.int32(0);
  w.array(results, (w, t) => w.string(t.name).int16(t.errorCode).nullableString(t.errorMessage));
}

export interface DeleteRecordsTopic {
  readonly name: string;
  readonly partitions: { index: number; offset: number }[];
}

export function decodeDeleteRecordsRequest(r: Reader, _v: number): DeleteRecordsTopic[] {
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ index: r.int32(), offset: r.int64n() })),
  }));
  r.int32(); // timeout
  return topics;
}

export function encodeDeleteRecordsResponse(
  w: Writer,
  _v: number,
  topics: { name: string; partitions: { index: number; lowWatermark: number; errorCode: number }[] }[],
): void {
  w.int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => w.int32(p.index).int64(p.lowWatermark).int16(p.errorCode));
  });
}

export function decodeDeleteGroupsRequest(r: Reader, _v: number): string[] {
  return r.array((r) => r.string());
}

export function encodeDeleteGroupsResponse(
  w: Writer,
  _v: number,
  results: { groupId: string; errorCode: number }[],
): void {
  w.int32(0);
  w.array(results, (w, g) => w.string(g.groupId).int16(g.errorCode));
}

export interface OffsetDeleteRequest {
  readonly groupId: string;
  readonly topics: { name: string; partitions: number[] }[];
}

export function decodeOffsetDeleteRequest(r: Reader, _v: number): OffsetDeleteRequest {
  const groupId = r.string();
  const topics = r.array((r) => ({ name: r.string(), partitions: r.array((r) => r.int32()) }));
  return { groupId, topics };
}

export function encodeOffsetDeleteResponse(
  w: Writer,
  errorCode: number,
  topics: { name: string; partitions: { index: number; errorCode: number }[] }[],
): void {
  w.int16(errorCode).int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => w.int32(p.index).int16(p.errorCode));
  });
}
