import type * as net from 'node:net';
import { ApiKey, isApiKey, isSupported } from '../protocol/api-keys';
import { encodeApiVersionsResponse } from '../protocol/apis/api-versions';
import { ErrorCode, ProtocolError } from '../protocol/errors';
import { decodeRequestHeader, type RequestHeader } from '../protocol/header';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import type { BrokerContext } from './context';
import { handlerFor } from './dispatch';

interface Slot {
  done: boolean;
  chunks: Buffer[] | null; // null: no response (acks=0)
}

const MIN_FRAME = 8; // apiKey + apiVersion + correlationId

// One client connection: frames requests, runs them concurrently and writes responses in request
// order, as Kafka clients expect. A malformed frame closes only this connection.
export class Connection {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipBytes = 0;
  private readonly queue: Slot[] = [];
  private closed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly ctx: BrokerContext,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private onData(data: Buffer): void {
    this.ctx.metrics.bytesIn += data.length;
    if (this.skipBytes > 0) {
      const skip = Math.min(this.skipBytes, data.length);
      this.skipBytes -= skip;
      data = data.subarray(skip);
      if (data.length === 0) return;
    }
    this.pending.push(data);
    this.pendingBytes += data.length;
    while (!this.closed && this.pendingBytes >= 4) {
      const head = this.peek(4);
      const size = head.readInt32BE(0);
      if (size < MIN_FRAME) return this.malformed(`frame size ${size}`);
      if (size > this.ctx.config.maxRequestBytes) {
        if (this.pendingBytes < 4 + MIN_FRAME) return;
        this.oversize(size);
        continue;
      }
      if (this.pendingBytes < 4 + size) return;
      const frame = this.take(4 + size).subarray(4);
      this.onFrame(frame);
    }
  }

  private peek(n: number): Buffer {
    if (this.pending[0].length >= n) return this.pending[0];
    const all = Buffer.concat(this.pending);
    this.pending = [all];
    return all;
  }

  private take(n: number): Buffer {
    const first = this.peek(n);
    const out = first.subarray(0, n);
    if (first.length === n) this.pending.shift();
    else this.pending[0] = first.subarray(n);
    this.pendingBytes -= n;
    return out;
  }

  // Too large to buffer: answer MESSAGE_TOO_LARGE, discard the body, then close (the body cannot be
  // decoded into a per-partition answer, and the client must not wait for one).
  private oversize(size: number): void {
    const header = this.peek(4 + MIN_FRAME);
    const apiKey = header.readInt16BE(4);
    const correlationId = header.readInt32BE(8);
    const buffered = Math.min(this.pendingBytes, 4 + size);
    this.take(buffered);
    this.skipBytes = 4 + size - buffered;
    this.ctx.logger.warn('request too large', { apiKey, size, max: this.ctx.config.maxRequestBytes });
    this.ctx.metrics.error(apiKey, ErrorCode.MESSAGE_TOO_LARGE);
    const slot: Slot = {
      done: true,
      chunks: this.frame(correlationId, new Writer(8).int16(ErrorCode.MESSAGE_TOO_LARGE)),
    };
    this.queue.push(slot);
    this.flush();
    this.socket.end();
    this.closed = true;
  }

  private malformed(reason: string): void {
    this.ctx.metrics.malformedFrames++;
    this.ctx.logger.warn('malformed frame, closing connection', { remote: this.socket.remoteAddress, reason });
    this.close();
    this.socket.destroy();
  }

  private onFrame(frame: Buffer): void {
    const r = new Reader(frame);
    let header: RequestHeader;
    try {
      header = decodeRequestHeader(r);
    } catch (e) {
      return this.malformed(e instanceof Error ? e.message : String(e));
    }
    this.ctx.metrics.request(header.apiKey, header.apiVersion);
    const slot: Slot = { done: false, chunks: null };
    this.queue.push(slot);
    if (!isApiKey(header.apiKey) || !isSupported(header.apiKey, header.apiVersion)) {
      this.ctx.metrics.error(header.apiKey, ErrorCode.UNSUPPORTED_VERSION);
      const w = new Writer(64);
      if (header.apiKey === ApiKey.ApiVersions) encodeApiVersionsResponse(w, 0, ErrorCode.UNSUPPORTED_VERSION);
      else w.int16(ErrorCode.UNSUPPORTED_VERSION);
      this.complete(slot, this.frame(header.correlationId, w));
      return;
    }
    const w = new Writer();
    const info = { header, clientHost: this.socket.remoteAddress ?? '' };
    let result: Promise<boolean> | boolean;
    try {
      result = handlerFor(header.apiKey)(this.ctx, info, r, w);
    } catch (e) {
      return this.failed(e);
    }
    if (typeof result === 'boolean') {
      this.complete(slot, result ? this.frame(header.correlationId, w) : null);
      return;
    }
    result.then(
      (respond) => this.complete(slot, respond ? this.frame(header.correlationId, w) : null),
      (e: unknown) => this.failed(e),
    );
  }

  private failed(e: unknown): void {
    if (e instanceof ProtocolError) return this.malformed(e.message);
    this.ctx.logger.error('request handler failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    this.close();
    this.socket.destroy();
  }

  private frame(correlationId: number, body: Writer): Buffer[] {
    const chunks = body.finish();
    const head = Buffer.allocUnsafe(8);
    head.writeInt32BE(4 + body.length, 0);
    head.writeInt32BE(correlationId, 4);
    return [head, ...chunks];
  }

  private complete(slot: Slot, chunks: Buffer[] | null): void {
    slot.done = true;
    slot.chunks = chunks;
    this.flush();
  }

  private flush(): void {
    if (this.closed && !this.socket.writable) return;
    let corked = false;
    while (this.queue.length > 0 && this.queue[0].done) {
      const slot = this.queue.shift() as Slot;
      if (!slot.chunks) continue;
      if (!corked) {
        this.socket.cork();
        corked = true;
      }
      for (const c of slot.chunks) {
        this.ctx.metrics.bytesOut += c.length;
        this.socket.write(c);
      }
    }
    if (corked) this.socket.uncork();
  }

  close(): void {
    this.closed = true;
  }
}
