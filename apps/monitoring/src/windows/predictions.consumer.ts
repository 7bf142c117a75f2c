import { Injectable } from '@nestjs/common';
import { OnEventBatch, PermanentEventError, type ConsumedEvent } from '@keel/event-bus';
import { MonitoringError, MonitoringErrorCode } from '../common/monitoring.errors';
import { WindowsService } from './windows.service';

/**
 * keel.inference.logged → the model's drift window and label join, a fetched chunk at a time. A
 * malformed log fails its chunk; the bus then hands the chunk over one record at a time, and that
 * record is dead-lettered.
 */
@Injectable()
export class PredictionsConsumer {
  constructor(private readonly windows: WindowsService) {}

  // 4 MiB per partition per fetch (kafkajs: 1 MiB): a backlog drains with a quarter of the fetch waits
  // (bench:monitoring, docs/benchmarks/monitoring.md).
  @OnEventBatch('keel.inference.logged', {
    group: 'keel-monitoring-predictions',
    chunkSize: 100,
    fetchBytesPerPartition: 4 * 1024 * 1024,
  })
  async onLogged(events: ConsumedEvent<'keel.inference.logged'>[]): Promise<void> {
    try {
      await this.windows.onPredictionBatch(events);
    } catch (err) {
      if (err instanceof MonitoringError && err.code === MonitoringErrorCode.InvalidPredictionLog)
        throw new PermanentEventError(`${err.field ?? 'payload'}: ${err.message}`);
      throw err;
    }
  }
}
