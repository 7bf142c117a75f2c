import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import type { MonitoringSettings } from '../config';
import { RegistryGrpcAdapter } from './registry-grpc.adapter';
import { REGISTRY, type RegistryPort } from './registry.port';
import { ReferenceService } from './reference.service';

@Injectable()
class RegistryLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REGISTRY) private readonly registry: RegistryPort) {}
  onApplicationShutdown(): void {
    this.registry.close();
  }
}

/** The registry client (model versions, lineage, reference artifacts, runs) and the reference cache. */
@Global()
@Module({
  providers: [
    {
      provide: REGISTRY,
      inject: [SERVICE_CONFIG],
      useFactory: (c: ConfigOf<MonitoringSettings>) =>
        new RegistryGrpcAdapter(c.registryAddress ?? `127.0.0.1:${c.registryGrpcPort}`),
    },
    RegistryLifecycle,
    ReferenceService,
  ],
  exports: [REGISTRY, ReferenceService],
})
export class RegistryModule {}
