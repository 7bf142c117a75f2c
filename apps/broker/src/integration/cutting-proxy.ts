import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

// A TCP proxy in front of the broker that cuts a client's connection right after forwarding every
// N-th Produce request, before the broker's answer can come back: the client must retry batches
// the broker already stored, which only idempotent-producer deduplication keeps from doubling.
// Answers are held back `responseDelayMs`, so several requests are in flight at each cut.
export class CuttingProxy {
  cuts = 0;
  private produces = 0;
  private readonly sockets = new Set<net.Socket>();
  private target = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly everyNth: number,
    private readonly responseDelayMs: number,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(everyNth: number, responseDelayMs: number): Promise<CuttingProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new CuttingProxy(server, everyNth, responseDelayMs);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  forwardTo(port: number): void {
    this.target = port;
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.target, '127.0.0.1');
    const both = [client, upstream];
    for (const s of both) {
      this.sockets.add(s);
      s.on('error', () => both.forEach((x) => x.destroy()));
      s.on('close', () => {
        this.sockets.delete(s);
        both.forEach((x) => x.destroy());
      });
    }
    // Timers with equal delays fire in order, so answers keep their order.
    upstream.on('data', (d: Buffer) => setTimeout(() => client.destroyed || client.write(d), this.responseDelayMs));
    let pending = Buffer.alloc(0);
    client.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(0, 4 + pending.readInt32BE(0));
        pending = pending.subarray(frame.length);
        const cut = frame.readInt16BE(4) === 0 && ++this.produces % this.everyNth === 0;
        if (!cut) {
          upstream.write(frame);
          continue;
        }
        this.cuts++;
        client.pause();
        // The request reaches the broker whole; the connection dies before its answer.
        upstream.write(frame, () => both.forEach((x) => x.destroy()));
        return;
      }
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
