import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../log/atomic-file';
import { realFileOps, writeFully } from '../log/file-io';
import type { Logger } from '../logger';

// Group metadata kept across restarts, as Kafka keeps it in __consumer_offsets: generation,
// protocol, leader and every member with its assignment and static instance id. A restarted broker
// knows its groups, so members keep heartbeating without a rebalance and static members rejoin
// into their old assignment. One JSON line per change; the last line of a group wins; compacted
// into a fresh file on start.
export interface StoredMember {
  readonly id: string;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocols: { name: string; metadata: string }[]; // metadata base64
  readonly assignment: string; // base64
}

export interface StoredGroup {
  readonly id: string;
  readonly generation: number;
  readonly protocolType: string | null;
  readonly protocol: string | null;
  readonly leader: string | null;
  readonly members: StoredMember[];
}

const FILE = 'consumer-groups.jsonl';

export class GroupStore {
  private fd = -1;
  private position = 0;
  private inflight: Promise<void> | null = null;
  private syncAgain = false;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {}

  private get file(): string {
    return path.join(this.dataDir, FILE);
  }

  load(): StoredGroup[] {
    const groups = new Map<string, StoredGroup>();
    if (fs.existsSync(this.file)) {
      for (const raw of fs.readFileSync(this.file, 'utf8').split('\n')) {
        if (!raw) continue;
        try {
          const line = JSON.parse(raw) as StoredGroup | { id: string; deleted: true };
          if ('deleted' in line) groups.delete(line.id);
          else groups.set(line.id, line);
        } catch {
          // a torn last line from a crash: the previous state of that group stands
        }
      }
    }
    const all = [...groups.values()];
    writeFileAtomic(this.file, all.map((g) => `${JSON.stringify(g)}\n`).join(''));
    this.fd = fs.openSync(this.file, 'r+');
    this.position = fs.fstatSync(this.fd).size;
    return all;
  }

  save(group: StoredGroup): void {
    this.append(group);
  }

  delete(id: string): void {
    this.append({ id, deleted: true });
  }

  // Written at once, synced in the background: losing the last change costs a rebalance, no data.
  private append(line: unknown): void {
    if (this.fd < 0) return;
    const buf = Buffer.from(`${JSON.stringify(line)}\n`);
    try {
      writeFully(realFileOps, this.fd, buf, this.position);
      this.position += buf.length;
    } catch (e) {
      this.logger.error('group metadata write failed', { error: String(e) });
      return;
    }
    this.sync();
  }

  private sync(): void {
    if (this.inflight) {
      this.syncAgain = true;
      return;
    }
    const fd = this.fd;
    this.inflight = new Promise((resolve) =>
      fs.fdatasync(fd, (err) => {
        if (err) this.logger.error('group metadata fsync failed', { error: String(err) });
        this.inflight = null;
        resolve();
        if (this.syncAgain && this.fd === fd) {
          this.syncAgain = false;
          this.sync();
        }
      }),
    );
  }

  // Waits for a background sync before closing, so no fdatasync ever runs on a closed descriptor.
  async close(): Promise<void> {
    if (this.fd < 0) return;
    while (this.inflight) await this.inflight;
    const fd = this.fd;
    this.fd = -1;
    fs.fdatasyncSync(fd);
    fs.closeSync(fd);
  }
}
