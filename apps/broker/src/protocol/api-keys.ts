// Supported APIs and the version ranges this broker advertises. Every max stays below the API's
// first flexible version, so no client ever sends compact or tagged encodings.
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  CreatePartitions: 37,
  DeleteGroups: 42,
  IncrementalAlterConfigs: 44,
  OffsetDelete: 47,
} as const;

export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export const SUPPORTED_VERSIONS: ReadonlyMap<ApiKey, VersionRange> = new Map<ApiKey, VersionRange>([
  [ApiKey.Produce, { min: 3, max: 7 }],
  [ApiKey.Fetch, { min: 4, max: 11 }],
  [ApiKey.ListOffsets, { min: 0, max: 5 }],
  [ApiKey.Metadata, { min: 0, max: 8 }],
  [ApiKey.OffsetCommit, { min: 0, max: 7 }],
  [ApiKey.OffsetFetch, { min: 1, max: 5 }],
  [ApiKey.FindCoordinator, { min: 0, max: 2 }],
  [ApiKey.JoinGroup, { min: 0, max: 5 }],
  [ApiKey.Heartbeat, { min: 0, max: 3 }],
  [ApiKey.LeaveGroup, { min: 0, max: 3 }],
  [ApiKey.SyncGroup, { min: 0, max: 3 }],
  [ApiKey.DescribeGroups, { min: 0, max: 4 }],
  [ApiKey.ListGroups, { min: 0, max: 2 }],
  [ApiKey.ApiVersions, { min: 0, max: 2 }],
  [ApiKey.CreateTopics, { min: 0, max: 4 }],
  [ApiKey.DeleteTopics, { min: 0, max: 3 }],
  [ApiKey.DeleteRecords, { min: 0, max: 1 }],
  [ApiKey.InitProducerId, { min: 0, max: 1 }],
  [ApiKey.DescribeConfigs, { min: 0, max: 3 }],
  [ApiKey.AlterConfigs, { min: 0, max: 1 }],
  [ApiKey.CreatePartitions, { min: 0, max: 1 }],
  [ApiKey.DeleteGroups, { min: 0, max: 1 }],
  [ApiKey.IncrementalAlterConfigs, { min: 0, max: 0 }],
  [ApiKey.OffsetDelete, { min: 0, max: 0 }],
]);

export const API_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(ApiKey).map(([name, key]) => [key, name]));

export function isApiKey(key: number): key is ApiKey {
  return SUPPORTED_VERSIONS.has(key as ApiKey);
}

export function isSupported(key: number, version: number): boolean {
  const range = SUPPORTED_VERSIONS.get(key as ApiKey);
  return range !== undefined && version >= range.min && version <= range.max;
}
