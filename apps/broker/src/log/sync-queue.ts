// Group commit: concurrent callers that ask for durability share one sync; whoever arrives while a
// sync runs waits for the next one, which covers everything written before it started.
export type SyncFn = (cb: (err: Error | null) => void) => void;

export class SyncQueue {
  private running = false;
  private waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private target: SyncFn) {}

  // Later syncs go to this target (a new active segment); a sync already running finishes first.
  setTarget(target: SyncFn): void {
    this.target = target;
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

  // Resolves once no sync is running or waiting, so a file is never closed under a sync.
  drained(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.running) return;
    if (this.waiting.length === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    const batch = this.waiting;
    this.waiting = [];
    this.running = true;
    this.target((err) => {
      this.running = false;
      for (const w of batch) {
        if (err) w.reject(err);
        else w.resolve();
      }
      this.kick();
    });
  }
}
