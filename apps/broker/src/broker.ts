import * as fs from 'node:fs';
import * as net from 'node:net';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { topicDefaults, type BrokerConfig } from './config';
import { LogManager } from './log/log-manager';
import { GroupCoordinator } from './group/coordinator';
import { OffsetStore } from './group/offset-store';
import { GroupStore } from './group/group-store';
import { memberCount } from './group/group-queries';
import { BrokerMetrics } from './http/metrics';
import { createHttpServer } from './http/http-server';
import { Connection } from './server/connection';
import type { BrokerContext } from './server/context';
import type { Logger } from './logger';

function listen(server: net.Server | http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

// The whole broker: storage, coordinator, Kafka listener and HTTP endpoints.
export class Broker {
  private readonly logs: LogManager;
  private readonly offsets: OffsetStore;
  private readonly groups: GroupCoordinator;
  private readonly metrics = new BrokerMetrics();
  private readonly kafka: net.Server;
  private readonly http: http.Server;
  private readonly sockets = new Set<net.Socket>();
  private retentionTimer?: NodeJS.Timeout;
  private fsyncTimer?: NodeJS.Timeout;
  private ready = false;
  private expiredProducers = 0;
  port = 0;
  httpPort = 0;

  constructor(
    private readonly config: BrokerConfig,
    private readonly logger: Logger,
  ) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    this.logs = new LogManager(
      config.dataDir,
      { defaults: topicDefaults(config), fsync: config.fsync, producerIdExpirationMs: config.producerIdExpirationMs },
      logger,
    );
    this.offsets = new OffsetStore(config.dataDir, config.fsync.kind === 'always');
    this.groups = new GroupCoordinator(
      { initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs },
      logger,
      new GroupStore(config.dataDir, logger),
    );
    const ctx: BrokerContext = {
      config,
      logs: this.logs,
      groups: this.groups,
      offsets: this.offsets,
      metrics: this.metrics,
      logger,
      port: () => config.advertisedPort || this.port,
    };
    this.kafka = net.createServer((socket) => {
      this.sockets.add(socket);
      this.metrics.connections++;
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.metrics.connections--;
      });
      new Connection(socket, ctx);
    });
    this.http = createHttpServer(
      () => this.ready,
      () =>
        this.metrics.render({
          topics: this.logs.all().length,
          partitions: this.logs.partitionCount(),
          logBytes: this.logs.totalBytes(),
          rebalances: this.groups.rebalances,
          groupMembers: memberCount(this.groups.groups),
          offlinePartitions: this.logs.offlinePartitions,
          recoveredBytes: this.logs.truncatedBytes,
          expiredProducers: this.expiredProducers,
          cleanedBytes: this.logs.compactedBytes,
        }),
    );
  }

  async start(): Promise<void> {
    const t0 = Date.now();
    this.logs.load();
    this.offsets.load();
    this.groups.load();
    this.httpPort = await listen(this.http, this.config.httpPort, this.config.host);
    this.port = await listen(this.kafka, this.config.port, this.config.host);
    this.ready = true;
    this.retentionTimer = setInterval(() => this.housekeeping(Date.now()), this.config.retentionCheckMs);
    this.retentionTimer.unref();
    const policy = this.config.fsync;
    if (policy.kind === 'interval') {
      this.fsyncTimer = setInterval(() => {
        Promise.all([this.logs.flush(), this.offsets.flush()]).catch((e: unknown) =>
          this.logger.error('periodic fsync failed', { error: String(e) }),
        );
      }, policy.ms);
      this.fsyncTimer.unref();
    }
    this.logger.info('broker listening', {
      port: this.port,
      httpPort: this.httpPort,
      host: this.config.host,
      dataDir: this.config.dataDir,
      topics: this.logs.all().length,
      recoveredTruncatedBytes: this.logs.truncatedBytes,
      startupMs: Date.now() - t0,
    });
  }

  // Retention (with time-based rolls), compaction and idempotent-producer expiry, on the timer.
  private housekeeping(now: number): void {
    const removed = this.logs.applyRetention(now);
    if (removed > 0) this.logger.info('retention removed segments', { segments: removed });
    void this.logs.compact(now);
    const expired = this.logs.expireProducers(now);
    this.expiredProducers += expired;
    if (expired > 0) this.logger.info('idle producers expired', { producers: expired });
  }

  // Stop accepting, drop clients, flush and fsync everything, release files.
  async stop(): Promise<void> {
    this.ready = false;
    clearInterval(this.retentionTimer);
    clearInterval(this.fsyncTimer);
    const closed = new Promise<void>((resolve) => this.kafka.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    const groupsClosed = this.groups.close();
    await closed;
    await groupsClosed;
    await Promise.all([this.logs.flush(), this.offsets.flush()]).catch((e: unknown) =>
      this.logger.error('final fsync failed', { error: String(e) }),
    );
    await this.logs.close();
    await this.offsets.close();
    // A scrape in progress must not hold close() open until the shutdown guard fires.
    const httpClosed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await httpClosed;
    this.logger.info('broker stopped');
  }
}
