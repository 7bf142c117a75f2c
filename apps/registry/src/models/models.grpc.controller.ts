import type { GrpcServiceHandlers } from '@keel/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import { AliasesService } from './aliases.service';
import {
  aliasChangeToProto,
  aliasToProto,
  formatFromProto,
  modelToProto,
  statusFilterFromProto,
  versionToProto,
} from './models.mapper';
import { ModelsService } from './models.service';

/** The scope each keel.registry.v1.ModelService method needs (docs/security.md). */
export const MODEL_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.registry.v1.ModelService']> = {
  CreateRegisteredModel: 'write',
  GetRegisteredModel: 'read',
  UpdateRegisteredModel: 'write',
  ListRegisteredModels: 'read',
  CreateModelVersion: 'write',
  GetModelVersion: 'read',
  GetModelVersionByAlias: 'read',
  UpdateModelVersion: 'write',
  ArchiveModelVersion: 'admin',
  ListModelVersions: 'read',
  SetAlias: 'admin',
  DeleteAlias: 'admin',
  ListAliasHistory: 'read',
};

/** keel.registry.v1.ModelService: translates messages to commands and delegates to ModelsService and AliasesService. */
@Injectable()
export class ModelsGrpcController implements OnModuleInit {
  constructor(
    private readonly models: ModelsService,
    private readonly aliases: AliasesService,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    const s = this.models;
    this.grpc.addService(
      'keel.registry.v1.ModelService',
      {
        CreateRegisteredModel: async (req) => modelToProto(await s.createModel(req)),
        GetRegisteredModel: async (req) => modelToProto(await s.getModel(req.name)),
        UpdateRegisteredModel: async (req) => modelToProto(await s.updateModel(req)),
        ListRegisteredModels: async (req) => {
          const { items, nextPageToken } = await s.listModels(req);
          return { models: items.map(modelToProto), nextPageToken };
        },
        CreateModelVersion: async (req) =>
          versionToProto(await s.createVersion({ ...req, format: formatFromProto(req.format) })),
        GetModelVersion: async (req) => versionToProto(await s.getVersion(req.model, req.version)),
        GetModelVersionByAlias: async (req) => versionToProto(await s.getVersionByAlias(req.model, req.alias)),
        UpdateModelVersion: async (req) => versionToProto(await s.updateVersion(req)),
        ArchiveModelVersion: async (req) => versionToProto(await s.archiveVersion(req.model, req.version)),
        ListModelVersions: async (req) => {
          const { items, nextPageToken } = await s.listVersions({ ...req, status: statusFilterFromProto(req.status) });
          return { versions: items.map(versionToProto), nextPageToken };
        },
        SetAlias: async (req) => {
          const { alias, fromVersion } = await this.aliases.setAlias(req);
          return { alias: aliasToProto(alias), fromVersion: fromVersion ?? 0 };
        },
        DeleteAlias: async (req) => this.aliases.deleteAlias(req),
        ListAliasHistory: async (req) => {
          const { items, nextPageToken } = await this.aliases.aliasHistory(req);
          return { changes: items.map(aliasChangeToProto), nextPageToken };
        },
      },
      MODEL_RPC_SCOPES,
    );
  }
}
