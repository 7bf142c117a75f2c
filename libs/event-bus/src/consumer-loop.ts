import type { EventType } from '@keel/contracts';
import type { Batch, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { EntityManager } from 'typeorm';
import { backoffDelay, type RetryPolicy } from './backoff';
import { deadLetterHeaders } from './dead-letter';
import { errorMessage, type EventBusErrorCode } from './errors';
import { classifyFailure } from './failure-class';
import { inBatchSpan, inConsumerSpan } from './handler-span';
import type { EventProcessor } from './idempotency';
import type { EventBusMetrics } from './metrics';
import { prepareMessage, type PreparedMessage } from './prepare-message';
import type { ConsumedEvent, EventBusLogger } from './types';

export type AnyHandler<T extends EventType> = (event: ConsumedEvent<T> & { manager?: EntityManager }) => Promise<void>;
/** The events of one chunk, in log order; at least once each, like a per-event handler. */
export type BatchHandler<T extends EventType> = (events: ConsumedEvent<T>[]) => Promise<void>;

export interface ConsumerLoopOptions<T extends EventType> {
  type: T;
  group: string;
  dlqTopic: string;
  handler: AnyHandler<T>;
  /**
   * With a batch handler, each chunk of valid events goes to it in one call (one span, one timer).
   * When it throws, the chunk's events go to `handler` one at a time (retries, outage waits and
   * dead-letters as for any handler), so a bad event is dead-lettered alone.
   */
  batchHandler?: BatchHandler<T>;
  processor: EventProcessor<ConsumedEvent<T>>;
  retry: RetryPolicy;
  chunkSize: number;
  metrics: EventBusMetrics;
  logger?: EventBusLogger;
  /** Called when a partition stops for a dependency outage (true) and when it resumes (false). */
  onOutage?(topic: string, partition: number, active: boolean, reason: string): void;
  sendDeadLetter(
    topic: string,
    message: {
      key: Buffer | null;
      value: Buffer | null;
      headers: Record<string, Buffer | string | (Buffer | string)[]>;
    },
  ): Promise<void>;
}

type Control = Pick<EachBatchPayload, 'heartbeat' | 'isRunning' | 'isStale'>;

// A chunk stops taking new events after this long, so slow handlers never starve heartbeats and commits.
const CHUNK_BUDGET_MS = 1000;

/** The per-batch logic of one subscription: validate, dedupe, handle, retry, dead-letter, resolve offsets. */
export class ConsumerLoop<T extends EventType> {
  private readonly handlerTimer;

  constructor(private readonly o: ConsumerLoopOptions<T>) {
    this.handlerTimer = o.metrics.handlerSeconds.labels(o.type, o.group);
  }

  async run(consumer: Consumer, partitionsConsumedConcurrently: number): Promise<void> {
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const { messages } = batch;
    // Decoded a chunk at a time, and let go once handled: a fetch holds thousands of messages, and
    // parsed events kept alive across the whole fetch make every young-generation GC copy them.
    const prepared: (PreparedMessage<T> | undefined)[] = new Array<PreparedMessage<T> | undefined>(messages.length);
    const at = (k: number): PreparedMessage<T> =>
      (prepared[k] ??= prepareMessage(this.o.type, batch.topic, batch.partition, messages[k]!));
    let i = 0;
    let released = 0;
    // After a failed batch: the events before this index go to the per-event handler one at a time.
    let oneByOneUntil = 0;
    let last: string | undefined;
    const resolve = (offset: string) => {
      p.resolveOffset(offset);
      last = offset;
    };
    while (i < messages.length && p.isRunning() && !p.isStale()) {
      for (; released < i; released++) prepared[released] = undefined;
      const first = at(i);
      if (first.kind === 'invalid') {
        await this.deadLetter(batch, first.message, first.code, first.reason, 0);
        resolve(first.message.offset);
        i++;
        continue;
      }
      const events: ConsumedEvent<T>[] = [];
      const limit = i < oneByOneUntil ? 1 : this.o.chunkSize;
      for (let j = i; j < messages.length && events.length < limit; j++) {
        const next = at(j);
        if (next.kind === 'invalid') break;
        events.push(next.event);
      }
      let completed = 0;
      let firstError: unknown;
      let attemptsDone = 0;
      let outOfTime = false;
      let chunkError: unknown;
      if (this.o.batchHandler && events.length > 1) {
        const error = await this.runBatch(this.o.batchHandler, events);
        if (error === undefined) {
          this.count('handled', events.length);
          resolve(events[events.length - 1]!.offset);
          i += events.length;
        } else {
          // Each event of the chunk again, one at a time: first waiting out an outage the batch ran into.
          oneByOneUntil = i + events.length;
          const outage = classifyFailure(error) === 'infrastructure';
          this.o.logger?.warn(
            { err: errorMessage(error), group: this.o.group, topic: batch.topic },
            'batch handler failed; handling its events one by one',
          );
          if (outage) {
            const outcome = await this.handleSlowly(batch, first.message, events[0]!, 0, error, p);
            if (outcome === 'stopped') break;
            resolve(events[0]!.offset);
            i++;
          }
        }
        await p.commitOffsetsIfNecessary();
        await p.heartbeat();
        continue;
      }
      try {
        const outcome = await this.o.processor.runChunk(
          events,
          (e, manager) => this.invoke(e, manager),
          Date.now() + CHUNK_BUDGET_MS,
        );
        completed = outcome.completed;
        outOfTime = !outcome.failure && completed < events.length;
        this.count('handled', outcome.handled);
        this.count('duplicate', outcome.duplicates);
        if (outcome.failure) {
          firstError = outcome.failure.error;
          attemptsDone = 1;
        }
      } catch (err) {
        // The chunk's transaction failed as a whole (e.g. a concurrent member recorded an id first):
        // nothing of it committed, so each event goes through the one-at-a-time path (which waits
        // out an outage first when the error says the database or broker is unavailable).
        chunkError = err;
        this.o.logger?.warn(
          { err: errorMessage(err), group: this.o.group, topic: batch.topic },
          'event chunk failed; retrying one by one',
        );
      }
      if (completed > 0) resolve(events[completed - 1]!.offset);
      i += completed;
      if (completed < events.length && !outOfTime) {
        const outcome = await this.handleSlowly(
          batch,
          at(i).message,
          events[completed]!,
          attemptsDone,
          attemptsDone > 0 ? firstError : chunkError,
          p,
        );
        if (outcome === 'stopped') break;
        resolve(events[completed]!.offset);
        i++;
      }
      await p.commitOffsetsIfNecessary();
      await p.heartbeat();
    }
    if (last !== undefined) {
      this.o.metrics.lag.set(
        { topic: batch.topic, partition: String(batch.partition), group: this.o.group },
        Math.max(0, Number(batch.highWatermark) - Number(last) - 1),
      );
    }
  }

  /** One call of the batch handler for the chunk; the error it threw, if any. */
  private async runBatch(handler: BatchHandler<T>, events: ConsumedEvent<T>[]): Promise<unknown> {
    const end = this.handlerTimer.startTimer();
    try {
      await inBatchSpan(events, this.o.group, () => handler(events));
      return undefined;
    } catch (err) {
      return err ?? new Error('batch handler failed');
    } finally {
      end();
    }
  }

  private invoke(event: ConsumedEvent<T>, manager: EntityManager | undefined, attempt = 1): Promise<void> {
    const end = this.handlerTimer.startTimer();
    return inConsumerSpan(event, this.o.group, attempt, () =>
      this.o.handler({ ...event, attempt, ...(manager ? { manager } : {}) }),
    ).finally(end);
  }

  /**
   * Retries one event until it is handled. An infrastructure failure (database or broker down, a
   * serialization conflict...) halts the partition and retries with backoff for as long as the outage
   * lasts, without counting attempts, committing or dead-lettering. Other failures are retried up to
   * the policy's attempts and then dead-lettered, but only once the dependency answers again; a
   * permanent failure is dead-lettered at once.
   */
  private async handleSlowly(
    batch: Batch,
    message: KafkaMessage,
    event: ConsumedEvent<T>,
    attemptsDone: number,
    lastError: unknown,
    control: Control,
  ): Promise<'handled' | 'dead-lettered' | 'stopped'> {
    let failures = 0;
    let calls = attemptsDone;
    let outages = 0;
    let error = lastError;
    const hasError = attemptsDone > 0 || lastError !== undefined;
    if (attemptsDone > 0) this.noteFailure(event, attemptsDone, error);
    if (hasError && classifyFailure(error) !== 'infrastructure') failures = attemptsDone;
    let pending = hasError;
    try {
      for (;;) {
        if (pending) {
          const cls = classifyFailure(error);
          const outage =
            cls === 'infrastructure' ||
            (cls === 'transient' && failures >= this.o.retry.attempts && !(await this.o.processor.healthy()));
          if (outage) {
            if (outages === 0) this.o.onOutage?.(batch.topic, batch.partition, true, errorMessage(error));
            outages++;
            const delay = backoffDelay(this.o.retry, Math.min(outages + 1, 30));
            if (!(await this.pause(delay, control))) return 'stopped';
          } else if (cls === 'permanent' || failures >= this.o.retry.attempts) {
            break;
          } else if (calls > 0 && !(await this.pause(backoffDelay(this.o.retry, failures + 1), control))) {
            return 'stopped';
          }
        }
        pending = true;
        calls++;
        try {
          const result = await this.o.processor.runOne(event, (e, manager) => this.invoke(e, manager, calls));
          this.count(result, 1);
          return 'handled';
        } catch (err) {
          error = err;
          if (classifyFailure(err) !== 'infrastructure') failures++;
          this.noteFailure(event, calls, err);
        }
      }
      const code: EventBusErrorCode = classifyFailure(error) === 'permanent' ? 'HANDLER_REJECTED' : 'HANDLER_FAILED';
      await this.deadLetter(batch, message, code, errorMessage(error), calls);
      return 'dead-lettered';
    } finally {
      if (outages > 0) this.o.onOutage?.(batch.topic, batch.partition, false, '');
    }
  }

  private noteFailure(event: ConsumedEvent<T>, attempt: number, err: unknown): void {
    this.o.metrics.failed.inc({ type: this.o.type, group: this.o.group, code: 'HANDLER_FAILED' });
    this.o.logger?.warn(
      {
        err: errorMessage(err),
        eventId: event.id,
        topic: event.topic,
        offset: event.offset,
        attempt,
        group: this.o.group,
      },
      'event handler failed',
    );
  }

  /** Sleeps in short slices, heartbeating, and gives up early when the consumer is stopping. */
  private async pause(ms: number, control: Control): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!control.isRunning() || control.isStale()) return false;
      await new Promise((r) => setTimeout(r, Math.min(250, until - Date.now())));
      await control.heartbeat();
    }
    return control.isRunning();
  }

  private async deadLetter(
    batch: Batch,
    message: KafkaMessage,
    code: EventBusErrorCode,
    reason: string,
    attempts: number,
  ): Promise<void> {
    // Every value of a repeated header goes along.
    const original: Record<string, Buffer | string | (Buffer | string)[]> = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) original[k] = v;
    const headers = deadLetterHeaders(original, {
      code,
      message: reason,
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      failedAt: new Date(),
      attempts,
      group: this.o.group,
    });
    await this.o.sendDeadLetter(this.o.dlqTopic, { key: message.key, value: message.value, headers });
    if (attempts === 0) this.o.metrics.failed.inc({ type: this.o.type, group: this.o.group, code });
    this.o.metrics.deadLettered.inc({ topic: batch.topic, group: this.o.group, code });
    this.o.logger?.error(
      { code, reason, topic: batch.topic, partition: batch.partition, offset: message.offset, group: this.o.group },
      'event dead-lettered',
    );
  }

  private count(outcome: 'handled' | 'duplicate', n: number): void {
    if (n > 0) this.o.metrics.consumed.inc({ type: this.o.type, group: this.o.group, outcome }, n);
  }
}
