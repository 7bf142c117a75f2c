import { Reader } from '../reader';
import { Writer } from '../writer';

// OffsetCommit 0–7 and OffsetFetch 1–5.
export interface OffsetCommitRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly topics: {
    name: string;
    partitions: { index: number; offset: number; metadata: string | null }[];
  }[];
}

export function decodeOffsetCommitRequest(r: Reader, v: number): OffsetCommitRequest {
  const groupId = r.string();
  const generationId = v >= 1 ? r.int32() : -1;
  const memberId = v >= 1 ? r.string() : '';
  const groupInstanceId = v >= 7 ? r.nullableString() : null;
  if (v >= 2 && v <= 4) r.int64(); // retention time
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => {
      const index = r.int32();
      const offset = r.int64n();
      if (v >= 6) r.int32(); // leader epoch
      if (v === 1) r.int64(); // commit timestamp
      return { index, offset, metadata: r.nullableString() };
    }),
  }));
  return { groupId, generationId, memberId, groupInstanceId, topics };
}

export interface PartitionError {
  readonly index: number;
  readonly errorCode: number;
}

export function encodeOffsetCommitResponse(
  w: Writer,
  v: number,
  topics: { name: string; partitions: PartitionError[] }[],
): void {
  if (v >= 3) w.int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => w.int32(p.index).int16(p.errorCode));
  });
}

export interface OffsetFetchRequest {
  readonly groupId: string;
  readonly topics: { name: string; partitions: number[] }[] | null;
}

export function decodeOffsetFetchRequest(r: Reader, _v: number): OffsetFetchRequest {
  const groupId = r.string();
  const topics = r.nullableArray((r) => ({
    name: r.string(),
    partitions: r.array((r) => r.int32()),
  }));
  return { groupId, topics };
}

export interface OffsetFetchPartition {
  readonly index: number;
  readonly offset: number;
  readonly metadata: string | null;
  readonly errorCode: number;
}

export function encodeOffsetFetchResponse(
  w: Writer,
  v: number,
  topics: { name: string; partitions: OffsetFetchPartition[] }[],
  errorCode: number,
): void {
  if (v >= 3) w.int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.index).int64(p.offset);
      if (v >= 5) w.int32(-1);
      w.nullableString(p.metadata).int16(p.errorCode);
    });
  });
  if (v >= 2) w.int16(errorCode);
}
