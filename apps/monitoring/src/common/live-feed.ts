// What the ops page sees change: every closed window, alert transition and throughput tick is pushed
// to the connected browsers (server-sent events). Bounded: a slow client is dropped, not buffered.
import { Injectable } from '@nestjs/common';

export type LiveEventType = 'window' | 'alert' | 'performance' | 'throughput' | 'monitor';

export interface LiveClient {
  send(type: LiveEventType, data: unknown): boolean;
  close(): void;
}

@Injectable()
export class LiveFeed {
  private readonly clients = new Set<LiveClient>();

  get size(): number {
    return this.clients.size;
  }

  add(client: LiveClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  publish(type: LiveEventType, data: unknown): void {
    for (const c of this.clients) {
      if (!c.send(type, data)) {
        c.close();
        this.clients.delete(c);
      }
    }
  }

  closeAll(): void {
    for (const c of this.clients) c.close();
    this.clients.clear();
  }
}
