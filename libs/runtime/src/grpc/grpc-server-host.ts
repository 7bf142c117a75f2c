import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { GrpcServiceHandlers } from '@keel/contracts';
import type { Logger, ServiceMetrics } from '@keel/telemetry';
import type { AuthGate } from '../auth/auth-gate';
import { authInterceptor, BUILT_IN_RULES } from '../auth/grpc-auth';
import type { AccessRule } from '../auth/scopes';
import { adaptHandlers, type AsyncHandlers, type RpcScopes } from './grpc-handlers';
import { healthProtoPath, protoRoot } from './proto-files';

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

export interface GrpcHostOptions {
  host: string;
  port: number;
  /** Absolute paths of the service's own proto files. */
  protoFiles: string[];
  logger: Logger;
  metrics?: ServiceMetrics;
  maxMessageBytes?: number;
  /** TLS (and client-certificate verification) for the port; plaintext when absent. */
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer; clientAuth: boolean };
  /** Bearer-token checks on every method (off when absent or disabled). */
  auth?: AuthGate;
}

/**
 * One grpc-js server per service: its own services (registered by the transport adapters), plus
 * grpc.health.v1.Health and server reflection over everything it serves.
 */
export class GrpcServerHost {
  readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly server: grpc.Server;
  private readonly packageDefinition: protoLoader.PackageDefinition;
  private readonly grpcObject: grpc.GrpcObject;
  private readonly registered: string[] = [];
  private readonly rules = new Map<string, AccessRule>(BUILT_IN_RULES);
  private boundPort: number | undefined;

  constructor(private readonly options: GrpcHostOptions) {
    const max = options.maxMessageBytes ?? 64 * 1024 * 1024;
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': max,
      'grpc.max_send_message_length': max,
      interceptors: options.auth ? [authInterceptor(options.auth, this.rules)] : [],
    });
    this.packageDefinition = protoLoader.loadSync([...options.protoFiles, healthProtoPath], {
      ...PROTO_LOADER_OPTIONS,
      includeDirs: [protoRoot()],
    });
    this.grpcObject = grpc.loadPackageDefinition(this.packageDefinition);
    this.health.addToServer(this.server);
    new ReflectionService(this.packageDefinition).addToServer(this.server);
  }

  /** The service definition for a fully-qualified name such as 'keel.registry.v1.RegistryService'. */
  serviceDefinition(fullName: string): grpc.ServiceDefinition {
    const found = fullName
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], this.grpcObject) as
      { service?: grpc.ServiceDefinition } | undefined;
    if (!found?.service) throw new Error(`gRPC service ${fullName} is not in the loaded proto files`);
    return found.service;
  }

  /**
   * Serves one generated service: every method of its `…Handlers` interface, written async and checked
   * against the generated types by name (`'keel.registry.v1.DatasetService'`), with the scope each
   * method needs (`scopes`, checked by the auth interceptor). Thrown errors become their kind's status;
   * unexpected ones are logged and answered INTERNAL.
   */
  addService<N extends keyof GrpcServiceHandlers>(
    fullName: N,
    handlers: AsyncHandlers<GrpcServiceHandlers[N]>,
    scopes: RpcScopes<GrpcServiceHandlers[N]>,
  ): void {
    const definition = this.serviceDefinition(fullName);
    for (const [method, spec] of Object.entries(definition)) {
      const rule = (scopes as Record<string, AccessRule | undefined>)[method];
      if (!rule) throw new Error(`gRPC method ${fullName}/${method} declares no scope`);
      this.rules.set(spec.path, rule);
    }
    const implementation = adaptHandlers(definition, handlers, (err, method) =>
      this.options.logger.error({ err, service: fullName, method }, 'unexpected error in gRPC handler'),
    );
    this.server.addService(definition, this.metered(fullName, definition, implementation));
    this.registered.push(fullName);
  }

  /** Counts and times every unary call by method and status code. */
  private metered(
    service: string,
    definition: grpc.ServiceDefinition,
    impl: grpc.UntypedServiceImplementation,
  ): grpc.UntypedServiceImplementation {
    const metrics = this.options.metrics;
    if (!metrics) return impl;
    const seconds = metrics.histogram('keel_grpc_server_handling_seconds', 'gRPC unary call duration', [
      'grpc_service',
      'grpc_method',
      'grpc_code',
    ]);
    const out: grpc.UntypedServiceImplementation = {};
    for (const [name, handler] of Object.entries(impl)) {
      const method = definition[name];
      if (!method || method.requestStream || method.responseStream) {
        out[name] = handler;
        continue;
      }
      const unaryHandler = handler as grpc.handleUnaryCall<unknown, unknown>;
      out[name] = ((call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const end = seconds.startTimer({ grpc_service: service, grpc_method: name });
        unaryHandler(call, (err, value, trailer, flags) => {
          end({ grpc_code: grpc.status[err ? (err.code ?? grpc.status.UNKNOWN) : grpc.status.OK] });
          callback(err, value, trailer, flags);
        });
      }) as grpc.handleUnaryCall<unknown, unknown>;
    }
    return out;
  }

  async listen(): Promise<number> {
    const address = `${this.options.host}:${this.options.port}`;
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(address, this.credentials(), (err, port) =>
        err ? reject(new Error(`gRPC bind ${address}: ${err.message}`)) : resolve(port),
      ),
    );
    return this.boundPort;
  }

  /** The rule of every method served, by path ('/keel.registry.v1.DatasetService/CreateDataset'). */
  accessRules(): ReadonlyMap<string, AccessRule> {
    return this.rules;
  }

  private credentials(): grpc.ServerCredentials {
    const tls = this.options.tls;
    if (!tls) return grpc.ServerCredentials.createInsecure();
    return grpc.ServerCredentials.createSsl(
      tls.clientAuth ? (tls.ca ?? null) : null,
      [{ cert_chain: tls.cert, private_key: tls.key }],
      tls.clientAuth,
    );
  }

  setServing(serving: boolean): void {
    const status = serving ? 'SERVING' : 'NOT_SERVING';
    this.health.setStatus('', status);
    for (const name of this.registered) this.health.setStatus(name, status);
  }

  /** Stops accepting calls, lets in-flight ones finish within the deadline, then cancels the rest. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.setServing(false);
    if (this.boundPort === undefined) {
      this.server.forceShutdown();
      return;
    }
    const drained = new Promise<boolean>((resolve) => this.server.tryShutdown(() => resolve(true)));
    const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    if (!(await Promise.race([drained, timer]))) {
      this.options.logger.warn({ timeoutMs }, 'gRPC calls still running at the shutdown deadline; cancelling them');
      this.server.forceShutdown();
    }
  }
}
