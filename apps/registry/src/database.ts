import { TokenRow } from './auth/auth.entities';
import { CreateAuthTables1764500000000 } from './auth/auth.migration';
import { AuditEntryRow } from './audit/audit.entities';
import { CreateAuditTable1764300003000 } from './audit/audit.migration';
import { DatasetRow, SnapshotRow } from './datasets/datasets.entities';
import { CreateDatasetTables1764300000000 } from './datasets/datasets.migration';
import {
  AliasChangeRow,
  AliasRow,
  ModelTagRow,
  ModelVersionRow,
  ModelVersionTagRow,
  RegisteredModelRow,
} from './models/models.entities';
import { CreateModelTables1764300002000 } from './models/models.migration';
import {
  ExperimentRow,
  LatestMetricRow,
  MetricRow,
  RunArtifactRow,
  RunParamRow,
  RunRow,
  RunTagRow,
} from './runs/runs.entities';
import {
  CreateRunTables1764300001000,
  DropSeriesRunForeignKey1764600000000,
  SeriesPrimaryKey1764700000000,
} from './runs/runs.migration';

/** The registry's own tables, in migration order (runs before models: versions reference runs). */
export const registryEntities = [
  DatasetRow,
  SnapshotRow,
  ExperimentRow,
  RunRow,
  RunParamRow,
  RunTagRow,
  MetricRow,
  LatestMetricRow,
  RunArtifactRow,
  RegisteredModelRow,
  ModelTagRow,
  ModelVersionRow,
  ModelVersionTagRow,
  AliasRow,
  AliasChangeRow,
  TokenRow,
  AuditEntryRow,
];

export const registryMigrations = [
  CreateDatasetTables1764300000000,
  CreateRunTables1764300001000,
  CreateModelTables1764300002000,
  CreateAuthTables1764500000000,
  CreateAuditTable1764300003000,
  DropSeriesRunForeignKey1764600000000,
  SeriesPrimaryKey1764700000000,
];
