import { ApiKey } from '../protocol/api-keys';
import { encodeApiVersionsResponse } from '../protocol/apis/api-versions';
import { ErrorCode } from '../protocol/errors';
import type { Handler } from './context';
import { handleProduce } from './handlers/produce';
import { handleFetch } from './handlers/fetch';
import { handleMetadata } from './handlers/metadata';
import {
  handleCreateTopics,
  handleDeleteTopics,
  handleFindCoordinator,
  handleInitProducerId,
  handleListOffsets,
} from './handlers/admin';
import {
  handleDescribeGroups,
  handleHeartbeat,
  handleJoinGroup,
  handleLeaveGroup,
  handleListGroups,
  handleSyncGroup,
} from './handlers/groups';
import { handleOffsetCommit, handleOffsetFetch } from './handlers/offsets';
import { handleAlterConfigs, handleDescribeConfigs, handleIncrementalAlterConfigs } from './handlers/configs';
import {
  handleCreatePartitions,
  handleDeleteGroups,
  handleDeleteRecords,
  handleOffsetDelete,
} from './handlers/records-admin';

const handleApiVersions: Handler = (_ctx, { header }, _r, w) => {
  encodeApiVersionsResponse(w, header.apiVersion, ErrorCode.NONE);
  return true;
};

export function handlerFor(key: ApiKey): Handler {
  switch (key) {
    case ApiKey.Produce:
      return handleProduce;
    case ApiKey.Fetch:
      return handleFetch;
    case ApiKey.ListOffsets:
      return handleListOffsets;
    case ApiKey.Metadata:
      return handleMetadata;
    case ApiKey.OffsetCommit:
      return handleOffsetCommit;
    case ApiKey.OffsetFetch:
      return handleOffsetFetch;
    case ApiKey.FindCoordinator:
      return handleFindCoordinator;
    case ApiKey.JoinGroup:
      return handleJoinGroup;
    case ApiKey.Heartbeat:
      return handleHeartbeat;
    case ApiKey.LeaveGroup:
      return handleLeaveGroup;
    case ApiKey.SyncGroup:
      return handleSyncGroup;
    case ApiKey.DescribeGroups:
      return handleDescribeGroups;
    case ApiKey.ListGroups:
      return handleListGroups;
    case ApiKey.ApiVersions:
      return handleApiVersions;
    case ApiKey.CreateTopics:
      return handleCreateTopics;
    case ApiKey.DeleteTopics:
      return handleDeleteTopics;
    case ApiKey.InitProducerId:
      return handleInitProducerId;
    case ApiKey.DeleteRecords:
      return handleDeleteRecords;
    case ApiKey.DescribeConfigs:
      return handleDescribeConfigs;
    case ApiKey.AlterConfigs:
      return handleAlterConfigs;
    case ApiKey.CreatePartitions:
      return handleCreatePartitions;
    case ApiKey.DeleteGroups:
      return handleDeleteGroups;
    case ApiKey.IncrementalAlterConfigs:
      return handleIncrementalAlterConfigs;
    case ApiKey.OffsetDelete:
      return handleOffsetDelete;
  }
}
