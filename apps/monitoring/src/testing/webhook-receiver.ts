// A webhook endpoint as a user would run one: it checks every request's HMAC signature with the shared
// secret and records what arrived; it can fail the first requests to exercise retries.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../webhooks/signature';

export interface ReceivedHook {
  deliveryId: string;
  event: string;
  status: number;
  validSignature: boolean;
  // The JSON body as the receiver got it; specs read it field by field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedHook[];
  /** True if any request came with a bad or missing signature. */
  forged(): boolean;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string, o: { failFirst?: number } = {}): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  let toFail = o.failFirst ?? 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const header = (n: string) => String(req.headers[n] ?? '');
      const validSignature = verifySignature(
        secret,
        {
          signature: header('x-keel-signature'),
          deliveryId: header('x-keel-delivery-id'),
          timestamp: header('x-keel-timestamp'),
        },
        text,
        Math.floor(Date.now() / 1000),
      );
      const status = !validSignature ? 401 : toFail-- > 0 ? 500 : 200;
      received.push({
        deliveryId: header('x-keel-delivery-id'),
        event: header('x-keel-event'),
        status,
        validSignature,
        body: JSON.parse(text) as unknown,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/keel`,
    received,
    forged: () => received.some((h) => !h.validSignature),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
