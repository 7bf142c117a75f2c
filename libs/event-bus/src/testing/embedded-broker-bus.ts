// The event bus's integration suites: a fresh embedded broker and a connected EventBus for one suite
// (registered as jest hooks where it is called), closed afterwards with the subscriptions the suite made.
import { startBroker, type TestBroker } from '@keel/testing';
import { Registry } from 'prom-client';
import { EventBus } from '../event-bus';
import type { Subscription } from '../types';

export interface EmbeddedBrokerBus {
  readonly broker: TestBroker;
  readonly bus: EventBus;
  /** The bus's metrics. */
  readonly registry: Registry;
  /** Subscriptions to close after the suite. */
  readonly subs: Subscription[];
}

export function embeddedBrokerBus(clientId: string): EmbeddedBrokerBus {
  let broker: TestBroker | undefined;
  let bus: EventBus | undefined;
  const registry = new Registry();
  const subs: Subscription[] = [];

  beforeAll(async () => {
    broker = await startBroker();
    bus = new EventBus({
      clientId,
      brokers: broker.brokers,
      source: 'keel/spec',
      metrics: registry,
      topicPartitions: 1,
      provisionTopics: false,
    });
    await bus.connect();
  });

  afterAll(async () => {
    await Promise.all(subs.map((s) => s.close()));
    await bus?.close();
    await broker?.stop();
  });

  return {
    get broker() {
      return broker!;
    },
    get bus() {
      return bus!;
    },
    registry,
    subs,
  };
}
