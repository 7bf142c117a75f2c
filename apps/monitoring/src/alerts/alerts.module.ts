import { Module } from '@nestjs/common';
import { AlertsGrpcController } from './alerts.grpc.controller';

/** keel.monitoring.v1.AlertService (the alert pipeline itself is shared through CoreModule). */
@Module({ providers: [AlertsGrpcController] })
export class AlertsModule {}
