/** A dependency the service needs before it can take traffic (database, broker, loaded model...). */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

/** The service's answer to /readyz and to the gRPC health check: every check passes and we are not stopping. */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
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
    return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
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
