import type { ConfigCheck } from './load-config';
import { setting, type ConfigOf, type Setting } from './settings';

/**
 * The Kafka connection every service reads (KEEL_KAFKA_*): the embedded broker by default, Apache Kafka
 * with TLS and SASL in production. Part of serviceSettings(); the event bus turns it into kafkajs options.
 */
export function kafkaSettings() {
  return {
    kafkaBrokers: setting.list('KEEL_KAFKA_BROKERS', 'Kafka bootstrap servers (host:port, comma-separated).', {
      default: '127.0.0.1:9092',
      item: /^[^\s:,]+:\d{1,5}$/,
      itemHint: 'host:port',
    }),
    kafkaSsl: setting.bool('KEEL_KAFKA_SSL', false, 'Connect to Kafka over TLS.'),
    kafkaSslCaFile: setting.optionalString(
      'KEEL_KAFKA_SSL_CA_FILE',
      'PEM file of the CA that signed the brokers’ certificates (TLS only; default: the system CAs).',
    ),
    kafkaSslRejectUnauthorized: setting.bool(
      'KEEL_KAFKA_SSL_REJECT_UNAUTHORIZED',
      true,
      'Refuse brokers whose TLS certificate does not verify (false only for test clusters).',
    ),
    kafkaSaslMechanism: setting.optionalOneOf(
      'KEEL_KAFKA_SASL_MECHANISM',
      ['plain', 'scram-sha-256', 'scram-sha-512'] as const,
      'SASL mechanism; set it with KEEL_KAFKA_SASL_USERNAME and KEEL_KAFKA_SASL_PASSWORD.',
    ),
    kafkaSaslUsername: setting.optionalString('KEEL_KAFKA_SASL_USERNAME', 'SASL username.'),
    kafkaSaslPassword: setting.optionalString('KEEL_KAFKA_SASL_PASSWORD', 'SASL password.', { secret: true }),
    kafkaTopicPartitions: setting.int('KEEL_KAFKA_TOPIC_PARTITIONS', 'Partitions of the topics Keel creates.', {
      default: 3,
      min: 1,
      max: 1000,
    }),
  } satisfies Record<string, Setting<unknown>>;
}

export type KafkaSettings = ReturnType<typeof kafkaSettings>;
export type KafkaConfig = ConfigOf<KafkaSettings>;

/** The rules that span variables: SASL needs a mechanism, a username and a password together. */
export const kafkaConfigCheck: ConfigCheck<KafkaConfig> = (c) => {
  const problems: string[] = [];
  if (c.kafkaSaslMechanism && (!c.kafkaSaslUsername || !c.kafkaSaslPassword))
    problems.push('KEEL_KAFKA_SASL_USERNAME: SASL needs both KEEL_KAFKA_SASL_USERNAME and KEEL_KAFKA_SASL_PASSWORD');
  if (!c.kafkaSaslMechanism && (c.kafkaSaslUsername || c.kafkaSaslPassword))
    problems.push('KEEL_KAFKA_SASL_MECHANISM: a SASL username or password needs KEEL_KAFKA_SASL_MECHANISM');
  if (c.kafkaSslCaFile && !c.kafkaSsl) problems.push('KEEL_KAFKA_SSL_CA_FILE: is only used with KEEL_KAFKA_SSL=true');
  return problems;
};
