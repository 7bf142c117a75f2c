// The prediction log: each served request (or a sample) becomes keel.inference.logged, sent off the
// request path. Entries wait in a bounded queue; when it is full they are dropped and counted, so a
// slow or absent Kafka never slows or fails serving. An entry is built (its tensors copied into JSON-safe
// arrays) only when the log sends it, off the request's path; batches are bounded by tensor elements
// so that sending one never holds up the requests being served for long. The sender never runs in the
// turn that offered an entry: it starts after the answers of that turn are written (the linger, or the
// next check phase), and a linger of a few ms lets entries of a light load share one produce request.
import type { EventPayload } from '@keel/contracts';
import { EventBusError, type EventBus } from '@keel/event-bus';
import { context, type Context } from '@opentelemetry/api';

export type LogEntry = EventPayload<'keel.inference.logged'>;

export interface PredictionLogOptions {
  capacity: number;
  sample: number;
  onDrop: () => void;
  onError: (err: Error) => void;
  /** Entries queued or being sent, after each change the sending makes (for a gauge). */
  onDepth?: (queued: number) => void;
  /** How long the first entry of an idle log waits for others before they are sent (0: next turn). */
  lingerMs?: number;
}

const BATCH = 200;
// Tensor elements per batch: a batch becomes one produce request, encoded in one go, so big entries
// (many rows) go fewer at a time and no request takes the event loop for long.
const BATCH_ELEMENTS = 20_000;

interface Queued {
  make: () => LogEntry;
  /** Tensor elements the entry will carry. */
  elements: number;
  // The context of the request that made the entry: the event continues that request's trace.
  ctx: Context;
}

export class PredictionLog {
  private queue: Queued[] = [];
  /** Tensor elements of the queued entries. */
  private queuedElements = 0;
  private running = false;
  private stopped = false;
  /** Set while the sender waits for entries; resolved by `wakeSender`. */
  private wake: (() => void) | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private loop: Promise<void> | undefined;
  dropped = 0;
  sent = 0;

  constructor(
    private readonly bus: EventBus | undefined,
    private readonly options: PredictionLogOptions,
  ) {}

  /**
   * Never blocks and never throws: the entry is queued, sampled out or dropped. `make` runs later, when
   * the entry is sent; `elements` is about how many tensor elements it will carry.
   */
  offer(make: () => LogEntry, elements = 1): void {
    if (!this.bus || this.options.capacity === 0 || this.stopped) return;
    if (this.options.sample < 1 && Math.random() >= this.options.sample) return;
    if (this.queue.length >= this.options.capacity) {
      this.dropped++;
      this.options.onDrop();
      return;
    }
    this.queue.push({ make, elements, ctx: context.active() });
    this.queuedElements += elements;
    if (!this.wake) return; // the sender is busy sending: it comes back for these
    const linger = this.options.lingerMs ?? 0;
    if (linger <= 0 || this.queue.length >= BATCH || this.queuedElements >= BATCH_ELEMENTS)
      this.immediate ??= setImmediate(this.wakeSender);
    else this.lingerTimer ??= setTimeout(this.wakeSender, linger);
  }

  private readonly wakeSender = (): void => {
    clearTimeout(this.lingerTimer);
    clearImmediate(this.immediate);
    this.lingerTimer = this.immediate = undefined;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };

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
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      const batch = this.queue.splice(0, this.batchLength());
      for (const q of batch) this.queuedElements -= q.elements;
      this.options.onDepth?.(this.queue.length + batch.length);
      const droppedBefore = this.dropped;
      const failed = await this.send(bus, batch);
      this.sent += batch.length - failed.length - (this.dropped - droppedBefore);
      this.options.onDepth?.(this.queue.length + failed.length);
      if (failed.length) {
        this.options.onError(failed[0]!.err);
        if (this.stopped) break;
        // Put the unsent back in front (what does not fit is dropped) and wait out the outage.
        const room = Math.max(0, this.options.capacity - this.queue.length);
        const back = failed.slice(0, room).map((f) => f.q);
        this.queue.unshift(...back);
        for (const q of back) this.queuedElements += q.elements;
        const lost = failed.length - Math.min(failed.length, room);
        this.dropped += lost;
        for (let i = 0; i < lost; i++) this.options.onDrop();
        this.options.onDepth?.(this.queue.length);
        await new Promise((r) => setTimeout(r, 500).unref());
      }
    }
  }

  /** How many entries from the front make the next batch (at least one). */
  private batchLength(): number {
    let elements = 0;
    let n = 0;
    while (n < this.queue.length && n < BATCH && (n === 0 || elements + this.queue[n]!.elements <= BATCH_ELEMENTS))
      elements += this.queue[n++]!.elements;
    return n;
  }

  /**
   * Publishes a batch in one go (the bus makes it one produce request); resolves with the entries
   * that were not sent and may be sent again. An entry the bus refuses as invalid (or that cannot be
   * built) would be refused again: it is dropped, counted and reported, not put back in the queue.
   */
  private async send(bus: EventBus, batch: Queued[]): Promise<{ q: Queued; err: Error }[]> {
    const failed: { q: Queued; err: Error }[] = [];
    const sends: Promise<void>[] = [];
    for (const q of batch) {
      const sent = context
        .with(q.ctx, () => {
          let entry: LogEntry;
          try {
            entry = q.make();
          } catch (err) {
            this.refuse(err as Error);
            return Promise.resolve();
          }
          return bus.publish('keel.inference.logged', entry, { key: entry.model });
        })
        .catch((err: unknown) => {
          if (isInvalid(err)) this.refuse(err as Error);
          else failed.push({ q, err: err as Error });
        });
      sends.push(sent);
    }
    await Promise.all(sends);
    return failed;
  }

  private refuse(err: Error): void {
    this.dropped++;
    this.options.onDrop();
    this.options.onError(err);
  }

  /** Sends what is queued (bounded by the caller's shutdown) and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSender();
    await this.loop;
  }
}

/** The bus refused the entry as invalid: sending it again cannot help. */
function isInvalid(err: unknown): boolean {
  return err instanceof EventBusError && err.code === 'INVALID_PAYLOAD';
}
