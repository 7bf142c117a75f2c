import * as fs from 'node:fs';
import * as path from 'node:path';
import { SyncQueue } from '../log/sync-queue';
import { writeFileAtomic } from '../log/atomic-file';
import { realFileOps, StorageError, writeFully } from '../log/file-io';

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string | null;
}

// A commit, or with x=1 a deletion: of one partition's offset (t, p given) or of the whole group.
interface Line {
  g: string;
  t?: string;
  p?: number;
  o?: number;
  m?: string | null;
  x?: 1;
}

const FILE = 'consumer-offsets.jsonl';
const COMPACT_AFTER_LINES = 200_000;

// Committed offsets per group: an append-only JSON-lines journal, compacted on start and when long.
// A commit is acknowledged only after its line is fsynced (group-committed across requests).
export class OffsetStore {
  private readonly offsets = new Map<string, Map<string, CommittedOffset>>();
  private fd = -1;
  private lines = 0;
  private queue!: SyncQueue;
  private position = 0;
  // A failed write or sync: later syncs prove nothing about earlier lines, so commits stop.
  private failure: Error | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly fsyncEnabled: boolean,
  ) {}

  private get file(): string {
    return path.join(this.dataDir, FILE);
  }

  load(): void {
    if (fs.existsSync(this.file)) {
      for (const raw of fs.readFileSync(this.file, 'utf8').split('\n')) {
        if (!raw) continue;
        let l: Line;
        try {
          l = JSON.parse(raw) as Line;
        } catch {
          continue; // a torn last line from a crash
        }
        if (l.x === 1 && l.t === undefined) this.offsets.delete(l.g);
        else if (l.x === 1) this.offsets.get(l.g)?.delete(`${l.t}:${l.p}`);
        else this.set(l.g, l.t ?? '', l.p ?? 0, { offset: l.o ?? -1, metadata: l.m ?? null });
      }
    }
    this.compact();
  }

  private compact(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    const out: string[] = [];
    for (const [g, m] of this.offsets) {
      for (const [key, v] of m) {
        const i = key.lastIndexOf(':');
        out.push(this.line(g, key.slice(0, i), Number(key.slice(i + 1)), v));
      }
    }
    writeFileAtomic(this.file, out.join(''));
    this.fd = fs.openSync(this.file, 'r+');
    this.position = fs.fstatSync(this.fd).size;
    this.lines = out.length;
    const fd = this.fd;
    this.queue = new SyncQueue((cb) => fs.fdatasync(fd, cb));
  }

  private line(g: string, t: string, p: number, v: CommittedOffset): string {
    const l: Line = { g, t, p, o: v.offset, m: v.metadata };
    return `${JSON.stringify(l)}\n`;
  }

  private set(group: string, topic: string, partition: number, v: CommittedOffset): void {
    let m = this.offsets.get(group);
    if (!m) this.offsets.set(group, (m = new Map()));
    m.set(`${topic}:${partition}`, v);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(group)?.get(`${topic}:${partition}`);
  }

  // Every committed partition of a group, for OffsetFetch with a null topic list.
  list(group: string): { topic: string; partition: number; value: CommittedOffset }[] {
    const m = this.offsets.get(group);
    if (!m) return [];
    return [...m].map(([key, value]) => {
      const i = key.lastIndexOf(':');
      return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)), value };
    });
  }

  hasGroup(group: string): boolean {
    return this.offsets.has(group);
  }

  groups(): string[] {
    return [...this.offsets.keys()];
  }

  commit(
    group: string,
    entries: { topic: string; partition: number; offset: number; metadata: string | null }[],
  ): Promise<void> {
    if (this.failure) return Promise.reject(new StorageError(`offset journal offline: ${this.failure.message}`));
    if (entries.length === 0) return Promise.resolve();
    let text = '';
    for (const e of entries) {
      const v = { offset: e.offset, metadata: e.metadata };
      this.set(group, e.topic, e.partition, v);
      text += this.line(group, e.topic, e.partition, v);
    }
    return this.append(text, entries.length);
  }

  // DeleteGroups: forgets every committed offset of the group (durably, like a commit).
  deleteGroup(group: string): Promise<void> {
    if (this.failure) return Promise.reject(new StorageError(`offset journal offline: ${this.failure.message}`));
    this.offsets.delete(group);
    return this.append(`${JSON.stringify({ g: group, x: 1 })}\n`, 1);
  }

  // OffsetDelete: forgets the committed offsets of some partitions.
  deleteOffsets(group: string, partitions: { topic: string; partition: number }[]): Promise<void> {
    if (this.failure) return Promise.reject(new StorageError(`offset journal offline: ${this.failure.message}`));
    const m = this.offsets.get(group);
    let text = '';
    for (const { topic, partition } of partitions) {
      m?.delete(`${topic}:${partition}`);
      text += `${JSON.stringify({ g: group, t: topic, p: partition, x: 1 })}\n`;
    }
    if (m && m.size === 0) this.offsets.delete(group);
    return text ? this.append(text, partitions.length) : Promise.resolve();
  }

  private append(text: string, lines: number): Promise<void> {
    if (this.lines > COMPACT_AFTER_LINES && this.queue.idle) {
      this.compact(); // the rewrite is fsynced and already reflects these entries
      return Promise.resolve();
    }
    const buf = Buffer.from(text);
    try {
      writeFully(realFileOps, this.fd, buf, this.position);
    } catch (e) {
      this.failure = e as Error;
      return Promise.reject(e as Error);
    }
    this.position += buf.length;
    this.lines += lines;
    if (!this.fsyncEnabled) return Promise.resolve();
    return this.queue.sync().catch((e: Error) => {
      this.failure = e;
      throw e;
    });
  }

  // For the 'interval' and 'never' fsync policies: make the journal durable now.
  flush(): Promise<void> {
    return this.fd < 0 || this.failure ? Promise.resolve() : this.queue.sync();
  }

  async close(): Promise<void> {
    if (this.fd < 0) return;
    await this.queue.drained();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}
