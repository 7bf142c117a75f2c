import { Reader } from '../reader';
import { Writer } from '../writer';

export interface FetchPartitionRequest {
  readonly partition: number;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

export interface FetchTopicRequest {
  readonly topic: string;
  readonly partitions: FetchPartitionRequest[];
}

export interface FetchRequest {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly isolationLevel: number;
  readonly topics: FetchTopicRequest[];
}

export function decodeFetchRequest(r: Reader, v: number): FetchRequest {
  r.int32(); // replica id
  const maxWaitMs = r.int32();
  const minBytes = r.int32();
  const maxBytes = v >= 3 ? r.int32() : 0x7fffffff;
  const isolationLevel = v >= 4 ? r.int8() : 0;
  if (v >= 7) {
    r.int32(); // session id: always answered with 0 (no fetch sessions)
    r.int32(); // session epoch
  }
  const topics = r.array((r) => ({
    topic: r.string(),
    partitions: r.array((r) => {
      const partition = r.int32();
      if (v >= 9) r.int32(); // current leader epoch
      const fetchOffset = r.int64n();
      if (v >= 5) r.int64(); // log start offset (followers only)
      return { partition, fetchOffset, maxBytes: r.int32() };
    }),
  }));
  if (v >= 7) r.array((r) => [r.string(), r.array((r) => r.int32())]);
  if (v >= 11) r.string();
  return { maxWaitMs, minBytes, maxBytes, isolationLevel, topics };
}

export interface FetchPartitionResponse {
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly records: Buffer[];
}

export interface FetchTopicResponse {
  readonly topic: string;
  readonly partitions: FetchPartitionResponse[];
}

export function encodeFetchResponse(w: Writer, v: number, topics: FetchTopicResponse[]): void {
  w.int32(0);
  if (v >= 7) w.int16(0).int32(0);
  w.array(topics, (w, t) => {
    w.string(t.topic);
    w.array(t.partitions, (w, p) => {
      w.int32(p.partition).int16(p.errorCode).int64(p.highWatermark);
      // No transactions here, so the last stable offset is the high watermark.
      w.int64(p.highWatermark);
      if (v >= 5) w.int64(p.logStartOffset);
      w.int32(0); // aborted transactions: empty array
      if (v >= 11) w.int32(-1);
      w.bytesList(p.records);
    });
  });
}
