// Webhook signatures as MLflow's webhooks make them: HMAC-SHA256 with the shared secret over
// "<delivery id>.<unix timestamp>.<body>", base64, sent as `v1,<signature>` beside the id and timestamp.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-keel-signature';
export const TIMESTAMP_HEADER = 'x-keel-timestamp';
export const DELIVERY_HEADER = 'x-keel-delivery-id';
export const EVENT_HEADER = 'x-keel-event';

export function signPayload(secret: string, deliveryId: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** What a receiver does: recompute and compare in constant time, refusing stale timestamps. */
export function verifySignature(
  secret: string,
  headers: { signature: string; deliveryId: string; timestamp: string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, headers.deliveryId, ts, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
