import type { DescribedGroup } from '../protocol/apis/groups';
import type { Group } from './group';
import { subscribedTopics } from './subscription';

// Read-only views of the coordinator's groups: DescribeGroups, ListGroups, metrics, OffsetDelete.
type Groups = ReadonlyMap<string, Group>;
const EMPTY = Buffer.alloc(0);

export function describeGroup(groups: Groups, groupId: string): DescribedGroup {
  const g = groups.get(groupId);
  if (!g) return { errorCode: 0, groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
  const stable = g.state === 'Stable';
  return {
    errorCode: 0,
    groupId,
    state: g.state,
    protocolType: g.protocolType ?? '',
    protocol: stable ? (g.protocol ?? '') : '',
    members: [...g.members.values()].map((m) => ({
      memberId: m.id,
      groupInstanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      metadata: stable ? (m.protocols.find((p) => p.name === g.protocol)?.metadata ?? EMPTY) : EMPTY,
      assignment: stable ? m.assignment : EMPTY,
    })),
  };
}

export function listGroups(groups: Groups): { groupId: string; protocolType: string }[] {
  return [...groups.values()].map((g) => ({ groupId: g.id, protocolType: g.protocolType ?? '' }));
}

export function memberCount(groups: Groups): number {
  let n = 0;
  for (const g of groups.values()) n += g.members.size;
  return n;
}

export function isLive(groups: Groups, groupId: string): boolean {
  return (groups.get(groupId)?.members.size ?? 0) > 0;
}

// Topics the members of a consumer group subscribe to (OffsetDelete must not touch them).
export function subscriptions(groups: Groups, groupId: string): Set<string> {
  const g = groups.get(groupId);
  const out = new Set<string>();
  if (!g || g.protocolType !== 'consumer') return out;
  for (const m of g.members.values()) {
    const chosen = m.protocols.find((p) => p.name === g.protocol) ?? m.protocols[0];
    if (chosen) for (const t of subscribedTopics(chosen.metadata)) out.add(t);
  }
  return out;
}
