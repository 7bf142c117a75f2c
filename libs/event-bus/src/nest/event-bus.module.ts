import {
  Global,
  Inject,
  Injectable,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { ModuleMetadata } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EventBusError } from '../errors';
import { EventBus } from '../event-bus';
import type { EventType } from '@keel/contracts';
import { LOGGER, Readiness } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import type { EventBusOptions, SubscribeOptions, Subscription } from '../types';
import { ON_EVENT_METADATA, type OnEventMetadata } from './on-event.decorator';

export interface EventBusModuleOptions {
  bus: EventBusOptions;
  /** The service's database, for @OnEvent({ transactional: true }) handlers. */
  dataSource?: DataSource;
}

export const EVENT_BUS_MODULE_OPTIONS = Symbol('EVENT_BUS_MODULE_OPTIONS');

const RECONNECT_MS = 2000;

/** Connects the bus when the app boots, subscribes every @OnEvent method, and closes it all on shutdown. */
@Injectable()
export class EventBusLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly bus: EventBus,
    @Inject(EVENT_BUS_MODULE_OPTIONS) private readonly options: EventBusModuleOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Optional() private readonly readiness?: Readiness,
    @Optional() @Inject(LOGGER) private readonly logger?: Logger,
  ) {}

  private subscribed = false;
  private stopping = false;
  private lastError = '';

  /**
   * Kafka may be down when the service starts: that is an outage to wait out, not a reason to exit.
   * The service starts, stays not ready ('event-bus' check) and keeps connecting; once connected, every
   * @OnEvent method is subscribed and the service turns ready.
   */
  async onApplicationBootstrap(): Promise<void> {
    // Readiness goes false while a subscription waits out a database or broker outage.
    this.readiness?.register('event-bus', async () => {
      if (!this.subscribed) throw new Error(`Kafka not connected yet${this.lastError ? ` (${this.lastError})` : ''}`);
      await this.bus.checkReady();
    });
    // A handler the module cannot serve is a configuration error: fail the start, do not retry it.
    this.handlers = this.discoverHandlers();
    for (const { meta } of this.handlers) {
      if (meta.options.transactional && !this.options.dataSource)
        throw new EventBusError(
          'INVALID_CONFIG',
          `@OnEvent(${meta.type}, { transactional: true }) needs EventBusModule's dataSource`,
        );
    }
    try {
      await this.connectAndSubscribe();
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.logger?.warn({ err: this.lastError }, `Kafka not reachable; retrying every ${RECONNECT_MS} ms`);
      void this.reconnectLoop();
    }
  }

  private async reconnectLoop(): Promise<void> {
    while (!this.stopping && !this.subscribed) {
      await new Promise((r) => setTimeout(r, RECONNECT_MS).unref());
      if (this.stopping) return;
      try {
        await this.connectAndSubscribe();
        this.logger?.info('connected to Kafka; subscriptions started');
        void this.readiness?.refresh();
      } catch (err) {
        this.lastError = err instanceof Error ? err.message : String(err);
      }
    }
  }

  private handlers?: { meta: OnEventMetadata; handler: (e: never) => Promise<void>; done: boolean }[];

  private async connectAndSubscribe(): Promise<void> {
    await this.bus.connect();
    this.handlers ??= this.discoverHandlers();
    // Each subscription joins its own group; joining them together keeps start-up short. After a
    // failure only the ones that did not start are tried again.
    await Promise.all(
      this.handlers
        .filter((h) => !h.done)
        .map(async (h) => {
          await this.subscribe(h.meta, h.handler);
          h.done = true;
        }),
    );
    this.subscribed = true;
  }

  private discoverHandlers(): { meta: OnEventMetadata; handler: (e: never) => Promise<void>; done: boolean }[] {
    const found: { meta: OnEventMetadata; handler: (e: never) => Promise<void>; done: boolean }[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const method = (instance as Record<string, unknown>)[name];
        if (typeof method !== 'function') continue;
        const meta = this.reflector.get<OnEventMetadata | undefined>(ON_EVENT_METADATA, method as () => void);
        if (meta) found.push({ meta, handler: (method as (e: never) => Promise<void>).bind(instance), done: false });
      }
    }
    return found;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.bus.close();
  }

  private async subscribe(meta: OnEventMetadata, handler: (e: never) => Promise<void>): Promise<void> {
    const { transactional, ...rest } = meta.options;
    const opts: SubscribeOptions<typeof meta.type> = { ...rest };
    if (transactional) {
      if (!this.options.dataSource) {
        throw new EventBusError(
          'INVALID_CONFIG',
          `@OnEvent(${meta.type}, { transactional: true }) needs EventBusModule's dataSource`,
        );
      }
      opts.dataSource = this.options.dataSource;
    }
    // Metadata is only known at runtime; the decorator already checked the handler against its type.
    const method = meta.batch ? this.bus.subscribeBatch : this.bus.subscribe;
    const subscribe = method.bind(this.bus) as (
      t: EventType,
      h: (e: never) => Promise<void>,
      o: SubscribeOptions<EventType>,
    ) => Promise<Subscription>;
    await subscribe(meta.type, handler, opts);
  }
}

@Global()
@Module({})
export class EventBusModule {
  static forRoot(options: EventBusModuleOptions): DynamicModule {
    return EventBusModule.build([{ provide: EVENT_BUS_MODULE_OPTIONS, useValue: options }], []);
  }

  static forRootAsync(async: {
    imports?: ModuleMetadata['imports'];
    inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
    useFactory: (...args: never[]) => EventBusModuleOptions | Promise<EventBusModuleOptions>;
  }): DynamicModule {
    return EventBusModule.build(
      [{ provide: EVENT_BUS_MODULE_OPTIONS, inject: async.inject ?? [], useFactory: async.useFactory }],
      async.imports ?? [],
    );
  }

  private static build(
    optionProviders: DynamicModule['providers'] & object[],
    imports: NonNullable<ModuleMetadata['imports']>,
  ): DynamicModule {
    return {
      module: EventBusModule,
      imports: [DiscoveryModule, ...imports],
      providers: [
        ...optionProviders,
        {
          provide: EventBus,
          inject: [EVENT_BUS_MODULE_OPTIONS, { token: Readiness, optional: true }],
          useFactory: (o: EventBusModuleOptions, readiness?: Readiness) =>
            new EventBus({
              ...o.bus,
              onReadinessChange: o.bus.onReadinessChange ?? (() => void readiness?.refresh()),
            }),
        },
        EventBusLifecycle,
      ],
      exports: [EventBus],
    };
  }
}
