import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError, kafkaConfigCheck, kafkaSettings, loadConfig, type KafkaConfig } from '@keel/runtime';
import type { SASLOptions } from 'kafkajs';
import { EventBusError } from './errors';

/** Kafka connection settings shared by every service: the same code runs against the embedded broker and Apache Kafka. */
export interface KafkaConnection {
  brokers: string[];
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
  topicPartitions: number;
}

/**
 * The kafkajs connection for the KEEL_KAFKA_* block of a service's configuration (libs/runtime
 * kafkaSettings, part of every service's settings). Reads the CA file when one is set.
 */
export function kafkaConnection(c: KafkaConfig): KafkaConnection {
  let ssl: KafkaConnection['ssl'] = c.kafkaSsl || undefined;
  if (c.kafkaSsl && (c.kafkaSslCaFile || !c.kafkaSslRejectUnauthorized)) {
    ssl = {
      rejectUnauthorized: c.kafkaSslRejectUnauthorized,
      ...(c.kafkaSslCaFile ? { ca: [readFileSync(c.kafkaSslCaFile, 'utf8')] } : {}),
    };
  }
  const sasl = saslOptions(c.kafkaSaslMechanism, c.kafkaSaslUsername, c.kafkaSaslPassword);
  return { brokers: c.kafkaBrokers, ssl, sasl, topicPartitions: c.kafkaTopicPartitions };
}

/**
 * For processes that are not services (the CLI, benches): the same KEEL_KAFKA_* block read straight from
 * the environment; a bad value fails with every problem listed (secrets never echoed).
 */
export function kafkaConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaConnection {
  try {
    return kafkaConnection(loadConfig('kafka', kafkaSettings(), env, [kafkaConfigCheck]));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new EventBusError('INVALID_CONFIG', 'invalid Kafka configuration', err.problems, { cause: err });
  }
}

function saslOptions(
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined,
  username?: string,
  password?: string,
): SASLOptions | undefined {
  if (!mechanism || !username || !password) return undefined;
  switch (mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/**
 * Consumer-group liveness of every Keel consumer: a member that died without leaving (SIGKILL, a lost
 * machine) is dropped after 10 s instead of kafkajs's 30 s default. Joining a group waits for the dead
 * member's session to end, and a service is ready only once its consumers joined, so this bounds how
 * long a restarted service takes to be ready again (`npm run chaos` measured 30 s before). Heartbeats
 * every second; the consumer loops also heartbeat while a batch waits out a retry.
 */
export const CONSUMER_SESSION = { sessionTimeout: 10_000, heartbeatInterval: 1_000 } as const;
