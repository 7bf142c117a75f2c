import { EventBusError } from './errors';
import { kafkaConnectionFromEnv } from './kafka-config';

describe('kafkaConnectionFromEnv', () => {
  it('should default to the embedded broker when nothing is set', () => {
    expect(kafkaConnectionFromEnv({})).toEqual({
      brokers: ['127.0.0.1:9092'],
      ssl: undefined,
      sasl: undefined,
      topicPartitions: 3,
    });
  });

  it('should read brokers, SSL and SCRAM when configured for Apache Kafka', () => {
    const conn = kafkaConnectionFromEnv({
      KEEL_KAFKA_BROKERS: 'kafka-0:9093, kafka-1:9093',
      KEEL_KAFKA_SSL: 'true',
      KEEL_KAFKA_SSL_REJECT_UNAUTHORIZED: 'false',
      KEEL_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KEEL_KAFKA_SASL_USERNAME: 'keel',
      KEEL_KAFKA_SASL_PASSWORD: 's3cret',
      KEEL_KAFKA_TOPIC_PARTITIONS: '12',
    });
    expect(conn).toEqual({
      brokers: ['kafka-0:9093', 'kafka-1:9093'],
      ssl: { rejectUnauthorized: false },
      sasl: { mechanism: 'scram-sha-512', username: 'keel', password: 's3cret' },
      topicPartitions: 12,
    });
  });

  it('should list every problem without echoing the password when the configuration is bad', () => {
    const env = {
      KEEL_KAFKA_BROKERS: 'no-port',
      KEEL_KAFKA_SSL: 'maybe',
      KEEL_KAFKA_SASL_PASSWORD: 'hunter2',
      KEEL_KAFKA_TOPIC_PARTITIONS: '0',
    };
    let error: EventBusError | undefined;
    try {
      kafkaConnectionFromEnv(env);
    } catch (err) {
      error = err as EventBusError;
    }
    expect(error).toBeInstanceOf(EventBusError);
    expect(error!.code).toBe('INVALID_CONFIG');
    expect(error!.issues.join('\n')).toMatch(/KEEL_KAFKA_BROKERS/);
    expect(error!.issues.join('\n')).toMatch(/KEEL_KAFKA_SSL/);
    expect(error!.issues.join('\n')).toMatch(/KEEL_KAFKA_TOPIC_PARTITIONS/);
    expect(error!.message).not.toContain('hunter2');
  });
});
