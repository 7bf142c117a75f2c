import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type {
  ArtifactServiceClient,
  DatasetServiceClient,
  LineageServiceClient,
  ModelServiceClient,
  RunServiceClient,
} from '@keel/contracts';
import { PROTO_LOADER_OPTIONS, protoFiles, protoRoot } from '@keel/runtime';
import { registryService } from '../service-definition';

type Unary<C> = {
  [K in keyof C as C[K] extends (req: infer _R, cb: infer _C) => grpc.ClientUnaryCall ? K : never]: C[K] extends {
    (argument: infer Req, callback: grpc.requestCallback<infer Res>): grpc.ClientUnaryCall;
  }
    ? (req: Req, options?: grpc.CallOptions) => Promise<Res>
    : never;
};

/** Promise-returning unary methods over a real grpc-js client (a test and bench convenience). */
function promisify<C extends grpc.Client>(client: C): Unary<C> & { raw: C } {
  return new Proxy({ raw: client } as Unary<C> & { raw: C }, {
    get(target, prop: string) {
      if (prop === 'raw') return target.raw;
      const method = (client as unknown as Record<string, (...args: unknown[]) => grpc.ClientUnaryCall>)[prop];
      if (typeof method !== 'function') return undefined;
      return (req: unknown, options: grpc.CallOptions = {}) =>
        new Promise((resolve, reject) =>
          method.call(client, req, new grpc.Metadata(), options, (err: grpc.ServiceError | null, res: unknown) =>
            err ? reject(err) : resolve(res),
          ),
        );
    },
  });
}

export interface RegistryClients {
  datasets: Unary<DatasetServiceClient> & { raw: DatasetServiceClient };
  runs: Unary<RunServiceClient> & { raw: RunServiceClient };
  models: Unary<ModelServiceClient> & { raw: ModelServiceClient };
  lineage: Unary<LineageServiceClient> & { raw: LineageServiceClient };
  artifacts: Unary<ArtifactServiceClient> & { raw: ArtifactServiceClient };
  close(): void;
}

type Ctor<C> = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => C;

export function registryClients(address: string): RegistryClients {
  const def = protoLoader.loadSync(protoFiles(registryService.protos), {
    ...PROTO_LOADER_OPTIONS,
    includeDirs: [protoRoot()],
  });
  const pkg = (
    grpc.loadPackageDefinition(def) as unknown as { keel: { registry: { v1: Record<string, Ctor<grpc.Client>> } } }
  ).keel.registry.v1;
  const creds = grpc.credentials.createInsecure();
  const options = { 'grpc.max_receive_message_length': 64 * 1024 * 1024 };
  const make = <C extends grpc.Client>(name: string) => new (pkg[name] as unknown as Ctor<C>)(address, creds, options);
  const clients = {
    datasets: promisify(make<DatasetServiceClient>('DatasetService')),
    runs: promisify(make<RunServiceClient>('RunService')),
    models: promisify(make<ModelServiceClient>('ModelService')),
    lineage: promisify(make<LineageServiceClient>('LineageService')),
    artifacts: promisify(make<ArtifactServiceClient>('ArtifactService')),
  };
  return { ...clients, close: () => Object.values(clients).forEach((c) => c.raw.close()) };
}
