import {
  TOPICS,
  TopicNameError,
  assertTopicName,
  datasetOfIngestTopic,
  deadLetterTopic,
  ingestTopic,
  isIngestTopic,
} from './topics';

describe('ingestTopic', () => {
  it.each([
    ['churn', 'keel.ingest.churn'],
    ['ecommerce-customer-churn', 'keel.ingest.ecommerce-customer-churn'],
    ['sales_2024', 'keel.ingest.sales_2024'],
    ['a', 'keel.ingest.a'],
    ['a'.repeat(63), `keel.ingest.${'a'.repeat(63)}`],
  ])('should build the topic when the dataset name is %j', (dataset, topic) => {
    expect(ingestTopic(dataset)).toBe(topic);
  });

  it.each([
    [''],
    ['Churn'],
    ['1churn'],
    ['-churn'],
    ['churn.v2'],
    ['churn/eu'],
    ['churn eu'],
    ['chürn'],
    ['a'.repeat(64)],
    ['churn\n'],
  ])('should throw INVALID_DATASET_NAME when the dataset name is %j', (dataset) => {
    expect(() => ingestTopic(dataset)).toThrow(TopicNameError);
    try {
      ingestTopic(dataset);
    } catch (err) {
      expect((err as TopicNameError).code).toBe('INVALID_DATASET_NAME');
      expect((err as TopicNameError).message).toContain(JSON.stringify(dataset));
    }
  });
});

describe('datasetOfIngestTopic', () => {
  it.each([
    ['keel.ingest.churn', true, 'churn'],
    ['keel.ingest.sales_2024', true, 'sales_2024'],
    ['keel.ingest.churn.dlq', false, undefined],
    ['keel.ingest.', false, undefined],
    ['keel.model.registered', false, undefined],
    ['xkeel.ingest.churn', false, undefined],
  ])('should recognise %j as ingest=%j when parsing', (topic, ingest, dataset) => {
    expect(isIngestTopic(topic)).toBe(ingest);
    if (ingest) expect(datasetOfIngestTopic(topic)).toBe(dataset);
    else expect(() => datasetOfIngestTopic(topic)).toThrow(expect.objectContaining({ code: 'NOT_AN_INGEST_TOPIC' }));
  });
});

describe('deadLetterTopic', () => {
  it.each([
    ['keel.ingest.churn', 'keel.ingest.churn.dlq'],
    ['keel.model.registered', 'keel.model.registered.dlq'],
    ['keel.feedback', 'keel.feedback.dlq'],
  ])('should append .dlq when the source topic is %j', (topic, dlq) => {
    expect(deadLetterTopic(topic)).toBe(dlq);
  });

  it.each([['keel.feedback.dlq'], [''], ['bad topic'], ['..'], ['x'.repeat(250)]])(
    'should throw INVALID_TOPIC_NAME when the source topic is %j',
    (topic) => {
      expect(() => deadLetterTopic(topic)).toThrow(expect.objectContaining({ code: 'INVALID_TOPIC_NAME' }));
    },
  );
});

describe('TOPICS', () => {
  it('should hold only valid, distinct keel.* names when listed', () => {
    const names = Object.values(TOPICS);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(assertTopicName(name)).toBe(name);
      expect(name.startsWith('keel.')).toBe(true);
      expect(isIngestTopic(name)).toBe(false);
    }
  });
});
