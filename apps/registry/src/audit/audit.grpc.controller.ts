import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GrpcServerHost } from '@keel/runtime';
import type { AuditEntryRow } from './audit.entities';
import { AuditService } from './audit.service';

/** keel.registry.v1.AuditService: translates messages and delegates to AuditService. */
@Injectable()
export class AuditGrpcController implements OnModuleInit {
  constructor(
    private readonly audit: AuditService,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    this.grpc.addService('keel.registry.v1.AuditService', {
      ListAuditEntries: async (req) => {
        const { items, nextPageToken } = await this.audit.list(req);
        return { entries: items.map(auditEntryToProto), nextPageToken };
      },
    });
  }
}

function auditEntryToProto(row: AuditEntryRow) {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    detailsJson: JSON.stringify(row.details),
    traceId: row.traceId,
  };
}
