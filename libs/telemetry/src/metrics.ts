import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets in seconds, from 0.5 ms to 10 s: covers an in-process call up to a training step. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * A service's Prometheus registry: process metrics plus its own, every series labelled with the
 * service name. Metric names are prefixed `keel_`.
 */
export class ServiceMetrics {
  readonly registry = new Registry();

  constructor(
    readonly service: string,
    options: { defaultMetrics?: boolean } = {},
  ) {
    this.registry.setDefaultLabels({ service });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.existing<Counter<L>>(name) ?? new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.existing<Gauge<L>>(name) ?? new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets = LATENCY_BUCKETS,
  ): Histogram<L> {
    return (
      this.existing<Histogram<L>>(name) ??
      new Histogram({ name, help, labelNames, buckets, registers: [this.registry] })
    );
  }

  /** Times an async call into a histogram, in seconds, whether it resolves or throws. */
  async time<T, L extends string>(
    h: Histogram<L>,
    labels: Partial<Record<L, string | number>>,
    fn: () => Promise<T>,
  ): Promise<T> {
    const end = h.startTimer(labels);
    try {
      return await fn();
    } finally {
      end();
    }
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private existing<M>(name: string): M | undefined {
    return this.registry.getSingleMetric(name) as M | undefined;
  }
}
