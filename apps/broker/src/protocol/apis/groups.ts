import { Reader } from '../reader';
import { Writer } from '../writer';

// JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups and ListGroups codecs.
export interface JoinGroupRequest {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: { name: string; metadata: Buffer }[];
}

export function decodeJoinGroupRequest(r: Reader, v: number): JoinGroupRequest {
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  const rebalanceTimeoutMs = v >= 1 ? r.int32() : sessionTimeoutMs;
  const memberId = r.string();
  const groupInstanceId = v >= 5 ? r.nullableString() : null;
  const protocolType = r.string();
  // Copy metadata: it outlives the request buffer while the group waits for members.
  const protocols = r.array((r) => ({
    name: r.string(),
    metadata: Buffer.from(r.bytes()),
  }));
  return {
    groupId,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    memberId,
    groupInstanceId,
    protocolType,
    protocols,
  };
}

export interface JoinGroupResponse {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolName: string;
  readonly leader: string;
  readonly memberId: string;
  readonly members: {
    memberId: string;
    groupInstanceId: string | null;
    metadata: Buffer;
  }[];
}

export function encodeJoinGroupResponse(w: Writer, v: number, res: JoinGroupResponse): void {
  if (v >= 2) w.int32(0);
  w.int16(res.errorCode).int32(res.generationId).string(res.protocolName).string(res.leader).string(res.memberId);
  w.array(res.members, (w, m) => {
    w.string(m.memberId);
    if (v >= 5) w.nullableString(m.groupInstanceId);
    w.bytes(m.metadata);
  });
}

export interface SyncGroupRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly assignments: { memberId: string; assignment: Buffer }[];
}

export function decodeSyncGroupRequest(r: Reader, v: number): SyncGroupRequest {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  const groupInstanceId = v >= 3 ? r.nullableString() : null;
  const assignments = r.array((r) => ({
    memberId: r.string(),
    assignment: Buffer.from(r.bytes()),
  }));
  return { groupId, generationId, memberId, groupInstanceId, assignments };
}

export function encodeSyncGroupResponse(w: Writer, v: number, errorCode: number, assignment: Buffer): void {
  if (v >= 1) w.int32(0);
  w.int16(errorCode).bytes(assignment);
}

export interface HeartbeatRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export function decodeHeartbeatRequest(r: Reader, v: number): HeartbeatRequest {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  const groupInstanceId = v >= 3 ? r.nullableString() : null;
  return { groupId, generationId, memberId, groupInstanceId };
}

export function encodeErrorOnlyResponse(w: Writer, v: number, errorCode: number): void {
  if (v >= 1) w.int32(0);
  w.int16(errorCode);
}

export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeaveGroupRequest {
  readonly groupId: string;
  readonly members: LeavingMember[];
}

export function decodeLeaveGroupRequest(r: Reader, v: number): LeaveGroupRequest {
  const groupId = r.string();
  if (v < 3) return { groupId, members: [{ memberId: r.string(), groupInstanceId: null }] };
  const members = r.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }));
  return { groupId, members };
}

export function encodeLeaveGroupResponse(
  w: Writer,
  v: number,
  errorCode: number,
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[],
): void {
  if (v >= 1) w.int32(0);
  w.int16(errorCode);
  if (v >= 3) w.array(members, (w, m) => w.string(m.memberId).nullableString(m.groupInstanceId).int16(m.errorCode));
}

export function decodeDescribeGroupsRequest(r: Reader, v: number): string[] {
  const groups = r.array((r) => r.string());
  if (v >= 3) r.bool();
  return groups;
}

export interface DescribedGroup {
  readonly errorCode: number;
  readonly groupId: string;
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

export function encodeDescribeGroupsResponse(w: Writer, v: number, groups: DescribedGroup[]): void {
  if (v >= 1) w.int32(0);
  w.array(groups, (w, g) => {
    w.int16(g.errorCode).string(g.groupId).string(g.state).string(g.protocolType).string(g.protocol);
    w.array(g.members, (w, m) => {
      w.string(m.memberId);
      if (v >= 4) w.nullableString(m.groupInstanceId);
      w.string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
    });
    if (v >= 3) w.int32(-2147483648);
  });
}

export function encodeListGroupsResponse(
  w: Writer,
  v: number,
  groups: { groupId: string; protocolType: string }[],
): void {
  if (v >= 1) w.int32(0);
  w.int16(0);
  w.array(groups, (w, g) => w.string(g.groupId).string(g.protocolType));
}
