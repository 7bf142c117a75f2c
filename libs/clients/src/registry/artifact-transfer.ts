import { once } from 'node:events';
import { createHash } from 'node:crypto';
import type { ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import type { registryV1 } from '@keel/contracts';

type ArtifactServiceClient = registryV1.ArtifactServiceClient;
type ArtifactInfo = registryV1.ArtifactInfo__Output;

export interface UploadOptions {
  /** Where the client's digest goes: in the header (known up front) or the trailer (computed while sending). */
  digestIn?: 'header' | 'trailer';
  /** Override the declared digest (to simulate corruption in transit). */
  declaredSha256?: string;
  declaredSize?: number;
}

/** Streams chunks up with backpressure, hashing as it goes; checks the server's digest against its own. */
export async function uploadChunks(
  client: ArtifactServiceClient,
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  options: UploadOptions & { knownSha256?: string } = {},
): Promise<ArtifactInfo> {
  let call!: ClientWritableStream<registryV1.UploadRequest>;
  const done = new Promise<ArtifactInfo>((resolve, reject) => {
    call = client.Upload((err: ServiceError | null, res?: ArtifactInfo) => (err ? reject(err) : resolve(res!)));
  });
  const hash = createHash('sha256');
  const inHeader = (options.digestIn ?? 'trailer') === 'header';
  call.write({
    header: {
      sha256: inHeader ? (options.declaredSha256 ?? options.knownSha256 ?? '') : '',
      size: options.declaredSize ?? 0,
    },
  });
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      if (!call.write({ data: chunk })) await Promise.race([once(call, 'drain'), done]);
    }
  } catch (err) {
    call.cancel();
    throw err;
  }
  const local = hash.digest('hex');
  if (!inHeader) call.write({ trailer: { sha256: options.declaredSha256 ?? local } });
  call.end();
  const info = await done;
  if (info.sha256 !== local) throw new Error(`server stored ${info.sha256} but the client sent ${local}`);
  return info;
}

/** Streams an artifact down, hashing every chunk; fails unless the digest matches the header's. */
export async function downloadTo(
  client: ArtifactServiceClient,
  sha256: string,
  onChunk: (chunk: Buffer) => void = () => undefined,
): Promise<{ sha256: string; size: number }> {
  const call = client.Download({ sha256 });
  const hash = createHash('sha256');
  let size = 0;
  let declared = '';
  for await (const msg of call as AsyncIterable<{ header?: { sha256: string } | null; data?: Buffer; part?: string }>) {
    if (msg.part === 'header') declared = msg.header!.sha256;
    else if (msg.data) {
      hash.update(msg.data);
      size += msg.data.length;
      onChunk(msg.data);
    }
  }
  const actual = hash.digest('hex');
  if (actual !== declared) throw new Error(`downloaded bytes hash to ${actual}, header said ${declared}`);
  return { sha256: actual, size };
}
