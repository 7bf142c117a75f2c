import { setting } from './settings';

/** Request limits every service enforces on its gRPC and HTTP ports (docs/security.md, Inputs). */
export function limitSettings() {
  return {
    grpcMaxMessageBytes: setting.int(
      'KEEL_GRPC_MAX_MESSAGE_BYTES',
      'Largest gRPC message received or sent; a bigger request fails with RESOURCE_EXHAUSTED (artifacts stream in chunks).',
      { default: 64 * 1024 * 1024, min: 4096, max: 1024 * 1024 * 1024 },
    ),
    httpHeadersTimeoutMs: setting.int(
      'KEEL_HTTP_HEADERS_TIMEOUT_MS',
      'An HTTP client must send its request headers within this time, or the connection is closed (slowloris).',
      { default: 10_000, min: 100, max: 300_000 },
    ),
    httpRequestTimeoutMs: setting.int(
      'KEEL_HTTP_REQUEST_TIMEOUT_MS',
      'An HTTP request (headers and body) must arrive within this time, or it is answered 408 and closed.',
      { default: 60_000, min: 100, max: 3_600_000 },
    ),
  };
}
