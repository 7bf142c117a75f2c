import { join } from 'node:path';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@keel/runtime';
import type { ConfigOf } from '@keel/runtime';
import type { RegistrySettings } from '../config';
import { ARTIFACT_STORE, type ArtifactStore } from './artifact-store';
import { ArtifactsGrpcController } from './artifacts.grpc.controller';
import { ArtifactsService } from './artifacts.service';
import { FsArtifactStore } from './fs-artifact-store';
import type * as S3Backend from './s3-artifact-store';

export function createArtifactStore(config: ConfigOf<RegistrySettings>): ArtifactStore {
  switch (config.artifactBackend) {
    case 'fs':
      return new FsArtifactStore(config.dataDir);
    case 's3': {
      if (!config.s3Bucket) throw new Error('KEEL_S3_BUCKET is required when KEEL_ARTIFACT_BACKEND=s3');
      // Loaded only when chosen: the AWS SDK is a large module tree that a filesystem-backed registry never uses.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { S3ArtifactStore } = require('./s3-artifact-store') as typeof S3Backend;
      return new S3ArtifactStore({
        endpoint: config.s3Endpoint,
        bucket: config.s3Bucket,
        prefix: config.s3Prefix,
        region: config.s3Region,
        accessKeyId: config.s3AccessKeyId,
        secretAccessKey: config.s3SecretAccessKey,
        forcePathStyle: config.s3ForcePathStyle,
        tmpDir: join(config.dataDir, 'artifacts', 'tmp'),
      });
    }
  }
}

class ArtifactStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ARTIFACT_STORE) private readonly store: ArtifactStore) {}
  onApplicationShutdown(): void {
    this.store.close?.();
  }
}

@Module({
  providers: [
    { provide: ARTIFACT_STORE, inject: [SERVICE_CONFIG], useFactory: createArtifactStore },
    ArtifactStoreLifecycle,
    ArtifactsService,
    ArtifactsGrpcController,
  ],
  exports: [ArtifactsService],
})
export class ArtifactsModule {}
