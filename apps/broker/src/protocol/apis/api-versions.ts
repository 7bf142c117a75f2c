import { Writer } from '../writer';
import { SUPPORTED_VERSIONS } from '../api-keys';
import { ErrorCode } from '../errors';

// ApiVersions 0–2 have an empty request body. A v3+ request is answered in the v0 shape with
// UNSUPPORTED_VERSION and the full list, which is how librdkafka learns to fall back.
export function encodeApiVersionsResponse(w: Writer, version: number, errorCode: ErrorCode): void {
  w.int16(errorCode);
  w.array([...SUPPORTED_VERSIONS], (w, [key, range]) => {
    w.int16(key).int16(range.min).int16(range.max);
  });
  if (version >= 1 && version <= 2) w.int32(0);
}
