import { once } from 'node:events';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { GrpcServiceHandlers, registryV1 } from '@keel/contracts';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import type { StoredArtifact } from './artifact-store';
import { ArtifactsService } from './artifacts.service';

type DownloadCall = ServerWritableStream<registryV1.DownloadRequest__Output, registryV1.DownloadResponse>;

/** Waits for the client to take more, or for it to go away (then the loop sees `cancelled`). */
function drained(call: DownloadCall): Promise<unknown> {
  const controller = new AbortController();
  return Promise.race([
    once(call, 'drain', { signal: controller.signal }),
    once(call, 'cancelled', { signal: controller.signal }),
  ]).finally(() => controller.abort());
}

const toProto = (a: StoredArtifact): registryV1.ArtifactInfo => ({ sha256: a.sha256, size: a.size, uri: a.uri });

/** The scope each keel.registry.v1.ArtifactService method needs (docs/security.md). */
export const ARTIFACT_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.registry.v1.ArtifactService']> = {
  Upload: 'write',
  Download: 'read',
  StatArtifact: 'read',
};

/** keel.registry.v1.ArtifactService: streams in both directions with backpressure; bytes are never buffered whole. */
@Injectable()
export class ArtifactsGrpcController implements OnModuleInit {
  constructor(
    private readonly artifacts: ArtifactsService,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.registry.v1.ArtifactService',
      {
        // The call is an async iterable of upload messages, read with backpressure.
        Upload: async (call) => toProto(await this.artifacts.upload(call)),
        Download: (call) => this.download(call),
        StatArtifact: async (req) => toProto(await this.artifacts.statOrFail(req.sha256)),
      },
      ARTIFACT_RPC_SCOPES,
    );
  }

  private async download(call: DownloadCall): Promise<void> {
    const { info, chunks } = await this.artifacts.download(call.request.sha256);
    call.write({ header: toProto(info) });
    for await (const data of chunks) {
      if (call.cancelled) {
        await chunks.return(undefined);
        return;
      }
      if (!call.write({ data })) await drained(call);
    }
    call.end();
  }
}
