/** A dependency the service needs before it can take traffic (database, broker, loaded model...). */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

/** The service's answer to /readyz and to the gRPC health check: every check passes and we are not stopping. */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly listeners = new Set<(ready: boolean) => void>();
  private started = false;
  private stopping = false;

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  markStarted(): void {
    this.started = true;
  }

  markStopping(): void {
    this.stopping = true;
  }

  /** Called with the outcome of every report, so the gRPC health status and the ready gauge follow /readyz. */
  onReport(listener: (ready: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A dependency just became (un)available: re-run the checks now instead of waiting for the next poll. */
  async refresh(): Promise<boolean> {
    return (await this.report()).ready;
  }

  async report(timeoutMs = 2000): Promise<ReadinessReport> {
    const checks: Record<string, string> = {
      lifecycle: this.stopping ? 'shutting down' : this.started ? 'ok' : 'starting',
    };
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        checks[name] = await withTimeout(check(), timeoutMs).then(
          () => 'ok',
          (err: unknown) => (err instanceof Error ? err.message : String(err)),
        );
      }),
    );
    const ready = Object.values(checks).every((v) => v === 'ok');
    for (const listener of this.listeners) listener(ready);
    return { ready, checks };
  }
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      () => {
        clearTimeout(t);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(t);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
