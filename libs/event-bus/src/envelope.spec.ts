import { CE, decodeEnvelope, decodeHeaders, derivedEventId, encodeHeaders, headersToStrings } from './envelope';
import { DLQ_HEADERS, deadLetterHeaders } from './dead-letter';
import { UUID_V7, uuidv7, uuidv7Time } from './uuid-v7';

const at = {
  topic: 'keel.model.registered',
  partition: 2,
  offset: '41',
  timestamp: String(Date.UTC(2026, 10, 27, 12)),
};

describe('encodeHeaders', () => {
  it('should write the CloudEvents binary-mode headers and trace context when encoding', () => {
    const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const headers = encodeHeaders(
      {
        id: 'i1',
        type: 'keel.model.registered',
        source: 'keel/registry',
        time: '2026-11-27T12:00:00.000Z',
        subject: 'churn-gbt',
      },
      trace,
    );
    expect(headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'i1',
      ce_type: 'keel.model.registered',
      ce_source: 'keel/registry',
      ce_time: '2026-11-27T12:00:00.000Z',
      ce_subject: 'churn-gbt',
      'content-type': 'application/json',
      traceparent: trace.traceparent,
    });
  });

  it('should leave ce_subject out when there is no subject', () => {
    expect(encodeHeaders({ id: 'i', type: 't', source: 's', time: 'x' }, {})).not.toHaveProperty(CE.subject);
  });
});

describe('decodeEnvelope', () => {
  it('should read back what was encoded when the headers round-trip through Kafka buffers', () => {
    const encoded = encodeHeaders(
      { id: 'i1', type: 'keel.model.registered', source: 'keel/registry', time: '2026-11-27T12:00:00.000Z' },
      {},
    );
    const asBuffers = Object.fromEntries(Object.entries(encoded).map(([k, v]) => [k, Buffer.from(v)]));
    const result = decodeEnvelope(headersToStrings(asBuffers), at);
    expect(result).toEqual({
      ok: true,
      envelope: {
        id: 'i1',
        type: 'keel.model.registered',
        source: 'keel/registry',
        time: '2026-11-27T12:00:00.000Z',
        subject: undefined,
        derivedId: false,
      },
    });
  });

  it('should derive a stable id from topic, partition and offset when a plain record arrives on an ingest topic', () => {
    const plain = { ...at, topic: 'keel.ingest.churn' };
    const result = decodeEnvelope({}, plain);
    expect(result).toEqual({
      ok: true,
      envelope: {
        id: `kafka:keel.ingest.churn:2:41@${at.timestamp}`,
        type: 'keel.ingest.record',
        source: 'kafka:keel.ingest.churn',
        time: '2026-11-27T12:00:00.000Z',
        subject: undefined,
        derivedId: true,
      },
    });
    expect(derivedEventId('keel.ingest.churn', 2, '41', '1700000000000')).toBe(
      'kafka:keel.ingest.churn:2:41@1700000000000',
    );
  });

  it.each([
    [{}, at.topic, 'missing ce_id'],
    [{ ce_id: 'x', ce_type: 't', ce_source: 's' }, at.topic, 'ce_specversion must be 1.0'],
    [{ ce_id: 'x', ce_specversion: '1.0', ce_source: 's' }, at.topic, 'missing ce_type'],
    [{ ce_id: 'x', ce_specversion: '1.0', ce_type: 't' }, at.topic, 'missing ce_source'],
    [
      { ce_id: 'x', ce_specversion: '1.0', ce_type: 't', ce_source: 's', ce_time: 'yesterday' },
      at.topic,
      'ce_time is not a timestamp',
    ],
    [{ ce_type: 'keel.feedback' }, 'keel.ingest.churn', 'without ce_id'],
  ])('should reject the message with a reason when headers are %j on %s', (headers, topic, reason) => {
    const result = decodeEnvelope(headers as Record<string, string>, { ...at, topic });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(reason);
  });
});

describe('headersToStrings', () => {
  it('should keep the last value when a header repeats', () => {
    expect(headersToStrings({ a: [Buffer.from('1'), Buffer.from('2')], b: 'x', c: undefined })).toEqual({
      a: '2',
      b: 'x',
    });
  });
});

describe('decodeHeaders', () => {
  it('should keep every value of a repeated header in order, and the last one as its value', () => {
    expect(decodeHeaders({ a: [Buffer.from('1'), '2', Buffer.from('3')], b: 'x', c: [Buffer.from('y')] })).toEqual({
      headers: { a: '3', b: 'x', c: 'y' },
      repeated: { a: ['1', '2', '3'] },
    });
    expect(decodeHeaders({ b: 'x' }).repeated).toEqual({});
  });
});

describe('deadLetterHeaders', () => {
  it('should keep the original headers and add every keel_ header when a message is dead-lettered', () => {
    const original = { ce_id: Buffer.from('i1'), traceparent: Buffer.from('tp') };
    const failedAt = new Date('2026-11-27T12:00:00.000Z');
    const headers = deadLetterHeaders(original, {
      code: 'HANDLER_FAILED',
      message: 'boom',
      topic: 't',
      partition: 3,
      offset: '99',
      failedAt,
      attempts: 5,
      group: 'g',
    });
    expect(headers).toEqual({
      ce_id: original.ce_id,
      traceparent: original.traceparent,
      [DLQ_HEADERS.code]: 'HANDLER_FAILED',
      [DLQ_HEADERS.message]: 'boom',
      [DLQ_HEADERS.topic]: 't',
      [DLQ_HEADERS.partition]: '3',
      [DLQ_HEADERS.offset]: '99',
      [DLQ_HEADERS.failedAt]: '2026-11-27T12:00:00.000Z',
      keel_attempts: '5',
      keel_consumer_group: 'g',
    });
  });

  it('should cut the message when it is longer than a header should be', () => {
    const headers = deadLetterHeaders(
      {},
      {
        code: 'HANDLER_FAILED',
        message: 'x'.repeat(10_000),
        topic: 't',
        partition: 0,
        offset: '0',
        failedAt: new Date(),
        attempts: 1,
        group: 'g',
      },
    );
    expect(String(headers[DLQ_HEADERS.message]).length).toBe(2048);
  });
});

describe('uuidv7', () => {
  it('should produce version-7 ids that carry the time and increase when generated in a row', () => {
    const now = Date.now() + 86_400_000; // ahead of any id this process made before
    const ids = Array.from({ length: 5000 }, () => uuidv7(now));
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(uuidv7Time(ids[0]!)).toBe(now);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
