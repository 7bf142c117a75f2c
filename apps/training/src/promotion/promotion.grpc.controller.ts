import type { GrpcServiceHandlers } from '@keel/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { currentPrincipal, GrpcServerHost, type RpcScopes } from '@keel/runtime';
import { gateToProto } from '../jobs/jobs.mapper';
import { PromotionGate } from './promotion-gate';
import type { PromotionPolicy } from './gate';

const policyToProto = (p: PromotionPolicy & { model: string }) => ({
  model: p.model,
  minMetrics: Object.entries(p.minMetrics).map(([metric, min]) => ({ metric, min })),
  compareMetric: p.compareMetric,
  maxRegression: p.maxRegression,
  requireSignatureMatch: p.requireSignatureMatch,
});

/** The scope each keel.training.v1.PromotionService method needs (docs/security.md). */
export const PROMOTION_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.training.v1.PromotionService']> = {
  SetPromotionPolicy: 'admin',
  GetPromotionPolicy: 'read',
  Promote: 'admin',
  Rollback: 'admin',
};

/** Who asked: the calling token's name when auth is on (a claimed actor cannot override it), else the claim. */
const requester = (claimed: string) => currentPrincipal()?.name ?? (claimed || 'cli');

/** keel.training.v1.PromotionService: policies, the gate on demand, rollback. */
@Injectable()
export class PromotionGrpcController implements OnModuleInit {
  constructor(
    private readonly gate: PromotionGate,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.training.v1.PromotionService',
      {
        SetPromotionPolicy: async (req) =>
          policyToProto(
            await this.gate.setPolicy(req.model, {
              minMetrics: Object.fromEntries(req.minMetrics.map((m) => [m.metric, m.min])),
              compareMetric: req.compareMetric,
              maxRegression: req.maxRegression,
              requireSignatureMatch: req.requireSignatureMatch,
            }),
          ),
        GetPromotionPolicy: async (req) => policyToProto(await this.gate.policy(req.model)),
        Promote: async (req) => {
          const before = await this.gate.productionVersion(req.model);
          const d = await this.gate.decideForVersion(req.model, req.version, requester(req.actor), req.force);
          return { decision: gateToProto(d), fromVersion: before, toVersion: d.promoted ? req.version : before };
        },
        Rollback: async (req) => this.gate.rollback(req.model, requester(req.actor)),
      },
      PROMOTION_RPC_SCOPES,
    );
  }
}
