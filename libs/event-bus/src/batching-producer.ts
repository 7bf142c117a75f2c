import type { Message, Producer, TopicMessages } from 'kafkajs';

interface Pending {
  topic: string;
  message: Message;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces concurrent sends into one Produce request per turn of the event loop. One request is in
 * flight at a time, so messages leave in call order and per-key order is kept.
 */
export class BatchingProducer {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly producer: Producer,
    // kafkajs groups a batch by partition in quadratic time, so batches stay around a thousand.
    private readonly maxBatch = 1000,
  ) {}

  send(topic: string, message: Message): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, message, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything queued so far has been acknowledged (or failed). */
  async drain(): Promise<void> {
    while (this.queue.length || this.flushing || this.scheduled) {
      if (this.flushing) await this.flushing;
      else await new Promise((r) => setImmediate(r));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.queue.length) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (!batch.length) return;
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      const list = byTopic.get(p.topic);
      if (list) list.push(p.message);
      else byTopic.set(p.topic, [p.message]);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1 });
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
