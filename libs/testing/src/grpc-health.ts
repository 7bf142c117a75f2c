import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

type HealthClient = grpc.Client & {
  check(
    req: { service: string },
    options: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res?: { status: string }) => void,
  ): void;
};

let HealthCtor: (new (address: string, creds: grpc.ChannelCredentials) => HealthClient) | undefined;

/** Asks grpc.health.v1.Health/Check over a real connection; resolves with the status name (e.g. 'SERVING'). */
export async function grpcHealthCheck(address: string, service = '', timeoutMs = 3000): Promise<string> {
  if (!HealthCtor) {
    const def = protoLoader.loadSync(protoPath, { enums: String });
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      grpc: { health: { v1: { Health: typeof HealthCtor } } };
    };
    HealthCtor = pkg.grpc.health.v1.Health;
  }
  const client = new HealthCtor!(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<string>((resolve, reject) =>
      client.check({ service }, { deadline: Date.now() + timeoutMs }, (err, res) =>
        err ? reject(err) : resolve(res!.status),
      ),
    );
  } finally {
    client.close();
  }
}
