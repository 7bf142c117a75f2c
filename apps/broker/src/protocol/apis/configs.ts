import { Reader } from '../reader';
import { Writer } from '../writer';

// DescribeConfigs 0-3, AlterConfigs 0-1 and IncrementalAlterConfigs 0 (all below their first
// flexible version).
export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

export interface DescribeConfigsRequest {
  readonly resources: { type: number; name: string; keys: string[] | null }[];
  readonly includeSynonyms: boolean;
  readonly includeDocumentation: boolean;
}

export function decodeDescribeConfigsRequest(r: Reader, v: number): DescribeConfigsRequest {
  const resources = r.array((r) => ({ type: r.int8(), name: r.string(), keys: r.nullableArray((r) => r.string()) }));
  const includeSynonyms = v >= 1 ? r.bool() : false;
  const includeDocumentation = v >= 3 ? r.bool() : false;
  return { resources, includeSynonyms, includeDocumentation };
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  readonly source: number; // ConfigSource: 1 topic override, 4 static broker config, 5 default
  readonly isSensitive: boolean;
  readonly synonyms: { name: string; value: string | null; source: number }[];
  readonly type: number; // ConfigType: 1 boolean, 2 string, 3 int, 5 long, 7 list
  readonly documentation: string | null;
}

export interface DescribeConfigsResult {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly type: number;
  readonly name: string;
  readonly configs: ConfigEntry[];
}

export function encodeDescribeConfigsResponse(w: Writer, v: number, results: DescribeConfigsResult[]): void {
  w.int32(0);
  w.array(results, (w, res) => {
    w.int16(res.errorCode).nullableString(res.errorMessage).int8(res.type).string(res.name);
    w.array(res.configs, (w, c) => {
      w.string(c.name).nullableString(c.value).bool(c.readOnly);
      if (v === 0) w.bool(c.source === 5);
      else w.int8(c.source);
      w.bool(c.isSensitive);
      if (v >= 1) w.array(c.synonyms, (w, s) => w.string(s.name).nullableString(s.value).int8(s.source));
      if (v >= 3) w.int8(c.type).nullableString(c.documentation);
    });
  });
}

export interface AlterConfigsRequest {
  readonly resources: { type: number; name: string; configs: { name: string; value: string | null }[] }[];
  readonly validateOnly: boolean;
}

export function decodeAlterConfigsRequest(r: Reader, _v: number): AlterConfigsRequest {
  const resources = r.array((r) => ({
    type: r.int8(),
    name: r.string(),
    configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
  }));
  return { resources, validateOnly: r.bool() };
}

export const AlterOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface IncrementalAlterConfigsRequest {
  readonly resources: {
    type: number;
    name: string;
    configs: { name: string; op: number; value: string | null }[];
  }[];
  readonly validateOnly: boolean;
}

export function decodeIncrementalAlterConfigsRequest(r: Reader, _v: number): IncrementalAlterConfigsRequest {
  const resources = r.array((r) => ({
    type: r.int8(),
    name: r.string(),
    configs: r.array((r) => ({ name: r.string(), op: r.int8(), value: r.nullableString() })),
  }));
  return { resources, validateOnly: r.bool() };
}

export interface AlterResult {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly type: number;
  readonly name: string;
}

// AlterConfigs and IncrementalAlterConfigs answer in the same shape.
export function encodeAlterConfigsResponse(w: Writer, _v: number, results: AlterResult[]): void {
  w.int32(0);
  w.array(results, (w, res) => {
    w.int16(res.errorCode).nullableString(res.errorMessage).int8(res.type).string(res.name);
  });
}
