import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type {
  ArchiveModelVersionRequest__Output,
  CreateModelVersionRequest__Output,
  CreateRegisteredModelRequest__Output,
  DeleteAliasRequest__Output,
  GetModelVersionByAliasRequest__Output,
  GetModelVersionRequest__Output,
  GetRegisteredModelRequest__Output,
  ListAliasHistoryRequest__Output,
  ListModelVersionsRequest__Output,
  ListRegisteredModelsRequest__Output,
  SetAliasRequest__Output,
  UpdateModelVersionRequest__Output,
  UpdateRegisteredModelRequest__Output,
} from '@keel/contracts';
import { GrpcServerHost, LOGGER } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { unaryHandlers } from '../common/grpc-adapter';
import { aliasChangeToProto, aliasToProto, modelToProto, versionToProto } from './models.mapper';
import { AliasesService } from './aliases.service';
import { ModelsService } from './models.service';

/** keel.registry.v1.ModelService: translates messages and delegates to ModelsService. */
@Injectable()
export class ModelsGrpcController implements OnModuleInit {
  constructor(
    private readonly models: ModelsService,
    private readonly aliases: AliasesService,
    private readonly grpc: GrpcServerHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const s = this.models;
    this.grpc.addService(
      'keel.registry.v1.ModelService',
      unaryHandlers(
        {
          CreateRegisteredModel: async (req: CreateRegisteredModelRequest__Output) =>
            modelToProto(await s.createModel(req)),
          GetRegisteredModel: async (req: GetRegisteredModelRequest__Output) =>
            modelToProto(await s.getModel(req.name)),
          UpdateRegisteredModel: async (req: UpdateRegisteredModelRequest__Output) =>
            modelToProto(await s.updateModel(req)),
          ListRegisteredModels: async (req: ListRegisteredModelsRequest__Output) => {
            const { items, nextPageToken } = await s.listModels(req);
            return { models: items.map(modelToProto), nextPageToken };
          },
          CreateModelVersion: async (req: CreateModelVersionRequest__Output) =>
            versionToProto(await s.createVersion(req)),
          GetModelVersion: async (req: GetModelVersionRequest__Output) =>
            versionToProto(await s.getVersion(req.model, req.version)),
          GetModelVersionByAlias: async (req: GetModelVersionByAliasRequest__Output) =>
            versionToProto(await s.getVersionByAlias(req.model, req.alias)),
          UpdateModelVersion: async (req: UpdateModelVersionRequest__Output) =>
            versionToProto(await s.updateVersion(req)),
          ArchiveModelVersion: async (req: ArchiveModelVersionRequest__Output) =>
            versionToProto(await s.archiveVersion(req.model, req.version)),
          ListModelVersions: async (req: ListModelVersionsRequest__Output) => {
            const { items, nextPageToken } = await s.listVersions(req);
            return { versions: items.map(versionToProto), nextPageToken };
          },
          SetAlias: async (req: SetAliasRequest__Output) => {
            const { alias, fromVersion } = await this.aliases.setAlias(req);
            return { alias: aliasToProto(alias), fromVersion: fromVersion ?? 0 };
          },
          DeleteAlias: async (req: DeleteAliasRequest__Output) => this.aliases.deleteAlias(req),
          ListAliasHistory: async (req: ListAliasHistoryRequest__Output) => {
            const { items, nextPageToken } = await this.aliases.aliasHistory(req);
            return { changes: items.map(aliasChangeToProto), nextPageToken };
          },
        },
        this.logger,
      ),
    );
  }
}
