import { Reader } from '../reader';
import { Writer } from '../writer';

export interface ProducePartitionData {
  readonly index: number;
  readonly records: Buffer | null;
}

export interface ProduceTopicData {
  readonly name: string;
  readonly partitions: ProducePartitionData[];
}

export interface ProduceRequest {
  readonly transactionalId: string | null;
  readonly acks: number;
  readonly timeoutMs: number;
  readonly topics: ProduceTopicData[];
}

export function decodeProduceRequest(r: Reader, _v: number): ProduceRequest {
  const transactionalId = r.nullableString();
  const acks = r.int16();
  const timeoutMs = r.int32();
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({
      index: r.int32(),
      records: r.nullableBytes(),
    })),
  }));
  return { transactionalId, acks, timeoutMs, topics };
}

export interface ProducePartitionResponse {
  readonly index: number;
  readonly errorCode: number;
  readonly baseOffset: number;
  readonly logStartOffset: number;
}

export interface ProduceTopicResponse {
  readonly name: string;
  readonly partitions: ProducePartitionResponse[];
}

export function encodeProduceResponse(w: Writer, v: number, topics: ProduceTopicResponse[]): void {
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
      if (v >= 2) w.int64(-1);
      if (v >= 5) w.int64(p.logStartOffset);
    });
  });
  w.int32(0);
}
