import { Reader } from '../reader';
import { Writer } from '../writer';

export function decodeFindCoordinatorRequest(r: Reader, v: number): { key: string; keyType: number } {
  const key = r.string();
  const keyType = v >= 1 ? r.int8() : 0;
  return { key, keyType };
}

export interface FindCoordinatorResponse {
  readonly errorCode: number;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export function encodeFindCoordinatorResponse(w: Writer, v: number, res: FindCoordinatorResponse): void {
  if (v >= 1) w.int32(0);
  w.int16(res.errorCode);
  if (v >= 1) w.nullableString(null);
  w.int32(res.nodeId).string(res.host).int32(res.port);
}
