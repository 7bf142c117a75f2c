import { Module } from '@nestjs/common';
import { AuditConsumer } from './audit.consumer';
import { AuditGrpcController } from './audit.grpc.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** The audit trail of admin actions; other contexts record through AuditService in their own transactions. */
@Module({
  providers: [AuditRepository, AuditService, AuditGrpcController, AuditConsumer],
  exports: [AuditService],
})
export class AuditModule {}
