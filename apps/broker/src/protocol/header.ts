import { Reader } from './reader';
import { ProtocolError } from './errors';

// Request header v1 (v2 adds tagged fields, only seen on flexible versions we answer with error 35).
export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

export function decodeRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  if (apiKey < 0 || apiVersion < 0) throw new ProtocolError(`invalid header: apiKey ${apiKey} version ${apiVersion}`);
  // ControlledShutdown v0 is the only API without a client id; it is not supported, so always read it.
  const clientId = r.nullableString();
  return { apiKey, apiVersion, correlationId, clientId };
}
