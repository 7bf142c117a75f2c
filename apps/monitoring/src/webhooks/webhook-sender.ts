// One webhook POST: the body signed, the target checked by the SSRF guard before every hop (redirects
// are followed by hand, at most a few, each re-checked), a deadline, and a cap on the response read.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressPolicy } from './ssrf-guard';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signPayload } from './signature';

export interface WebhookRequest {
  url: string;
  deliveryId: string;
  event: string;
  body: string;
  secret: string | null;
}

export interface WebhookResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  /** The URL that answered last (after redirects). */
  finalUrl: string;
}

export interface SenderOptions {
  policy: AddressPolicy;
  timeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
  now?: () => number;
}

export class WebhookSender {
  constructor(private readonly o: SenderOptions) {}

  async send(req: WebhookRequest): Promise<WebhookResult> {
    let url = req.url;
    for (let hop = 0; hop <= this.o.maxRedirects; hop++) {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return { ok: false, status: null, error: `not a valid URL: ${url}`, finalUrl: url };
      }
      let res: { status: number; location?: string };
      try {
        const pinned = await this.o.policy.resolve(target);
        res = await this.post(target, pinned, req);
      } catch (err) {
        return { ok: false, status: null, error: (err as Error).message, finalUrl: url };
      }
      if (res.status >= 300 && res.status < 400 && res.location) {
        url = new URL(res.location, target).toString();
        continue;
      }
      const ok = res.status >= 200 && res.status < 300;
      return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}`, finalUrl: url };
    }
    return { ok: false, status: null, error: `more than ${this.o.maxRedirects} redirects`, finalUrl: url };
  }

  private post(
    target: URL,
    pinned: { address: string; family: 4 | 6 },
    req: WebhookRequest,
  ): Promise<{ status: number; location?: string }> {
    const timestamp = Math.floor((this.o.now?.() ?? Date.now()) / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(req.body)),
      'user-agent': 'keel-monitoring',
      [DELIVERY_HEADER]: req.deliveryId,
      [TIMESTAMP_HEADER]: String(timestamp),
      [EVENT_HEADER]: req.event,
    };
    if (req.secret) headers[SIGNATURE_HEADER] = signPayload(req.secret, req.deliveryId, timestamp, req.body);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const r = request(
        target,
        {
          method: 'POST',
          headers,
          timeout: this.o.timeoutMs,
          // Connect to the address the guard checked, whatever DNS says by now.
          lookup: ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) =>
            opts.all
              ? cb(null, [{ address: pinned.address, family: pinned.family }])
              : cb(null, pinned.address, pinned.family)) as never,
        },
        (res: IncomingMessage) => {
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > this.o.maxResponseBytes)
              res.destroy(new Error(`response larger than ${this.o.maxResponseBytes} bytes`));
          });
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
        },
      );
      const deadline = setTimeout(
        () => r.destroy(new Error(`no answer within ${this.o.timeoutMs} ms`)),
        this.o.timeoutMs,
      );
      r.on('close', () => clearTimeout(deadline));
      r.on('timeout', () => r.destroy(new Error(`no answer within ${this.o.timeoutMs} ms`)));
      r.on('error', reject);
      r.end(req.body);
    });
  }
}
