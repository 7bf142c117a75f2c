import { Injectable } from '@nestjs/common';
import { OnEvent, type ConsumedEvent } from '@keel/event-bus';
import { JobsService } from './jobs.service';

/** Kafka triggers: a new snapshot of a dataset with a training policy, and explicit training requests. */
@Injectable()
export class JobsConsumer {
  constructor(private readonly jobs: JobsService) {}

  @OnEvent('keel.dataset.snapshotted', { group: 'keel-training-snapshots' })
  async onSnapshot(event: ConsumedEvent<'keel.dataset.snapshotted'>): Promise<void> {
    await this.jobs.onSnapshot(event.data.dataset, event.data.version);
  }

  @OnEvent('keel.training.requested', { group: 'keel-training-requests' })
  async onRequested(event: ConsumedEvent<'keel.training.requested'>): Promise<void> {
    const d = event.data;
    await this.jobs.onRequested({
      jobId: d.jobId,
      model: d.model,
      dataset: d.dataset,
      datasetVersion: d.datasetVersion,
      algorithm: d.algorithm,
      params: d.params,
      target: d.target,
      seed: d.seed,
      reason: d.reason,
    });
  }
}
