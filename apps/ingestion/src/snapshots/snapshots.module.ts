import { Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import type { IngestionSettings } from '../config';
import { DatasetsModule } from '../datasets/datasets.module';
import { RecordsModule } from '../records/records.module';
import { RegistryAdapter } from './registry.adapter';
import { REGISTRY } from './registry.token';
import { SnapshotScheduler } from './snapshot-scheduler';
import { SnapshotsMetrics } from './snapshots.metrics';
import { SnapshotsRepository } from './snapshots.repository';
import { SnapshotsService } from './snapshots.service';

@Injectable()
class RegistryLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REGISTRY) private readonly registry: RegistryAdapter) {}
  onApplicationShutdown(): void {
    this.registry.close();
  }
}

/** Snapshots: Parquet parts, manifests, profiles, registry versions, and the policy triggers. */
@Module({
  imports: [DatasetsModule, RecordsModule],
  providers: [
    {
      provide: REGISTRY,
      inject: [SERVICE_CONFIG],
      useFactory: (c: ConfigOf<IngestionSettings>) =>
        new RegistryAdapter(c.registryAddress ?? `127.0.0.1:${c.registryGrpcPort}`),
    },
    RegistryLifecycle,
    SnapshotsRepository,
    SnapshotsMetrics,
    SnapshotsService,
    SnapshotScheduler,
  ],
  exports: [SnapshotsService],
})
export class SnapshotsModule {}
