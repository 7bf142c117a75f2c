// The prediction log: each served request (or a sample) becomes keel.inference.logged, sent off the
// request path. Entries wait in a bounded queue; when it is full they are dropped and counted, so a
// slow or absent Kafka never slows or fails serving.
import type { EventPayload } from '@keel/contracts';
import type { EventBus } from '@keel/event-bus';
import { context, type Context } from '@opentelemetry/api';

export type LogEntry = EventPayload<'keel.inference.logged'>;

export interface PredictionLogOptions {
  capacity: number;
  sample: number;
  onDrop: () => void;
  onError: (err: Error) => void;
}

const BATCH = 200;

export class PredictionLog {
  // Each entry with the context of the request that made it: the event continues that request's trace.
  private queue: { entry: LogEntry; ctx: Context }[] = [];
  private running = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  dropped = 0;
  sent = 0;

  constructor(
    private readonly bus: EventBus | undefined,
    private readonly options: PredictionLogOptions,
  ) {}

  /** Never blocks and never throws: the entry is queued, sampled out or dropped. */
  offer(make: () => LogEntry): void {
    if (!this.bus || this.options.capacity === 0 || this.stopped) return;
    if (this.options.sample < 1 && Math.random() >= this.options.sample) return;
    if (this.queue.length >= this.options.capacity) {
      this.dropped++;
      this.options.onDrop();
      return;
    }
    this.queue.push({ entry: make(), ctx: context.active() });
    this.wake?.();
  }

  /** Starts sending; the caller connected the bus first. */
  start(): void {
    if (!this.bus || this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const bus = this.bus!;
    while (!this.stopped || this.queue.length) {
      if (!this.queue.length) {
        if (this.stopped) break;
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, 200).unref();
        });
        this.wake = undefined;
        continue;
      }
      const batch = this.queue.splice(0, BATCH);
      try {
        await Promise.all(
          batch.map((q) =>
            context.with(q.ctx, () => bus.publish('keel.inference.logged', q.entry, { key: q.entry.model })),
          ),
        );
        this.sent += batch.length;
      } catch (err) {
        this.options.onError(err as Error);
        if (this.stopped) break;
        // Put them back in front (what does not fit is dropped) and wait out the outage.
        const room = Math.max(0, this.options.capacity - this.queue.length);
        this.queue.unshift(...batch.slice(0, room));
        this.dropped += batch.length - Math.min(batch.length, room);
        await new Promise((r) => setTimeout(r, 500).unref());
      }
    }
  }

  /** Sends what is queued (bounded by the caller's shutdown) and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }
}
