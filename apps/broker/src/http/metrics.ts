import { API_NAMES } from '../protocol/api-keys';

// Broker counters rendered in the Prometheus text exposition format (no client library needed).
export class BrokerMetrics {
  bytesIn = 0;
  bytesOut = 0;
  connections = 0;
  malformedFrames = 0;
  duplicateBatches = 0;
  readonly requests = new Map<string, number>(); // "api|version"
  readonly errors = new Map<string, number>(); // "api|code"

  request(apiKey: number, version: number): void {
    const key = `${API_NAMES.get(apiKey) ?? `Unknown${apiKey}`}|${version}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  error(apiKey: number, code: number): void {
    if (code === 0) return;
    const key = `${API_NAMES.get(apiKey) ?? `Unknown${apiKey}`}|${code}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  render(gauges: {
    partitions: number;
    topics: number;
    logBytes: number;
    rebalances: number;
    groupMembers: number;
    offlinePartitions: number;
    recoveredBytes: number;
    expiredProducers: number;
    cleanedBytes: number;
  }): string {
    const out: string[] = [];
    const metric = (name: string, type: string, help: string, lines: string[]): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
    };
    metric('keel_broker_bytes_in_total', 'counter', 'Bytes received from clients.', [
      `keel_broker_bytes_in_total ${this.bytesIn}`,
    ]);
    metric('keel_broker_bytes_out_total', 'counter', 'Bytes sent to clients.', [
      `keel_broker_bytes_out_total ${this.bytesOut}`,
    ]);
    metric(
      'keel_broker_requests_total',
      'counter',
      'Requests by API and version.',
      [...this.requests].map(([k, n]) => {
        const [api, version] = k.split('|');
        return `keel_broker_requests_total{api="${api}",version="${version}"} ${n}`;
      }),
    );
    metric(
      'keel_broker_errors_total',
      'counter',
      'Error codes returned, by API and Kafka error code.',
      [...this.errors].map(([k, n]) => {
        const [api, code] = k.split('|');
        return `keel_broker_errors_total{api="${api}",code="${code}"} ${n}`;
      }),
    );
    metric('keel_broker_malformed_frames_total', 'counter', 'Connections closed for a malformed frame.', [
      `keel_broker_malformed_frames_total ${this.malformedFrames}`,
    ]);
    metric('keel_broker_duplicate_batches_total', 'counter', 'Retried idempotent batches answered from the log.', [
      `keel_broker_duplicate_batches_total ${this.duplicateBatches}`,
    ]);
    metric('keel_broker_connections', 'gauge', 'Open client connections.', [
      `keel_broker_connections ${this.connections}`,
    ]);
    metric('keel_broker_topics', 'gauge', 'Topics.', [`keel_broker_topics ${gauges.topics}`]);
    metric('keel_broker_partitions', 'gauge', 'Partitions.', [`keel_broker_partitions ${gauges.partitions}`]);
    metric('keel_broker_log_size_bytes', 'gauge', 'Bytes in all partition logs.', [
      `keel_broker_log_size_bytes ${gauges.logBytes}`,
    ]);
    metric('keel_broker_group_rebalances_total', 'counter', 'Completed group rebalances.', [
      `keel_broker_group_rebalances_total ${gauges.rebalances}`,
    ]);
    metric('keel_broker_group_members', 'gauge', 'Members in all consumer groups.', [
      `keel_broker_group_members ${gauges.groupMembers}`,
    ]);
    metric('keel_broker_offline_partitions', 'gauge', 'Partitions out of service after a failed write or sync.', [
      `keel_broker_offline_partitions ${gauges.offlinePartitions}`,
    ]);
    metric('keel_broker_recovery_truncated_bytes', 'gauge', 'Bytes cut at start-up (torn tails, corrupt regions).', [
      `keel_broker_recovery_truncated_bytes ${gauges.recoveredBytes}`,
    ]);
    metric('keel_broker_expired_producers_total', 'counter', 'Idempotent producers forgotten after idling.', [
      `keel_broker_expired_producers_total ${gauges.expiredProducers}`,
    ]);
    metric('keel_broker_compacted_bytes_total', 'counter', 'Bytes removed by log compaction.', [
      `keel_broker_compacted_bytes_total ${gauges.cleanedBytes}`,
    ]);
    return `${out.join('\n')}\n`;
  }
}
