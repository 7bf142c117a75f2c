import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/errors';
import type { JoinGroupRequest, JoinGroupResponse, DescribedGroup } from '../protocol/apis/groups';
import { Group, type Member, type SyncResult } from './group';
import { subscribedTopics } from './subscription';
import type { Logger } from '../logger';

export interface CoordinatorOptions {
  readonly initialRebalanceDelayMs: number;
}

const EMPTY = Buffer.alloc(0);

function joinError(errorCode: number, memberId = ''): JoinGroupResponse {
  return { errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
}

// The group coordinator: membership, generations, rebalances and session expiry for every group.
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly ticker: NodeJS.Timeout;
  rebalances = 0;

  constructor(
    private readonly options: CoordinatorOptions,
    private readonly logger: Logger,
  ) {
    this.ticker = setInterval(() => this.expireSessions(Date.now()), 250);
    this.ticker.unref();
  }

  join(req: JoinGroupRequest, version: number, clientId: string, clientHost: string): Promise<JoinGroupResponse> {
    if (!req.groupId) return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID));
    if (req.sessionTimeoutMs <= 0 || req.protocols.length === 0) {
      return Promise.resolve(
        joinError(
          req.protocols.length === 0 ? ErrorCode.INCONSISTENT_GROUP_PROTOCOL : ErrorCode.INVALID_SESSION_TIMEOUT,
        ),
      );
    }
    let g = this.groups.get(req.groupId);
    if (!g) this.groups.set(req.groupId, (g = new Group(req.groupId)));
    const now = Date.now();
    const others = [...g.members.values()].filter((m) => m.id !== req.memberId);
    if (others.length > 0) {
      const incompatible =
        g.protocolType !== req.protocolType ||
        !req.protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
      if (incompatible) return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    let memberId = req.memberId;
    if (memberId === '') {
      memberId = `${clientId || 'member'}-${randomUUID()}`;
      if (version >= 4) {
        g.pending.set(memberId, now + req.sessionTimeoutMs);
        return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      }
    } else if (!g.members.has(memberId) && !g.pending.has(memberId)) {
      return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
    }
    g.pending.delete(memberId);
    let m = g.members.get(memberId);
    if (!m) {
      m = {
        id: memberId,
        clientId,
        clientHost,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        protocols: req.protocols,
        lastSeen: now,
        assignment: EMPTY,
      };
      g.members.set(memberId, m);
    }
    m.sessionTimeoutMs = req.sessionTimeoutMs;
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    m.protocols = req.protocols;
    m.lastSeen = now;
    g.protocolType = req.protocolType;
    m.joinResolve?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, memberId));
    const member = m;
    const group = g;
    const result = new Promise<JoinGroupResponse>((resolve) => (member.joinResolve = resolve));
    if (group.state !== 'PreparingRebalance') this.prepareRebalance(group, `member ${memberId} joined`);
    this.maybeCompleteJoin(group);
    return result;
  }

  private prepareRebalance(g: Group, reason: string): void {
    if (g.state === 'CompletingRebalance') this.failSyncs(g, ErrorCode.REBALANCE_IN_PROGRESS);
    const initial = g.state === 'Empty';
    g.state = 'PreparingRebalance';
    g.clearTimers();
    const now = Date.now();
    g.joinDelayUntil = initial ? now + this.options.initialRebalanceDelayMs : now;
    if (initial && this.options.initialRebalanceDelayMs > 0) {
      g.timers.push(setTimeout(() => this.maybeCompleteJoin(g), this.options.initialRebalanceDelayMs + 1));
    }
    // Members that have not rejoined by the rebalance timeout are dropped from the new generation.
    g.timers.push(setTimeout(() => this.completeJoin(g), Math.min(Math.max(g.maxRebalanceTimeout(), 1), 2147483647)));
    this.logger.info('group rebalancing', { group: g.id, reason, generation: g.generation });
  }

  private maybeCompleteJoin(g: Group): void {
    if (g.state === 'PreparingRebalance' && Date.now() >= g.joinDelayUntil && g.allJoined()) this.completeJoin(g);
  }

  private completeJoin(g: Group): void {
    if (g.state !== 'PreparingRebalance') return;
    g.clearTimers();
    for (const m of [...g.members.values()]) if (!m.joinResolve) g.members.delete(m.id);
    g.generation++;
    if (g.members.size === 0) {
      this.toEmpty(g);
      return;
    }
    g.protocol = g.selectProtocol();
    if (g.leader === null || !g.members.has(g.leader)) g.leader = g.members.keys().next().value as string;
    g.state = 'CompletingRebalance';
    this.rebalances++;
    const now = Date.now();
    const protocol = g.protocol;
    const all = [...g.members.values()].map((m) => ({
      memberId: m.id,
      groupInstanceId: null,
      metadata: m.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY,
    }));
    for (const m of g.members.values()) {
      const resolve = m.joinResolve;
      m.joinResolve = undefined;
      m.lastSeen = now;
      m.assignment = EMPTY;
      resolve?.({
        errorCode: ErrorCode.NONE,
        generationId: g.generation,
        protocolName: protocol,
        leader: g.leader,
        memberId: m.id,
        members: m.id === g.leader ? all : [],
      });
    }
    this.logger.info('group rebalanced', { group: g.id, generation: g.generation, members: g.members.size });
  }

  private toEmpty(g: Group): void {
    g.clearTimers();
    g.state = 'Empty';
    g.leader = null;
    g.protocol = null;
  }

  private failSyncs(g: Group, errorCode: number): void {
    for (const m of g.members.values()) {
      const resolve = m.syncResolve;
      m.syncResolve = undefined;
      resolve?.({ errorCode, assignment: EMPTY });
    }
  }

  sync(
    groupId: string,
    generationId: number,
    memberId: string,
    assignments: { memberId: string; assignment: Buffer }[],
  ) {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return Promise.resolve<SyncResult>({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    if (generationId !== g.generation) {
      return Promise.resolve<SyncResult>({ errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY });
    }
    m.lastSeen = Date.now();
    switch (g.state) {
      case 'Empty':
        return Promise.resolve<SyncResult>({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
      case 'PreparingRebalance':
        return Promise.resolve<SyncResult>({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      case 'Stable':
        return Promise.resolve<SyncResult>({ errorCode: ErrorCode.NONE, assignment: m.assignment });
      case 'CompletingRebalance': {
        const result = new Promise<SyncResult>((resolve) => (m.syncResolve = resolve));
        if (memberId === g.leader) {
          for (const a of assignments) {
            const target = g.members.get(a.memberId);
            if (target) target.assignment = a.assignment;
          }
          g.state = 'Stable';
          for (const member of g.members.values()) {
            const resolve = member.syncResolve;
            member.syncResolve = undefined;
            resolve?.({ errorCode: ErrorCode.NONE, assignment: member.assignment });
          }
        }
        return result;
      }
    }
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== g.generation) return ErrorCode.ILLEGAL_GENERATION;
    m.lastSeen = Date.now();
    return g.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(
    groupId: string,
    memberIds: string[],
  ): { errorCode: number; members: { memberId: string; errorCode: number }[] } {
    const g = this.groups.get(groupId);
    const members = memberIds.map((id) => {
      if (g?.pending.delete(id)) return { memberId: id, errorCode: ErrorCode.NONE };
      const m = g?.members.get(id);
      if (!g || !m) return { memberId: id, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      this.removeMember(g, m, 'left');
      return { memberId: id, errorCode: ErrorCode.NONE };
    });
    const single = members.length === 1 ? members[0].errorCode : ErrorCode.NONE;
    return { errorCode: single, members };
  }

  private removeMember(g: Group, m: Member, why: string): void {
    g.members.delete(m.id);
    m.joinResolve?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, m.id));
    m.syncResolve?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    this.logger.info('group member removed', { group: g.id, member: m.id, why });
    if (g.members.size === 0 && g.state !== 'PreparingRebalance') {
      g.generation++;
      this.toEmpty(g);
      return;
    }
    switch (g.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.prepareRebalance(g, `member ${m.id} ${why}`);
        break;
      case 'PreparingRebalance':
        this.maybeCompleteJoin(g);
        break;
      case 'Empty':
        break;
    }
  }

  private expireSessions(now: number): void {
    for (const g of this.groups.values()) {
      for (const [id, deadline] of g.pending) if (deadline < now) g.pending.delete(id);
      for (const m of [...g.members.values()]) {
        // A member parked in JoinGroup is alive by definition; the rebalance timeout covers it.
        if (!m.joinResolve && now - m.lastSeen > m.sessionTimeoutMs) this.removeMember(g, m, 'session timed out');
      }
    }
  }

  // Whether a member may commit offsets for this generation (generation -1: a standalone commit).
  checkCommit(groupId: string, generationId: number, memberId: string): number {
    const g = this.groups.get(groupId);
    if (generationId < 0 && memberId === '') {
      return !g || g.members.size === 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    }
    const m = g?.members.get(memberId);
    if (!g || !m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== g.generation) return ErrorCode.ILLEGAL_GENERATION;
    if (g.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    m.lastSeen = Date.now();
    return ErrorCode.NONE;
  }

  describe(groupId: string): DescribedGroup {
    const g = this.groups.get(groupId);
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
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? (m.protocols.find((p) => p.name === g.protocol)?.metadata ?? EMPTY) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  list(): { groupId: string; protocolType: string }[] {
    return [...this.groups.values()].map((g) => ({ groupId: g.id, protocolType: g.protocolType ?? '' }));
  }

  // DeleteGroups: only a group without members may go; 'unknown' when no live group has this id.
  deleteGroup(groupId: string): 'deleted' | 'non-empty' | 'unknown' {
    const g = this.groups.get(groupId);
    if (!g) return 'unknown';
    if (g.members.size > 0 || g.pending.size > 0) return 'non-empty';
    g.clearTimers();
    this.groups.delete(groupId);
    this.logger.info('group deleted', { group: groupId });
    return 'deleted';
  }

  // Topics the live members of a consumer group subscribe to (OffsetDelete must not touch them).
  subscriptions(groupId: string): Set<string> {
    const g = this.groups.get(groupId);
    const out = new Set<string>();
    if (!g || g.protocolType !== 'consumer') return out;
    for (const m of g.members.values()) {
      const chosen = m.protocols.find((p) => p.name === g.protocol) ?? m.protocols[0];
      if (chosen) for (const t of subscribedTopics(chosen.metadata)) out.add(t);
    }
    return out;
  }

  isLive(groupId: string): boolean {
    return (this.groups.get(groupId)?.members.size ?? 0) > 0;
  }

  memberCount(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.members.size;
    return n;
  }

  close(): void {
    clearInterval(this.ticker);
    for (const g of this.groups.values()) {
      g.clearTimers();
      for (const m of g.members.values()) {
        m.joinResolve?.(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.id));
        m.syncResolve?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
      }
    }
  }
}
