import { readFileSync } from 'node:fs';
import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import { z } from 'zod';
import { EventBusError } from './errors';

/** Kafka connection settings shared by every service: the same code runs against the embedded broker and Apache Kafka. */
export interface KafkaConnection {
  brokers: string[];
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
  topicPartitions: number;
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const envSchema = z
  .object({
    KEEL_KAFKA_BROKERS: z
      .string()
      .default('127.0.0.1:9092')
      .transform((v) =>
        v
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port')).min(1)),
    KEEL_KAFKA_SSL: bool.default(false),
    KEEL_KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
    KEEL_KAFKA_SSL_REJECT_UNAUTHORIZED: bool.default(true),
    KEEL_KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    KEEL_KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    KEEL_KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    KEEL_KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(3),
  })
  .superRefine((env, ctx) => {
    if (env.KEEL_KAFKA_SASL_MECHANISM && (!env.KEEL_KAFKA_SASL_USERNAME || !env.KEEL_KAFKA_SASL_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KEEL_KAFKA_SASL_USERNAME'],
        message: 'SASL needs both KEEL_KAFKA_SASL_USERNAME and KEEL_KAFKA_SASL_PASSWORD',
      });
    }
    if (!env.KEEL_KAFKA_SASL_MECHANISM && (env.KEEL_KAFKA_SASL_USERNAME || env.KEEL_KAFKA_SASL_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KEEL_KAFKA_SASL_MECHANISM'],
        message: 'a SASL username or password needs KEEL_KAFKA_SASL_MECHANISM',
      });
    }
  });

/** Reads KEEL_KAFKA_* variables; a bad value fails with every problem listed (secrets never echoed). */
export function kafkaConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaConnection {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new EventBusError(
      'INVALID_CONFIG',
      'invalid Kafka configuration',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  }
  const e = parsed.data;
  let ssl: KafkaConnection['ssl'] = e.KEEL_KAFKA_SSL || undefined;
  if (e.KEEL_KAFKA_SSL && (e.KEEL_KAFKA_SSL_CA_FILE || !e.KEEL_KAFKA_SSL_REJECT_UNAUTHORIZED)) {
    ssl = {
      rejectUnauthorized: e.KEEL_KAFKA_SSL_REJECT_UNAUTHORIZED,
      ...(e.KEEL_KAFKA_SSL_CA_FILE ? { ca: [readFileSync(e.KEEL_KAFKA_SSL_CA_FILE, 'utf8')] } : {}),
    };
  }
  const sasl = saslOptions(e.KEEL_KAFKA_SASL_MECHANISM, e.KEEL_KAFKA_SASL_USERNAME, e.KEEL_KAFKA_SASL_PASSWORD);
  return { brokers: e.KEEL_KAFKA_BROKERS, ssl, sasl, topicPartitions: e.KEEL_KAFKA_TOPIC_PARTITIONS };
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
