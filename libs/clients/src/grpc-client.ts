import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { GRPC_PACKAGE_PROTOS, type GrpcPackage, type GrpcServiceClients } from '@keel/contracts';
import { clientTlsFromEnv, PROTO_LOADER_OPTIONS, protoFiles, protoRoot } from '@keel/runtime';

/** The unary methods of a generated client, each returning a promise of its response. */
export type Unary<C> = {
  [K in keyof C as C[K] extends (req: infer _R, cb: infer _C) => grpc.ClientUnaryCall ? K : never]: C[K] extends {
    (argument: infer Req, callback: grpc.requestCallback<infer Res>): grpc.ClientUnaryCall;
  }
    ? (req: Req, options?: grpc.CallOptions) => Promise<Res>
    : never;
};

/** A generated client with promise-returning unary methods; `raw` keeps the streaming ones. */
export type PromiseClient<C> = Unary<C> & { raw: C };

export interface ClientOptions {
  /** Deadline of each unary call unless the call passes its own (default 30 s). */
  deadlineMs?: number;
  /** Largest message received (default 64 MiB, as the servers). */
  maxMessageBytes?: number;
  credentials?: grpc.ChannelCredentials;
  /** Bearer token sent as `authorization` on every call (default KEEL_TOKEN; '' sends none). */
  token?: string;
}

function promisify<C extends grpc.Client>(client: C, deadlineMs: number): PromiseClient<C> {
  return new Proxy({ raw: client } as PromiseClient<C>, {
    get(target, prop: string) {
      if (prop === 'raw') return target.raw;
      const method = (client as unknown as Record<string, (...args: unknown[]) => grpc.ClientUnaryCall>)[prop];
      if (typeof method !== 'function') return undefined;
      return (req: unknown, options: grpc.CallOptions = {}) =>
        new Promise((resolve, reject) =>
          method.call(
            client,
            req,
            new grpc.Metadata(),
            { deadline: Date.now() + deadlineMs, ...options },
            (err: grpc.ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res)),
          ),
        );
    },
  });
}

/** Reconnect backoff of every client channel: 100 ms doubling (with jitter) to at most 1 s. */
export const RECONNECT_BACKOFF_MS = { initial: 100, max: 1000 } as const;

type Ctor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => grpc.Client;
const packages = new Map<GrpcPackage, grpc.GrpcObject>();

/**
 * A client of one Keel gRPC service by its fully-qualified name, typed by the generated client
 * (GrpcServiceClients), loaded from the same proto files and options as the server.
 */
export function serviceClient<N extends keyof GrpcServiceClients>(
  fullName: N,
  address: string,
  options: ClientOptions = {},
): PromiseClient<GrpcServiceClients[N]> {
  const pkgName = fullName.slice(0, fullName.lastIndexOf('.')) as GrpcPackage;
  let pkg = packages.get(pkgName);
  if (!pkg) {
    const def = protoLoader.loadSync(protoFiles(GRPC_PACKAGE_PROTOS[pkgName]), {
      ...PROTO_LOADER_OPTIONS,
      includeDirs: [protoRoot()],
    });
    pkg = grpc.loadPackageDefinition(def);
    packages.set(pkgName, pkg);
  }
  const Client = fullName
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], pkg) as Ctor;
  const max = options.maxMessageBytes ?? 64 * 1024 * 1024;
  const token = options.token ?? process.env['KEEL_TOKEN'];
  const client = new Client(address, options.credentials ?? defaultCredentials(), {
    'grpc.max_receive_message_length': max,
    'grpc.max_send_message_length': max,
    // A restarted server is found within a second: grpc-js's default backoff grows to 120 s between
    // attempts, so after a 10 s outage calls kept failing fast (UNAVAILABLE) for seconds after the
    // service was back (seen by `npm run chaos`).
    'grpc.initial_reconnect_backoff_ms': RECONNECT_BACKOFF_MS.initial,
    'grpc.max_reconnect_backoff_ms': RECONNECT_BACKOFF_MS.max,
    ...(token ? { interceptors: [bearerInterceptor(token)] } : {}),
  }) as GrpcServiceClients[N] & grpc.Client;
  return promisify(client, options.deadlineMs ?? 30_000);
}

/**
 * Adds `authorization: Bearer <token>` to every call (unary and streaming) that does not carry one.
 * An interceptor rather than call credentials: grpc-js sends those only over TLS, and loopback is plaintext.
 */
export function bearerInterceptor(token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        if (metadata.get('authorization').length === 0) metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

/** TLS from KEEL_TLS_CA (+ KEEL_TLS_CERT/KEY for mutual TLS) when set, as the services read them; else plaintext. */
export function defaultCredentials(env: NodeJS.ProcessEnv = process.env): grpc.ChannelCredentials {
  const tls = clientTlsFromEnv(env);
  return tls
    ? grpc.credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null)
    : grpc.credentials.createInsecure();
}
