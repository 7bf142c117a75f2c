import type { JoinGroupResponse } from '../protocol/apis/groups';
import type { StoredGroup } from './group-store';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

export interface SyncResult {
  readonly errorCode: number;
  readonly assignment: Buffer;
}

export interface Member {
  readonly id: string;
  readonly instanceId: string | null; // group.instance.id of a static member
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: { name: string; metadata: Buffer }[];
  lastSeen: number;
  assignment: Buffer;
  joinResolve?: (res: JoinGroupResponse) => void;
  syncResolve?: (res: SyncResult) => void;
}

// The state of one consumer group; the coordinator drives its transitions.
export class Group {
  state: GroupState = 'Empty';
  generation = 0;
  protocolType: string | null = null;
  protocol: string | null = null;
  leader: string | null = null;
  readonly members = new Map<string, Member>();
  // Static membership (KIP-345): group.instance.id -> the member id that holds it.
  readonly staticMembers = new Map<string, string>();
  // Member ids handed out with MEMBER_ID_REQUIRED, valid until this deadline.
  readonly pending = new Map<string, number>();
  joinDelayUntil = 0;
  timers: NodeJS.Timeout[] = [];

  constructor(readonly id: string) {}

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  // Protocols every member (and the candidate list, if given) supports, in the candidate's order.
  commonProtocols(candidate: { name: string }[]): string[] {
    return candidate
      .map((p) => p.name)
      .filter((name) => [...this.members.values()].every((m) => m.protocols.some((p) => p.name === name)));
  }

  // Each member votes for its most preferred common protocol; the most votes wins.
  selectProtocol(): string {
    const first = this.members.values().next().value as Member;
    const common = this.commonProtocols(first.protocols);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => common.includes(p.name))?.name;
      if (choice !== undefined) votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = common[0];
    for (const name of common) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  allJoined(): boolean {
    for (const m of this.members.values()) if (!m.joinResolve) return false;
    return true;
  }

  maxRebalanceTimeout(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  // What survives a restart: the generation and the static members with their assignments.
  // Dynamic members rejoin with new ids, as their clients do after losing the coordinator.
  toStored(): StoredGroup {
    const members = [...this.members.values()].filter((m) => m.instanceId !== null);
    return {
      id: this.id,
      generation: this.generation,
      protocolType: this.protocolType,
      protocol: this.protocol,
      leader: this.leader !== null && members.some((m) => m.id === this.leader) ? this.leader : null,
      members: members.map((m) => ({
        id: m.id,
        instanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        sessionTimeoutMs: m.sessionTimeoutMs,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        protocols: m.protocols.map((p) => ({ name: p.name, metadata: p.metadata.toString('base64') })),
        assignment: m.assignment.toString('base64'),
      })),
    };
  }

  static fromStored(s: StoredGroup, now: number): Group {
    const g = new Group(s.id);
    g.generation = s.generation;
    g.protocolType = s.protocolType;
    g.protocol = s.protocol;
    g.leader = s.leader;
    for (const m of s.members) {
      g.members.set(m.id, {
        id: m.id,
        instanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        sessionTimeoutMs: m.sessionTimeoutMs,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        protocols: m.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata, 'base64') })),
        lastSeen: now, // the session starts over, as after a coordinator change in Kafka
        assignment: Buffer.from(m.assignment, 'base64'),
      });
      if (m.instanceId !== null) g.staticMembers.set(m.instanceId, m.id);
    }
    g.state = g.members.size > 0 && g.protocol !== null ? 'Stable' : 'Empty';
    if (g.state === 'Empty') g.members.clear();
    return g;
  }
}
