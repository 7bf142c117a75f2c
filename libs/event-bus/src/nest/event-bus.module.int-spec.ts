import 'reflect-metadata';
import { EVENT_EXAMPLES } from '@keel/contracts';
import { testDatabase } from '@keel/persistence/testing';
import { startBroker, type TestBroker } from '@keel/testing';
import { Global, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventBus } from '../event-bus';
import { eventually } from '../testing/kafka-test-kit';
import { SideEffect, specSchema } from '../testing/spec-entities';
import type { ConsumedEvent, TransactionalEvent } from '../types';
import { Readiness } from '@keel/runtime';
import { EventBusModule } from './event-bus.module';
import { OnEvent } from './on-event.decorator';

@Injectable()
class FeedbackConsumer {
  readonly seen: unknown[] = [];

  @OnEvent('keel.feedback', { group: 'nest-feedback' })
  async onFeedback(event: ConsumedEvent<'keel.feedback'>): Promise<void> {
    this.seen.push(event.data);
  }

  @OnEvent('keel.model.promoted', { group: 'nest-promoted', transactional: true })
  async onPromoted(event: TransactionalEvent<'keel.model.promoted'>): Promise<void> {
    await event.manager.insert(SideEffect, { eventId: event.id, label: `promoted-${event.data.toVersion}` });
  }
}

describe('EventBusModule', () => {
  let broker: TestBroker;
  const db = testDatabase('sqlite', specSchema);

  beforeAll(async () => {
    broker = await startBroker();
    await db.open();
  });

  afterAll(async () => {
    await db.close();
    await broker?.stop();
  });

  it('should subscribe @OnEvent methods at bootstrap and stop them on shutdown when used in a Nest app', async () => {
    @Module({
      imports: [
        EventBusModule.forRootAsync({
          useFactory: () => ({
            bus: { clientId: 'nest', brokers: broker.brokers, source: 'keel/nest-spec', topicPartitions: 1 },
            dataSource: db.dataSource(),
          }),
        }),
      ],
      providers: [FeedbackConsumer],
    })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const bus = app.get(EventBus);
    const consumer = app.get(FeedbackConsumer);
    await bus.publish('keel.feedback', EVENT_EXAMPLES['keel.feedback'], { key: 'req-7' });
    await bus.publish('keel.model.promoted', EVENT_EXAMPLES['keel.model.promoted'], { key: 'churn-gbt' });
    await eventually(() => consumer.seen.length === 1, 'the feedback handler');
    const effects = db.dataSource().getRepository(SideEffect);
    await eventually(async () => (await effects.countBy({ label: 'promoted-1' })) === 1, 'the transactional handler');
    expect(consumer.seen).toEqual([EVENT_EXAMPLES['keel.feedback']]);
    await app.close();
    await expect(bus.publish('keel.feedback', EVENT_EXAMPLES['keel.feedback'], { key: 'late' })).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
    });
  });

  it('should start while Kafka is down, stay not ready naming Kafka, and subscribe once the broker is back', async () => {
    const late = await startBroker();
    await late.kill(); // its port is known and nothing listens there yet
    // What RuntimeModule gives a service: one Readiness every module sees.
    @Global()
    @Module({ providers: [Readiness], exports: [Readiness] })
    class ReadinessModule {}
    @Module({
      imports: [
        ReadinessModule,
        EventBusModule.forRootAsync({
          useFactory: () => ({
            bus: { clientId: 'nest-late', brokers: late.brokers, source: 'keel/nest-spec', topicPartitions: 1 },
            dataSource: db.dataSource(),
          }),
        }),
      ],
      providers: [FeedbackConsumer],
    })
    class LateModule {}

    const app = await NestFactory.createApplicationContext(LateModule, { logger: false });
    try {
      const readiness = app.get(Readiness);
      readiness.markStarted();
      const down = await readiness.report();
      expect(down.ready).toBe(false);
      expect(down.checks['event-bus']).toMatch(/^Kafka not connected yet/);

      await late.restart();
      await eventually(async () => (await readiness.report()).ready, 'ready once the broker is back', 60_000);
      await app.get(EventBus).publish('keel.feedback', EVENT_EXAMPLES['keel.feedback'], { key: 'req-late' });
      const consumer = app.get(FeedbackConsumer);
      await eventually(() => consumer.seen.length === 1, 'the handler subscribed after the outage');
    } finally {
      await app.close();
      await late.stop();
    }
  }, 120_000);
});
