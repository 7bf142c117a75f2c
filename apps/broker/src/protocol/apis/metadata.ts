import { Reader } from '../reader';
import { Writer } from '../writer';

export interface MetadataRequest {
  readonly topics: string[] | null; // null: all topics
  readonly allowAutoTopicCreation: boolean;
}

export function decodeMetadataRequest(r: Reader, v: number): MetadataRequest {
  const topics = r.nullableArray((r) => r.string());
  // v0 used an empty array to mean "all topics".
  const all = topics === null || (v === 0 && topics.length === 0);
  const allowAutoTopicCreation = v >= 4 ? r.bool() : true;
  if (v >= 8) {
    r.bool();
    r.bool();
  }
  return { topics: all ? null : topics, allowAutoTopicCreation };
}

export interface MetadataBroker {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export interface MetadataPartition {
  readonly errorCode: number;
  readonly index: number;
  readonly leader: number;
  readonly offline: boolean; // out of service: empty ISR, listed in offline replicas
}

export interface MetadataTopic {
  readonly errorCode: number;
  readonly name: string;
  readonly partitions: MetadataPartition[];
}

export interface MetadataResponse {
  readonly brokers: MetadataBroker[];
  readonly clusterId: string;
  readonly controllerId: number;
  readonly topics: MetadataTopic[];
}

export function encodeMetadataResponse(w: Writer, v: number, res: MetadataResponse): void {
  if (v >= 3) w.int32(0);
  w.array(res.brokers, (w, b) => {
    w.int32(b.nodeId).string(b.host).int32(b.port);
    if (v >= 1) w.nullableString(null);
  });
  if (v >= 2) w.nullableString(res.clusterId);
  if (v >= 1) w.int32(res.controllerId);
  w.array(res.topics, (w, t) => {
    w.int16(t.errorCode).string(t.name);
    if (v >= 1) w.bool(false);
    w.array(t.partitions, (w, p) => {
      w.int16(p.errorCode).int32(p.index).int32(p.leader);
      if (v >= 7) w.int32(0);
      w.array([p.leader], (w, n) => w.int32(n));
      w.array(p.offline ? [] : [p.leader], (w, n) => w.int32(n));
      if (v >= 5) w.array(p.offline ? [p.leader] : [], (w, n) => w.int32(n));
    });
    if (v >= 8) w.int32(-2147483648);
  });
  if (v >= 8) w.int32(-2147483648);
}
