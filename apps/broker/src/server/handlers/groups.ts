import { ApiKey } from '../../protocol/api-keys';
import {
  decodeDescribeGroupsRequest,
  decodeHeartbeatRequest,
  decodeJoinGroupRequest,
  decodeLeaveGroupRequest,
  decodeSyncGroupRequest,
  encodeDescribeGroupsResponse,
  encodeErrorOnlyResponse,
  encodeJoinGroupResponse,
  encodeLeaveGroupResponse,
  encodeListGroupsResponse,
  encodeSyncGroupResponse,
} from '../../protocol/apis/groups';
import type { Handler } from '../context';
import { describeGroup, listGroups } from '../../group/group-queries';

export const handleJoinGroup: Handler = async (ctx, { header, clientHost }, r, w) => {
  const req = decodeJoinGroupRequest(r, header.apiVersion);
  const res = await ctx.groups.join(req, header.apiVersion, header.clientId ?? '', clientHost);
  ctx.metrics.error(ApiKey.JoinGroup, res.errorCode);
  encodeJoinGroupResponse(w, header.apiVersion, res);
  return true;
};

export const handleSyncGroup: Handler = async (ctx, { header }, r, w) => {
  const req = decodeSyncGroupRequest(r, header.apiVersion);
  const res = await ctx.groups.sync(req.groupId, req.generationId, req.memberId, req.groupInstanceId, req.assignments);
  ctx.metrics.error(ApiKey.SyncGroup, res.errorCode);
  encodeSyncGroupResponse(w, header.apiVersion, res.errorCode, res.assignment);
  return true;
};

export const handleHeartbeat: Handler = (ctx, { header }, r, w) => {
  const req = decodeHeartbeatRequest(r, header.apiVersion);
  const code = ctx.groups.heartbeat(req.groupId, req.generationId, req.memberId, req.groupInstanceId);
  ctx.metrics.error(ApiKey.Heartbeat, code);
  encodeErrorOnlyResponse(w, header.apiVersion, code);
  return true;
};

export const handleLeaveGroup: Handler = (ctx, { header }, r, w) => {
  const req = decodeLeaveGroupRequest(r, header.apiVersion);
  const res = ctx.groups.leave(req.groupId, req.members);
  encodeLeaveGroupResponse(w, header.apiVersion, res.errorCode, res.members);
  return true;
};

export const handleDescribeGroups: Handler = (ctx, { header }, r, w) => {
  const ids = decodeDescribeGroupsRequest(r, header.apiVersion);
  const groups = ids.map((id) => {
    const d = describeGroup(ctx.groups.groups, id);
    // A group known only by its committed offsets is Empty, not Dead.
    return d.state === 'Dead' && ctx.offsets.hasGroup(id) ? { ...d, state: 'Empty', protocolType: 'consumer' } : d;
  });
  encodeDescribeGroupsResponse(w, header.apiVersion, groups);
  return true;
};

export const handleListGroups: Handler = (ctx, { header }, _r, w) => {
  const live = listGroups(ctx.groups.groups);
  const known = new Set(live.map((g) => g.groupId));
  const stored = ctx.offsets
    .groups()
    .filter((g) => !known.has(g))
    .map((groupId) => ({ groupId, protocolType: 'consumer' }));
  encodeListGroupsResponse(w, header.apiVersion, [...live, ...stored]);
  return true;
};
