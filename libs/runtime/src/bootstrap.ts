import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, currentTelemetry, ServiceMetrics, type Logger } from '@keel/telemetry';
import { AuthGate } from './auth/auth-gate';
import { authEnabled } from './auth/auth-settings';
import type { TokenVerifier } from './auth/token-verifier';
import { ConfigError, loadConfig, redactConfig, settingsTable } from './config/load-config';
import { serviceConfigChecks, type ServiceSettings } from './config/service-settings';
import { loadTlsMaterial } from './config/tls-settings';
import type { ConfigOf, Settings } from './config/settings';
import { GrpcServerHost } from './grpc/grpc-server-host';
import { protoFiles } from './grpc/proto-files';
import { Readiness } from './health/readiness';
import { NestPinoLogger } from './logging/nest-logger';
import { RuntimeModule } from './runtime.module';

export interface ServiceDefinition<S extends ServiceSettings & Settings> {
  name: string;
  settings: S;
  /** Proto files relative to proto/ that this service serves. */
  protos: readonly string[];
  /** The service's root Nest module, built from its validated configuration. */
  module: (config: ConfigOf<S>) => DynamicModule | (new () => unknown);
  /**
   * Where this service checks bearer tokens when KEEL_AUTH=on (a call to the registry); the registry,
   * which owns the tokens, registers its own with AuthGate.use() instead.
   */
  tokenVerifier?: (config: ConfigOf<S>) => TokenVerifier;
}

export interface RunningService<S extends Settings = Settings> {
  name: string;
  config: ConfigOf<S>;
  grpcPort: number;
  httpPort: number;
  app: INestApplication;
  logger: Logger;
  /** Graceful stop: not ready, drain gRPC, close Nest (consumers, database, HTTP), flush traces. */
  stop(): Promise<void>;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** In a real process: handle SIGTERM/SIGINT and exit. Tests that start services in-process turn it off. */
  manageProcess?: boolean;
}

export async function startService<S extends ServiceSettings & Settings>(
  def: ServiceDefinition<S>,
  options: RunOptions = {},
): Promise<RunningService<S>> {
  const started = Date.now();
  const config = loadConfig(def.name, def.settings, options.env ?? process.env, serviceConfigChecks);
  const common = config as unknown as ConfigOf<ServiceSettings>;
  const logger = createLogger(def.name, { level: common.logLevel });
  const metrics = new ServiceMetrics(def.name);
  const readiness = new Readiness();
  const tls = loadTlsMaterial(common);
  const auth = new AuthGate({ enabled: authEnabled(common), open: common.authOpen, cacheMs: common.authCacheMs });
  if (auth.enabled && def.tokenVerifier) auth.use(def.tokenVerifier(config));
  const grpc = new GrpcServerHost({
    host: common.host,
    port: common.grpcPort,
    protoFiles: protoFiles(def.protos),
    logger,
    metrics,
    tls,
    auth,
    maxMessageBytes: common.grpcMaxMessageBytes,
  });
  const root = RuntimeModule.forRoot(
    { service: def.name, config, logger, metrics, readiness, grpc, auth },
    def.module(config),
  );

  const app = await NestFactory.create(root, {
    // The HTTP port (health, metrics, the service's REST) speaks TLS with the same material as gRPC.
    httpsOptions: tls && {
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      requestCert: tls.clientAuth,
      rejectUnauthorized: tls.clientAuth,
    },
    logger: new NestPinoLogger(logger),
    forceCloseConnections: true,
    abortOnError: false,
  });
  let grpcPort: number;
  try {
    await app.init();
    if (auth.enabled && !auth.hasVerifier) throw new Error(`${def.name} has KEEL_AUTH=on but no way to check tokens`);
    grpcPort = await grpc.listen();
    // A client that trickles its headers or body cannot hold a connection (and a worker) forever.
    const server = app.getHttpServer() as import('node:http').Server;
    server.headersTimeout = common.httpHeadersTimeoutMs;
    server.requestTimeout = Math.max(common.httpRequestTimeoutMs, common.httpHeadersTimeoutMs);
    // Node checks those timeouts on this interval (default 30 s); read when the server starts listening.
    (server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = Math.min(
      1000,
      common.httpHeadersTimeoutMs,
    );
    await app.listen(common.httpPort, common.host);
  } catch (err) {
    // A port in use or a dependency that failed to open: release whatever did start before reporting it,
    // but never wait long — a module still retrying a dependency must not delay the report of the real cause.
    logger.error({ err: err instanceof Error ? err.message : String(err) }, `${def.name} failed to start`);
    await grpc.shutdown(0);
    await boundedWait(app.close(), STARTUP_CLEANUP_MS);
    auth.close();
    throw err;
  }
  const address = app.getHttpServer().address() as { port: number };
  readiness.markStarted();
  metrics
    .gauge('keel_service_start_seconds', 'Seconds from the start call to ready')
    .set((Date.now() - started) / 1000);
  const ready = metrics.gauge('keel_service_ready', '1 while the service passes its readiness checks');
  // Every readiness report (the poll below, /readyz, a dependency's refresh()) moves gRPC health and the gauge.
  readiness.onReport((ok) => {
    grpc.setServing(ok);
    ready.set(ok ? 1 : 0);
  });
  await readiness.refresh();
  const healthTimer = setInterval(() => void readiness.refresh(), 2000).unref();
  logger.info(
    {
      grpcPort,
      httpPort: address.port,
      tls: tls ? (tls.clientAuth ? 'mutual' : 'on') : 'off',
      auth: auth.enabled ? 'on' : 'off',
      startupMs: Date.now() - started,
      config: redactConfig(def.settings, config),
    },
    `${def.name} started`,
  );

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(healthTimer);
      readiness.markStopping();
      logger.info('shutting down: draining in-flight work');
      await grpc.shutdown(common.shutdownTimeoutMs);
      await app.close();
      auth.close();
      logger.info('stopped');
    })());
  return { name: def.name, config, grpcPort, httpPort: address.port, app, logger, stop };
}

/** The entry point of a service process: start, stop on SIGTERM/SIGINT, exit 0 within 10 s; bad config exits 1 listing every problem. */
export async function runService<S extends ServiceSettings & Settings>(def: ServiceDefinition<S>): Promise<void> {
  // `main.ts --settings-table`: the documentation of every variable (docs/configuration.md is built from it).
  if (process.argv.includes('--settings-table')) {
    process.stdout.write(`${settingsTable(def.settings)}\n`);
    return;
  }
  let running: RunningService<S>;
  try {
    running = await startService(def);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      process.stderr.write(
        `${def.name} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
    process.exit(1);
  }
  const onSignal = (signal: NodeJS.Signals) => {
    running.logger.info({ signal }, 'signal received');
    const watchdog = setTimeout(() => {
      running.logger.error('graceful shutdown exceeded 10 s; exiting');
      process.exit(1);
    }, 9800);
    watchdog.unref();
    running
      .stop()
      .then(() => currentTelemetry()?.shutdown())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          running.logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/** How long a failed start waits for what did start to close before the failure is reported. */
const STARTUP_CLEANUP_MS = 3000;

async function boundedWait(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref())),
  ]);
  clearTimeout(timer);
}
