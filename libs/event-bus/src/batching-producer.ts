import { Partitioners, type Message, type PartitionMetadata, type Producer } from 'kafkajs';

interface Pending {
  message: Message;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface PartitionQueue {
  topic: string;
  partition: number;
  pending: Pending[];
  busy: boolean;
}

/**
 * Coalesces concurrent sends into produce requests, one queue per topic-partition. Each partition
 * has at most one request in flight (so per-key order holds, retries included); every partition that
 * is ready and not in flight goes into one shared request. Partitions are chosen with kafkajs' default (Java-compatible
 * murmur2) partitioner, exactly as any other Kafka client would place the same key.
 */
export class BatchingProducer {
  private readonly queues = new Map<string, PartitionQueue>();
  private readonly ready = new Set<PartitionQueue>();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly metadata = new Map<string, PartitionMetadata[]>();
  private inFlight = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly producer: Producer,
    /** Partition count of a topic the caller has made sure exists. */
    private readonly partitionsOf: (topic: string) => number,
    // kafkajs groups a batch by partition in quadratic time, so requests stay around a thousand records.
    private readonly maxBatch = 1000,
  ) {}

  send(topic: string, message: Message): Promise<void> {
    const partition = this.partitionOf(topic, message);
    const key = `${topic}\u0000${partition}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { topic, partition, pending: [], busy: false };
      this.queues.set(key, queue);
    }
    const q = queue;
    return new Promise<void>((resolve, reject) => {
      message.partition = partition;
      q.pending.push({ message, resolve, reject });
      this.ready.add(q);
      this.schedule();
    });
  }

  // Keys repeat (entity ids, model names): murmur2 runs once per topic and key while the cache is small.
  private readonly placed = new Map<string, Map<string, number>>();

  private partitionOf(topic: string, message: Message): number {
    const key = typeof message.key === 'string' ? message.key : undefined;
    if (key === undefined)
      return this.partitioner({ topic, partitionMetadata: this.partitionMetadata(topic), message });
    let byKey = this.placed.get(topic);
    if (!byKey) this.placed.set(topic, (byKey = new Map()));
    let partition = byKey.get(key);
    if (partition === undefined) {
      partition = this.partitioner({ topic, partitionMetadata: this.partitionMetadata(topic), message });
      if (byKey.size >= 50_000) byKey.clear();
      byKey.set(key, partition);
    }
    return partition;
  }

  /** Resolves once everything queued so far has been acknowledged (or failed). */
  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && !this.scheduled && this.ready.size === 0;
  }

  private partitionMetadata(topic: string): PartitionMetadata[] {
    let meta = this.metadata.get(topic);
    if (!meta) {
      meta = Array.from({ length: this.partitionsOf(topic) }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      }));
      this.metadata.set(topic, meta);
    }
    return meta;
  }

  // Waits one turn of the event loop so that concurrent callers share a request.
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // Requests of about maxBatch records (kafkajs groups a request's records per partition in
      // quadratic time); what does not fit goes in the next request, right away.
      let queues: PartitionQueue[] = [];
      let size = 0;
      for (const q of this.ready) {
        if (q.busy) continue;
        this.ready.delete(q);
        queues.push(q);
        size += Math.min(q.pending.length, this.maxBatch);
        if (size >= this.maxBatch) {
          void this.flush(queues);
          queues = [];
          size = 0;
        }
      }
      if (queues.length) void this.flush(queues);
      if (this.isIdle()) this.idle.splice(0).forEach((r) => r());
    });
  }

  /** One produce request for every ready partition (of any topic): fewer, larger requests cost less per record. */
  private async flush(queues: PartitionQueue[]): Promise<void> {
    const batches: Pending[][] = [];
    const byTopic = new Map<string, Message[]>();
    for (const q of queues) {
      const batch = q.pending.splice(0, this.maxBatch);
      batches.push(batch);
      q.busy = true;
      let messages = byTopic.get(q.topic);
      if (!messages) byTopic.set(q.topic, (messages = []));
      for (const p of batch) messages.push(p.message);
    }
    this.inFlight++;
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      for (const batch of batches) for (const p of batch) p.resolve();
    } catch (err) {
      for (const batch of batches) for (const p of batch) p.reject(err);
    } finally {
      for (const q of queues) {
        q.busy = false;
        if (q.pending.length) this.ready.add(q);
      }
      this.inFlight--;
      this.schedule();
    }
  }
}
