// The churn story's traffic while processes are killed: a kafkajs producer of records (idempotent, as a
// careful client is), OIP predictions over gRPC, their true labels on keel.feedback, and a snapshot now
// and then (each one trains through the training policy). Every outcome is recorded with its time.
import type { inference } from '@keel/contracts';
import type { EventBus } from '@keel/event-bus';
import { ingestTopic } from '@keel/contracts';
import type { Producer } from 'kafkajs';
import { ENTITY_KEY, oipInputs, record, TARGET, type ChurnData, type Clients } from './story';

export interface RequestOutcome {
  id: string;
  startedAt: number;
  endedAt: number;
  ok: boolean;
  error?: string;
}

export interface TrafficOptions {
  dataset: string;
  seed: number;
  recordsPerSecond: number;
  rowsPerRequest: number;
  requestIntervalMs: number;
  snapshotIntervalMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Traffic {
  /** Record numbers the broker acknowledged. */
  readonly acked = new Set<number>();
  /** Sends that failed and were sent again (the first may have been written: at-least-once on the client side). */
  resends = 0;
  readonly requests: RequestOutcome[] = [];
  readonly snapshots: { at: number; ok: boolean; version?: number; error?: string }[] = [];
  labelsSent = 0;
  labelResends = 0;
  private next = 0;
  private stopped = false;
  private loops: Promise<void>[] = [];
  private labels: { requestId: string; rows: number[] }[] = [];

  constructor(
    private readonly c: Clients,
    private readonly producer: Producer,
    private readonly bus: EventBus,
    private readonly data: ChurnData,
    private readonly o: TrafficOptions,
  ) {}

  /** Sends n records now (set-up: the rows version 1 is trained on). */
  async sendRecords(n: number): Promise<void> {
    for (let sent = 0; sent < n;) {
      const batch = Math.min(500, n - sent);
      await this.sendBatch(batch, false);
      sent += batch;
    }
  }

  start(): void {
    this.loops = [this.produceLoop(), this.predictLoop(), this.labelLoop(), this.snapshotLoop()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async sendBatch(size: number, shifted: boolean): Promise<void> {
    const numbers = Array.from({ length: size }, () => this.next++);
    const messages = numbers.map((n) => {
      const row = record(this.data, n, shifted);
      return { key: row[ENTITY_KEY]!, value: JSON.stringify(row) };
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.producer.send({ topic: ingestTopic(this.o.dataset), messages, acks: -1 });
        for (const n of numbers) this.acked.add(n);
        return;
      } catch {
        // Not acknowledged: the client sends the same records again, as a producer with retries would.
        this.resends++;
        await sleep(Math.min(1000, 100 * 2 ** attempt));
        if (this.stopped && attempt > 100) return;
      }
    }
  }

  private async produceLoop(): Promise<void> {
    const perTick = Math.max(1, Math.round(this.o.recordsPerSecond / 10));
    while (!this.stopped) {
      const t0 = Date.now();
      await this.sendBatch(perTick, false);
      await sleep(Math.max(0, 100 - (Date.now() - t0)));
    }
  }

  private async predictLoop(): Promise<void> {
    let meta: { inputs: { name: string; datatype: string }[] } | undefined;
    for (let i = 0; !this.stopped; i++) {
      const id = `chaos-${this.o.seed}-${i}`;
      // Shifted traffic (more cashback, mostly e-wallet), so monitoring's drift windows fire alerts.
      const rows = Array.from({ length: this.o.rowsPerRequest }, (_, k) =>
        record(this.data, 5_000_000 + i * this.o.rowsPerRequest + k, true),
      );
      const startedAt = Date.now();
      try {
        meta ??= (await this.c.inference.ModelMetadata({ name: this.o.dataset, version: '' })) as {
          inputs: { name: string; datatype: string }[];
        };
        const res = (await this.c.inference.ModelInfer(
          {
            modelName: this.o.dataset,
            modelVersion: '',
            id,
            inputs: oipInputs(meta, rows),
            outputs: [{ name: 'label' }, { name: 'probabilities' }],
          },
          { deadline: Date.now() + 10_000 },
        )) as inference.ModelInferResponse__Output;
        if (res.outputs.length === 0) throw new Error('no outputs');
        this.requests.push({ id, startedAt, endedAt: Date.now(), ok: true });
        this.labels.push({ requestId: id, rows: rows.map((r) => Number(r[TARGET])) });
      } catch (err) {
        this.requests.push({ id, startedAt, endedAt: Date.now(), ok: false, error: (err as Error).message });
      }
      await sleep(this.o.requestIntervalMs);
    }
  }

  private async labelLoop(): Promise<void> {
    while (!this.stopped || this.labels.length > 0) {
      const next = this.labels[0];
      if (!next) {
        await sleep(50);
        continue;
      }
      try {
        await Promise.all(
          next.rows.map((label, row) =>
            this.bus.publish('keel.feedback', { requestId: next.requestId, row, label }, { key: next.requestId }),
          ),
        );
        this.labels.shift();
        this.labelsSent += next.rows.length;
      } catch {
        this.labelResends++;
        await sleep(250);
        if (this.stopped && this.labelResends > 200) return;
      }
    }
  }

  private async snapshotLoop(): Promise<void> {
    while (!this.stopped) {
      await sleep(this.o.snapshotIntervalMs);
      if (this.stopped) return;
      await this.snapshot();
    }
  }

  async snapshot(): Promise<number | undefined> {
    try {
      const s = (await this.c.ingestion.datasets.CreateSnapshot(
        { dataset: this.o.dataset, wait: true },
        { deadline: Date.now() + 30_000 },
      )) as { version: number };
      this.snapshots.push({ at: Date.now(), ok: true, version: s.version });
      return s.version;
    } catch (err) {
      this.snapshots.push({ at: Date.now(), ok: false, error: (err as Error).message });
      return undefined;
    }
  }

  get sentRecords(): number {
    return this.next;
  }
}
