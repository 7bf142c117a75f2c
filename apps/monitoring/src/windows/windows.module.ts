import { Module } from '@nestjs/common';
import { MonitorsModule } from '../monitors/monitors.module';
import { FeedbackConsumer } from '../performance/feedback.consumer';
import { PerformanceService } from '../performance/performance.service';
import { DriftQueries } from './drift-queries.service';
import { DriftGrpcController } from './drift.grpc.controller';
import { ModelStatesService } from './model-states.service';
import { PredictionsConsumer } from './predictions.consumer';
import { WindowRecovery } from './window-recovery';
import { WindowsService } from './windows.service';

/** Drift windows and delayed-label performance: what logged predictions and feedback turn into. */
@Module({
  imports: [MonitorsModule],
  providers: [
    ModelStatesService,
    WindowsService,
    WindowRecovery,
    PerformanceService,
    PredictionsConsumer,
    FeedbackConsumer,
    DriftQueries,
    DriftGrpcController,
  ],
  exports: [WindowsService, PerformanceService, DriftQueries],
})
export class WindowsModule {}
