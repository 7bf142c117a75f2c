import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { GrpcServiceHandlers } from '@keel/contracts';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import type { AuditEntryRow } from './audit.entities';
import { AuditService } from './audit.service';

/** The scope each keel.registry.v1.AuditService method needs (docs/security.md): readers see who did what. */
export const AUDIT_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.registry.v1.AuditService']> = {
  ListAuditEntries: 'read',
};

/** keel.registry.v1.AuditService: translates messages and delegates to AuditService. */
@Injectable()
export class AuditGrpcController implements OnModuleInit {
  constructor(
    private readonly audit: AuditService,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.registry.v1.AuditService',
      {
        ListAuditEntries: async (req) => {
          const { items, nextPageToken } = await this.audit.list(req);
          return { entries: items.map(auditEntryToProto), nextPageToken };
        },
      },
      AUDIT_RPC_SCOPES,
    );
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
