import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { ServiceMetrics, type Logger } from '@keel/telemetry';
import { AuthGate } from './auth/auth-gate';
import { HttpAuthInterceptor } from './auth/http-auth';
import { GrpcServerHost } from './grpc/grpc-server-host';
import { Readiness } from './health/readiness';
import { HealthHttpController } from './http/health.http.controller';
import { DomainErrorFilter } from './http/http-errors';
import { LOGGER, SERVICE_CONFIG, SERVICE_NAME } from './tokens';

export interface RuntimeParts {
  service: string;
  config: unknown;
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: Readiness;
  grpc: GrpcServerHost;
  auth: AuthGate;
}

/** The services every Keel process shares, made injectable: config, logger, metrics, readiness, gRPC host, auth. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(parts: RuntimeParts, appModule: DynamicModule | (new () => unknown)): DynamicModule {
    const providers: Provider[] = [
      { provide: SERVICE_NAME, useValue: parts.service },
      { provide: SERVICE_CONFIG, useValue: parts.config },
      { provide: LOGGER, useValue: parts.logger },
      { provide: ServiceMetrics, useValue: parts.metrics },
      { provide: Readiness, useValue: parts.readiness },
      { provide: GrpcServerHost, useValue: parts.grpc },
      { provide: AuthGate, useValue: parts.auth },
    ];
    return {
      module: RuntimeModule,
      global: true,
      imports: [appModule],
      controllers: [HealthHttpController],
      providers: [
        ...providers,
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: HttpAuthInterceptor },
      ],
      exports: providers,
    };
  }
}
