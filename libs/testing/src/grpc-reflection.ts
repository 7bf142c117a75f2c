import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

type ReflectionStream = grpc.ClientDuplexStream<
  { listServices: string },
  { listServicesResponse?: { service: { name: string }[] }; errorResponse?: { errorMessage: string } }
>;
type ReflectionClient = grpc.Client & {
  serverReflectionInfo(metadata: grpc.Metadata, options?: grpc.CallOptions): ReflectionStream;
};

/**
 * Lists the services a server exposes through grpc.reflection.v1 — what grpcurl and Postman ask first
 * (with `token` as the bearer token when auth is on: reflection needs the read scope).
 */
export async function listGrpcServices(address: string, timeoutMs = 3000, token?: string): Promise<string[]> {
  const pkgRoot = dirname(require.resolve('@grpc/reflection/package.json'));
  const def = protoLoader.loadSync(join(pkgRoot, 'build/proto/grpc/reflection/v1/reflection.proto'), { oneofs: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: new (a: string, c: grpc.ChannelCredentials) => ReflectionClient } } };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const metadata = new grpc.Metadata();
      if (token) metadata.set('authorization', `Bearer ${token}`);
      const call = client.serverReflectionInfo(metadata, { deadline: Date.now() + timeoutMs });
      call.on('data', (res) => {
        if (res.errorResponse) reject(new Error(res.errorResponse.errorMessage));
        else resolve((res.listServicesResponse?.service ?? []).map((s: { name: string }) => s.name).sort());
        call.end();
      });
      call.on('error', reject);
      call.write({ listServices: '' });
    });
  } finally {
    client.close();
  }
}
