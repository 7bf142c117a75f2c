import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type {
  GetModelLineageRequest__Output,
  ListSnapshotModelsRequest__Output,
  ListSnapshotModelsResponse,
  ModelLineage,
} from '@keel/contracts';
import { GrpcServerHost, LOGGER } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { unaryHandlers } from '../common/grpc-adapter';
import { snapshotToProto } from '../datasets/datasets.mapper';
import { aliasChangeToProto, versionToProto } from '../models/models.mapper';
import { experimentToProto, runToProto } from '../runs/runs.mapper';
import { LineageService } from './lineage.service';

/** keel.registry.v1.LineageService: translates messages and delegates to LineageService. */
@Injectable()
export class LineageGrpcController implements OnModuleInit {
  constructor(
    private readonly lineage: LineageService,
    private readonly grpc: GrpcServerHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.registry.v1.LineageService',
      unaryHandlers(
        {
          GetModelLineage: async (req: GetModelLineageRequest__Output): Promise<ModelLineage> => {
            const l = await this.lineage.modelLineage(req.model, req.version);
            return {
              snapshot: l.snapshot ? snapshotToProto(l.snapshot.dataset, l.snapshot.snapshot) : null,
              run: l.run ? runToProto(l.run) : null,
              experiment: l.experiment ? experimentToProto(l.experiment) : null,
              version: versionToProto(l.version),
              aliasHistory: l.aliasHistory.map(aliasChangeToProto),
            };
          },
          ListSnapshotModels: async (req: ListSnapshotModelsRequest__Output): Promise<ListSnapshotModelsResponse> => {
            const { snapshot, items, nextPageToken } = await this.lineage.snapshotModels(req);
            return {
              snapshot: snapshot ? snapshotToProto(snapshot.dataset, snapshot.snapshot) : null,
              versions: items.map(versionToProto),
              nextPageToken,
            };
          },
        },
        this.logger,
      ),
    );
  }
}
