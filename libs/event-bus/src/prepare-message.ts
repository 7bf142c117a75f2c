import type { EventType } from '@keel/contracts';
import type { KafkaMessage } from 'kafkajs';
import { decodeEnvelope, decodeHeaders } from './envelope';
import type { EventBusErrorCode } from './errors';
import type { ConsumedEvent } from './types';
import { validatePayload } from './validate';

export type PreparedMessage<T extends EventType> =
  | { kind: 'ok'; message: KafkaMessage; event: ConsumedEvent<T> }
  | { kind: 'invalid'; message: KafkaMessage; code: EventBusErrorCode; reason: string };

/** Decodes and validates one message for a subscription to `type`; handlers only ever see `ok` ones. */
export function prepareMessage<T extends EventType>(
  type: T,
  topic: string,
  partition: number,
  message: KafkaMessage,
): PreparedMessage<T> {
  const { headers, repeated } = decodeHeaders(message.headers);
  const decoded = decodeEnvelope(headers, { topic, partition, offset: message.offset, timestamp: message.timestamp });
  if (!decoded.ok) return { kind: 'invalid', message, code: 'INVALID_ENVELOPE', reason: decoded.message };
  const env = decoded.envelope;
  if (env.type !== type) {
    return {
      kind: 'invalid',
      message,
      code: 'UNEXPECTED_TYPE',
      reason: `expected ce_type ${type} on ${topic}, got ${env.type}`,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(message.value ? message.value.toString('utf8') : '');
  } catch (err) {
    return { kind: 'invalid', message, code: 'INVALID_JSON', reason: `body is not JSON: ${(err as Error).message}` };
  }
  const valid = validatePayload(type, body);
  if (!valid.ok)
    return { kind: 'invalid', message, code: 'INVALID_PAYLOAD', reason: `invalid ${type}: ${valid.issues.join('; ')}` };
  return {
    kind: 'ok',
    message,
    event: {
      id: env.id,
      type,
      source: env.source,
      time: env.time,
      subject: env.subject,
      data: valid.payload,
      key: message.key ? message.key.toString('utf8') : null,
      topic,
      partition,
      offset: message.offset,
      headers,
      repeatedHeaders: repeated,
      attempt: 1,
      derivedId: env.derivedId,
    },
  };
}
