import 'reflect-metadata';
import { EVENT_EXAMPLES } from '@keel/contracts';
import { testDatabase } from '@keel/persistence/testing';
import { startBroker, type TestBroker } from '@keel/testing';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventBus } from '../event-bus';
import { eventually } from '../testing/kafka-test-kit';
import { SideEffect, specSchema } from '../testing/spec-entities';
import type { ConsumedEvent, TransactionalEvent } from '../types';
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
});
