import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressPolicy } from './ssrf-guard';
import { WebhookSender } from './webhook-sender';

// A real HTTP server on 127.0.0.1: loopback is refused unless allow-listed, redirects are re-checked on
// every hop, and a silent or oversized answer cannot hold the sender.
describe('webhook sender against a real local HTTP server', () => {
  let server: Server;
  let base = '';
  const seen: string[] = [];
  const open = new Set<ServerResponse>();

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push(req.url ?? '');
      req.resume();
      const port = (server.address() as AddressInfo).port;
      if (req.url === '/ok') return void res.end('thanks');
      if (req.url === '/to-ok') return void res.writeHead(302, { location: '/ok' }).end();
      if (req.url === '/to-other-loopback')
        return void res.writeHead(302, { location: `http://127.0.0.2:${port}/ok` }).end();
      if (req.url === '/to-metadata')
        return void res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data' }).end();
      if (req.url === '/silent') return void open.add(res);
      if (req.url === '/huge') return void res.end(Buffer.alloc(1024 * 1024, 'x'));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of open) res.destroy();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => (seen.length = 0));

  const sender = (allow: string[]) =>
    new WebhookSender({ policy: new AddressPolicy(allow), timeoutMs: 500, maxResponseBytes: 4096, maxRedirects: 3 });
  const send = (s: WebhookSender, path: string) =>
    s.send({ url: `${base}${path}`, deliveryId: 'd-1', event: 'alert.fired', body: '{"a":1}', secret: 's3cret' });

  it('should refuse a loopback destination without an allow-list and send nothing', async () => {
    const res = await send(sender([]), '/ok');
    expect(res).toMatchObject({ ok: false, status: null });
    expect(res.error).toMatch(/private or special address.*KEEL_MONITORING_WEBHOOK_ALLOW/);
    expect(seen).toEqual([]);
  });

  it('should deliver to an allow-listed loopback address, following a redirect that stays allowed', async () => {
    expect(await send(sender(['127.0.0.1']), '/ok')).toMatchObject({ ok: true, status: 200, error: null });
    expect(await send(sender(['127.0.0.1/32']), '/to-ok')).toMatchObject({ ok: true, finalUrl: `${base}/ok` });
    expect(seen).toEqual(['/ok', '/to-ok', '/ok']);
  });

  it('should refuse a redirect to a loopback or link-local address that is not allow-listed', async () => {
    const other = await send(sender(['127.0.0.1']), '/to-other-loopback');
    expect(other).toMatchObject({ ok: false, status: null });
    expect(other.error).toMatch(/127\.0\.0\.2.*private or special/);
    const metadata = await send(sender(['127.0.0.1']), '/to-metadata');
    expect(metadata.error).toMatch(/169\.254\.169\.254.*private or special/);
    // The first hop was made; the refused target never was.
    expect(seen).toEqual(['/to-other-loopback', '/to-metadata']);
  });

  it('should give up on a destination that never answers at the timeout', async () => {
    const started = Date.now();
    const res = await send(sender(['127.0.0.1']), '/silent');
    expect(res).toMatchObject({ ok: false, status: null, error: 'no answer within 500 ms' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('should stop reading an answer larger than the response limit', async () => {
    const res = await send(sender(['127.0.0.1']), '/huge');
    expect(res).toMatchObject({ ok: false, status: null, error: 'response larger than 4096 bytes' });
  });
});
