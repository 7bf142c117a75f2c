// Prediction throughput and latency per model over the last few minutes, in one-second buckets (a fixed
// ring per model: bounded whatever the traffic). Feeds the ops page.
export interface ThroughputPoint {
  t: number;
  rows: number;
  requests: number;
  meanLatencyMs: number;
  maxLatencyMs: number;
}

const SECONDS = 300;

class Ring {
  readonly rows = new Float64Array(SECONDS);
  readonly requests = new Float64Array(SECONDS);
  readonly latency = new Float64Array(SECONDS);
  readonly maxLatency = new Float64Array(SECONDS);
  readonly second = new Float64Array(SECONDS).fill(-1);
}

export class Throughput {
  private readonly rings = new Map<string, Ring>();

  record(model: string, rows: number, latencyMs: number, now: number): void {
    let ring = this.rings.get(model);
    if (!ring) this.rings.set(model, (ring = new Ring()));
    const s = Math.floor(now / 1000);
    const i = s % SECONDS;
    if (ring.second[i] !== s) {
      ring.second[i] = s;
      ring.rows[i] = 0;
      ring.requests[i] = 0;
      ring.latency[i] = 0;
      ring.maxLatency[i] = 0;
    }
    ring.rows[i]! += rows;
    ring.requests[i]!++;
    ring.latency[i]! += latencyMs;
    ring.maxLatency[i] = Math.max(ring.maxLatency[i]!, latencyMs);
  }

  /** The last `seconds` complete seconds per model, oldest first (empty seconds as zeros). */
  series(now: number, seconds = 120): Record<string, ThroughputPoint[]> {
    const out: Record<string, ThroughputPoint[]> = {};
    const last = Math.floor(now / 1000) - 1;
    for (const [model, ring] of this.rings) {
      const points: ThroughputPoint[] = [];
      for (let s = last - Math.min(seconds, SECONDS) + 1; s <= last; s++) {
        const i = s % SECONDS;
        const live = ring.second[i] === s;
        const requests = live ? ring.requests[i]! : 0;
        points.push({
          t: s * 1000,
          rows: live ? ring.rows[i]! : 0,
          requests,
          meanLatencyMs: requests > 0 ? ring.latency[i]! / requests : 0,
          maxLatencyMs: live ? ring.maxLatency[i]! : 0,
        });
      }
      out[model] = points;
    }
    return out;
  }
}
