import * as fs from 'node:fs';

// Group commit: concurrent callers that ask for durability share one fdatasync; whoever arrives
// while a sync runs waits for the next one, which covers everything written before it started.
export class SyncQueue {
  private running = false;
  private waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(private fd: number) {}

  setFd(fd: number): void {
    this.fd = fd;
  }

  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.kick();
    });
  }

  get idle(): boolean {
    return !this.running && this.waiting.length === 0;
  }

  private kick(): void {
    if (this.running || this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.running = true;
    fs.fdatasync(this.fd, (err) => {
      this.running = false;
      for (const w of batch) {
        if (err) w.reject(err);
        else w.resolve();
      }
      this.kick();
    });
  }
}
