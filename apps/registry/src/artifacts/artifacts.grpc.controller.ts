import { once } from 'node:events';
import type { ServerReadableStream, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type {
  ArtifactInfo,
  DownloadRequest__Output,
  DownloadResponse,
  StatArtifactRequest__Output,
  UploadRequest__Output,
} from '@keel/contracts';
import { GrpcServerHost, LOGGER, toServiceError } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { unaryHandlers } from '../common/grpc-adapter';
import { registryErrorMapper } from '../common/grpc-status.mapper';
import type { StoredArtifact } from './artifact-store';
import { ArtifactsService } from './artifacts.service';

/** Waits for the client to take more, or for it to go away (then the loop sees `cancelled`). */
function drained(call: ServerWritableStream<DownloadRequest__Output, DownloadResponse>): Promise<unknown> {
  const controller = new AbortController();
  return Promise.race([
    once(call, 'drain', { signal: controller.signal }),
    once(call, 'cancelled', { signal: controller.signal }),
  ]).finally(() => controller.abort());
}

const toProto = (a: StoredArtifact): ArtifactInfo => ({ sha256: a.sha256, size: a.size, uri: a.uri });

/** keel.registry.v1.ArtifactService: streams in both directions with backpressure; bytes are never buffered whole. */
@Injectable()
export class ArtifactsGrpcController implements OnModuleInit {
  constructor(
    private readonly artifacts: ArtifactsService,
    private readonly grpc: GrpcServerHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.grpc.addService('keel.registry.v1.ArtifactService', {
      Upload: (
        call: ServerReadableStream<UploadRequest__Output, ArtifactInfo>,
        callback: sendUnaryData<ArtifactInfo>,
      ) => {
        this.artifacts.upload(call).then(
          (stored) => callback(null, toProto(stored)),
          (err: unknown) => callback(this.toStatus(err, 'Upload')),
        );
      },
      Download: (call: ServerWritableStream<DownloadRequest__Output, DownloadResponse>) => {
        void this.download(call);
      },
      ...unaryHandlers(
        {
          StatArtifact: async (req: StatArtifactRequest__Output) =>
            toProto(await this.artifacts.statOrFail(req.sha256)),
        },
        this.logger,
      ),
    });
  }

  private async download(call: ServerWritableStream<DownloadRequest__Output, DownloadResponse>): Promise<void> {
    try {
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
    } catch (err) {
      // grpc-js turns an 'error' event on a server stream into the call's final status.
      call.emit('error', this.toStatus(err, 'Download'));
    }
  }

  private toStatus(err: unknown, method: string) {
    const mapped = toServiceError(err, registryErrorMapper);
    if (mapped.message === 'internal error') this.logger.error({ err, method }, 'unexpected error in gRPC stream');
    return mapped;
  }
}
