// Test clients over real gRPC: the registry (to seed a model as training would) and monitoring itself.
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ArtifactInfo__Output, ArtifactServiceClient } from '@keel/contracts';
import { PROTO_LOADER_OPTIONS, protoFiles, protoRoot } from '@keel/runtime';

// Test helper: replies are dynamic protobuf objects the specs read field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Unary = (req: unknown) => Promise<any>;
export type PromiseClient = Record<string, Unary> & { raw: grpc.Client };
type Ctor = new (address: string, credentials: grpc.ChannelCredentials) => grpc.Client;

function promisify(client: grpc.Client): PromiseClient {
  return new Proxy({ raw: client } as PromiseClient, {
    get(target, prop: string) {
      if (prop === 'raw') return target.raw;
      const method = (client as unknown as Record<string, (...a: unknown[]) => unknown>)[prop];
      return (req: unknown) =>
        new Promise((resolve, reject) =>
          method.call(client, req, (err: grpc.ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res))),
        );
    },
  });
}

export function grpcClients<S extends string>(
  address: string,
  protos: string[],
  pkgPath: string,
  services: readonly S[],
): Record<S, PromiseClient> & { close(): void } {
  const def = protoLoader.loadSync(protoFiles(protos), { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot()] });
  let pkg = grpc.loadPackageDefinition(def) as unknown as Record<string, unknown>;
  for (const part of pkgPath.split('.')) pkg = pkg[part] as Record<string, unknown>;
  const creds = grpc.credentials.createInsecure();
  const out = {} as Record<S, PromiseClient>;
  for (const s of services) out[s] = promisify(new (pkg[s] as Ctor)(address, creds));
  return { ...out, close: () => Object.values<PromiseClient>(out).forEach((c) => c.raw.close()) };
}

export function registryClients(address: string) {
  return grpcClients(
    address,
    ['models', 'lineage', 'artifacts', 'runs', 'datasets'].map((p) => `keel/registry/v1/${p}.proto`),
    'keel.registry.v1',
    ['ModelService', 'LineageService', 'ArtifactService', 'RunService', 'DatasetService'] as const,
  );
}

export function monitoringClients(address: string) {
  return grpcClients(address, ['keel/monitoring/v1/monitoring.proto'], 'keel.monitoring.v1', [
    'MonitorService',
    'DriftService',
    'AlertService',
  ] as const);
}

/** Uploads bytes to the registry's artifact store. */
export function upload(client: grpc.Client, bytes: Buffer): Promise<ArtifactInfo__Output> {
  const artifacts = client as unknown as ArtifactServiceClient;
  return new Promise((resolve, reject) => {
    const call = artifacts.Upload((err, res) => (err ? reject(err) : resolve(res!)));
    call.write({ header: { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length } });
    for (let i = 0; i < bytes.length; i += 1 << 20) call.write({ data: bytes.subarray(i, i + (1 << 20)) });
    call.end();
  });
}
