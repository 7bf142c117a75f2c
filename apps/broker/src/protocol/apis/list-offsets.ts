import { Reader } from '../reader';
import { Writer } from '../writer';

export interface ListOffsetsPartition {
  readonly index: number;
  readonly timestamp: number;
}

export interface ListOffsetsTopic {
  readonly name: string;
  readonly partitions: ListOffsetsPartition[];
}

export function decodeListOffsetsRequest(r: Reader, v: number): ListOffsetsTopic[] {
  r.int32(); // replica id
  if (v >= 2) r.int8(); // isolation level
  return r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => {
      const index = r.int32();
      if (v >= 4) r.int32(); // current leader epoch
      const timestamp = r.int64n();
      if (v === 0) r.int32(); // max num offsets
      return { index, timestamp };
    }),
  }));
}

export interface ListOffsetsPartitionResponse {
  readonly index: number;
  readonly errorCode: number;
  readonly timestamp: number;
  readonly offset: number;
}

export interface ListOffsetsTopicResponse {
  readonly name: string;
  readonly partitions: ListOffsetsPartitionResponse[];
}

export function encodeListOffsetsResponse(w: Writer, v: number, topics: ListOffsetsTopicResponse[]): void {
  if (v >= 2) w.int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.index).int16(p.errorCode);
      if (v === 0) {
        w.array(p.errorCode === 0 && p.offset >= 0 ? [p.offset] : [], (w, o) => w.int64(o));
      } else {
        w.int64(p.timestamp).int64(p.offset);
        if (v >= 4) w.int32(0);
      }
    });
  });
}
