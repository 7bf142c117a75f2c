import { QueryFailedError } from 'typeorm';
import { describeEachDatabase } from '../testing';
import { OutboxEvent, ProcessedEvent, eventTableEntities, eventTableMigrations } from './index';

describeEachDatabase('event tables', { entities: eventTableEntities, migrations: eventTableMigrations }, (db) => {
  it('should reject a second processed row when group, source and event id repeat', async () => {
    const repo = db.dataSource().getRepository(ProcessedEvent);
    const row1 = { consumerGroup: 'g1', eventSource: 'keel/a', eventId: 'e1', eventType: 'keel.feedback' };
    await repo.insert({ ...row1, processedAt: 1_764_201_600_123 });
    await repo.insert({ ...row1, consumerGroup: 'g2', processedAt: 1 });
    await repo.insert({ ...row1, eventSource: 'keel/b', processedAt: 1 });
    await expect(repo.insert({ ...row1, processedAt: 2 })).rejects.toBeInstanceOf(QueryFailedError);
    const row = await repo.findOneByOrFail({ consumerGroup: 'g1', eventSource: 'keel/a', eventId: 'e1' });
    expect(row.processedAt).toBe(1_764_201_600_123);
  });

  it('should number outbox rows in insertion order and keep event ids unique when written', async () => {
    const repo = db.dataSource().getRepository(OutboxEvent);
    const base = {
      eventType: 'keel.model.registered',
      topic: 'keel.model.registered',
      key: 'm',
      subject: null,
      payload: '{}',
      headers: '{}',
      createdAt: Date.now(),
      sentAt: null,
    };
    await repo.insert({ ...base, eventId: 'a' });
    await repo.insert({ ...base, eventId: 'b' });
    await expect(repo.insert({ ...base, eventId: 'a' })).rejects.toBeInstanceOf(QueryFailedError);
    const rows = await repo.find({ order: { seq: 'ASC' } });
    expect(rows.map((r) => r.eventId)).toEqual(['a', 'b']);
    expect(rows[1]!.seq).toBeGreaterThan(rows[0]!.seq);
    expect(rows[0]!.sentAt).toBeNull();
  });
});
