import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/errors';
import type { JoinGroupRequest, JoinGroupResponse, LeavingMember } from '../protocol/apis/groups';
import { Group, type Member, type SyncResult } from './group';
import type { GroupStore } from './group-store';
import type { Logger } from '../logger';

export interface CoordinatorOptions {
  readonly initialRebalanceDelayMs: number;
}

const EMPTY = Buffer.alloc(0);

function joinError(errorCode: number, memberId = ''): JoinGroupResponse {
  return { errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
}

// The group coordinator: membership, generations, rebalances and session expiry for every group,
// with static membership (group.instance.id, KIP-345). Group metadata is saved on every stable or
// empty transition, so a restarted broker knows each group's generation and static members.
export class GroupCoordinator {
  readonly groups = new Map<string, Group>();
  private readonly ticker: NodeJS.Timeout;
  rebalances = 0;

  constructor(
    private readonly options: CoordinatorOptions,
    private readonly logger: Logger,
    private readonly store: GroupStore | null = null,
  ) {
    this.ticker = setInterval(() => this.expireSessions(Date.now()), 250);
    this.ticker.unref();
  }

  load(): void {
    if (!this.store) return;
    const now = Date.now();
    for (const stored of this.store.load()) this.groups.set(stored.id, Group.fromStored(stored, now));
  }

  private persist(g: Group): void {
    this.store?.save(g.toStored());
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
    const instanceId = req.groupInstanceId;
    let memberId = req.memberId;
    const holder = instanceId !== null ? g.staticMembers.get(instanceId) : undefined;
    if (instanceId !== null && memberId === '' && holder !== undefined) {
      return this.rejoinStatic(g, holder, req, clientId, clientHost);
    }
    if (holder !== undefined && holder !== memberId) {
      return Promise.resolve(joinError(ErrorCode.FENCED_INSTANCE_ID, memberId));
    }
    if (memberId === '') {
      memberId = `${clientId || 'member'}-${randomUUID()}`;
      // Static members skip the MEMBER_ID_REQUIRED round trip, as in Kafka.
      if (version >= 4 && instanceId === null) {
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
        instanceId,
        clientId,
        clientHost,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        protocols: req.protocols,
        lastSeen: now,
        assignment: EMPTY,
      };
      g.members.set(memberId, m);
      if (instanceId !== null) g.staticMembers.set(instanceId, memberId);
    }
    m.sessionTimeoutMs = req.sessionTimeoutMs;
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    m.protocols = req.protocols;
    m.lastSeen = now;
    g.protocolType = req.protocolType;
    return this.awaitRebalance(g, m, `member ${memberId} joined`);
  }

  private awaitRebalance(g: Group, m: Member, reason: string): Promise<JoinGroupResponse> {
    m.joinResolve?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, m.id));
    const result = new Promise<JoinGroupResponse>((resolve) => (m.joinResolve = resolve));
    if (g.state !== 'PreparingRebalance') this.prepareRebalance(g, reason);
    this.maybeCompleteJoin(g);
    return result;
  }

  // A static member back with a new member id (a restarted client): the old id is fenced and the
  // new one takes its place. In a stable group whose protocol it still supports it gets the current
  // generation at once and its old assignment from SyncGroup, without a rebalance. The answer names
  // the previous leader id, so a rejoining leader does not reassign a stable group.
  private rejoinStatic(
    g: Group,
    oldId: string,
    req: JoinGroupRequest,
    clientId: string,
    clientHost: string,
  ): Promise<JoinGroupResponse> {
    const old = g.members.get(oldId) as Member;
    const leaderBefore = g.leader;
    old.joinResolve?.(joinError(ErrorCode.FENCED_INSTANCE_ID, oldId));
    old.syncResolve?.({ errorCode: ErrorCode.FENCED_INSTANCE_ID, assignment: EMPTY });
    const m: Member = {
      id: `${clientId || 'member'}-${randomUUID()}`,
      instanceId: req.groupInstanceId,
      clientId,
      clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      lastSeen: Date.now(),
      assignment: old.assignment,
    };
    g.members.delete(oldId);
    g.members.set(m.id, m);
    g.staticMembers.set(req.groupInstanceId as string, m.id);
    if (g.leader === oldId) g.leader = m.id;
    this.logger.info('static member rejoined', { group: g.id, instance: req.groupInstanceId, member: m.id });
    if (g.state === 'Stable' && g.protocol !== null && req.protocols.some((p) => p.name === g.protocol)) {
      this.persist(g);
      return Promise.resolve({
        errorCode: ErrorCode.NONE,
        generationId: g.generation,
        protocolName: g.protocol,
        leader: leaderBefore ?? '',
        memberId: m.id,
        members: [],
      });
    }
    return this.awaitRebalance(g, m, `static member ${req.groupInstanceId} rejoined`);
  }

  // FENCED_INSTANCE_ID when a request names an instance id another member id now holds.
  private fenced(g: Group, memberId: string, instanceId: string | null): boolean {
    if (instanceId === null) return false;
    const holder = g.staticMembers.get(instanceId);
    return holder !== undefined && holder !== memberId;
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
    for (const m of [...g.members.values()]) if (!m.joinResolve) this.forget(g, m);
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
      groupInstanceId: m.instanceId,
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

  private forget(g: Group, m: Member): void {
    g.members.delete(m.id);
    if (m.instanceId !== null && g.staticMembers.get(m.instanceId) === m.id) g.staticMembers.delete(m.instanceId);
  }

  private toEmpty(g: Group): void {
    g.clearTimers();
    g.state = 'Empty';
    g.leader = null;
    g.protocol = null;
    this.persist(g);
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
    instanceId: string | null,
    assignments: { memberId: string; assignment: Buffer }[],
  ): Promise<SyncResult> {
    const g = this.groups.get(groupId);
    if (g && this.fenced(g, memberId, instanceId)) {
      return Promise.resolve({ errorCode: ErrorCode.FENCED_INSTANCE_ID, assignment: EMPTY });
    }
    const m = g?.members.get(memberId);
    if (!g || !m) return Promise.resolve({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    if (generationId !== g.generation) {
      return Promise.resolve({ errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY });
    }
    m.lastSeen = Date.now();
    switch (g.state) {
      case 'Empty':
        return Promise.resolve({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
      case 'PreparingRebalance':
        return Promise.resolve({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      case 'Stable':
        return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: m.assignment });
      case 'CompletingRebalance': {
        const result = new Promise<SyncResult>((resolve) => (m.syncResolve = resolve));
        if (memberId === g.leader) {
          for (const a of assignments) {
            const target = g.members.get(a.memberId);
            if (target) target.assignment = a.assignment;
          }
          g.state = 'Stable';
          this.persist(g);
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

  heartbeat(groupId: string, generationId: number, memberId: string, instanceId: string | null): number {
    const g = this.groups.get(groupId);
    if (g && this.fenced(g, memberId, instanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    const m = g?.members.get(memberId);
    if (!g || !m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== g.generation) return ErrorCode.ILLEGAL_GENERATION;
    m.lastSeen = Date.now();
    return g.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  // LeaveGroup: v3+ may name members by group.instance.id (member id '' leaves whoever holds it).
  leave(
    groupId: string,
    leaving: LeavingMember[],
  ): { errorCode: number; members: { memberId: string; groupInstanceId: string | null; errorCode: number }[] } {
    const g = this.groups.get(groupId);
    const members = leaving.map(({ memberId, groupInstanceId }) => {
      const answer = (errorCode: number) => ({ memberId, groupInstanceId, errorCode });
      if (g?.pending.delete(memberId)) return answer(ErrorCode.NONE);
      if (g && groupInstanceId !== null) {
        const holder = g.staticMembers.get(groupInstanceId);
        if (holder === undefined) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
        if (memberId !== '' && memberId !== holder) return answer(ErrorCode.FENCED_INSTANCE_ID);
        memberId = holder;
      }
      const m = g?.members.get(memberId);
      if (!g || !m) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
      this.removeMember(g, m, 'left');
      return answer(ErrorCode.NONE);
    });
    const single = members.length === 1 ? members[0].errorCode : ErrorCode.NONE;
    return { errorCode: single, members };
  }

  private removeMember(g: Group, m: Member, why: string): void {
    this.forget(g, m);
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
  checkCommit(groupId: string, generationId: number, memberId: string, instanceId: string | null): number {
    const g = this.groups.get(groupId);
    if (generationId < 0 && memberId === '') {
      return !g || g.members.size === 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    }
    if (g && this.fenced(g, memberId, instanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    const m = g?.members.get(memberId);
    if (!g || !m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== g.generation) return ErrorCode.ILLEGAL_GENERATION;
    if (g.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    m.lastSeen = Date.now();
    return ErrorCode.NONE;
  }

  // DeleteGroups: only a group without members may go; 'unknown' when no live group has this id.
  deleteGroup(groupId: string): 'deleted' | 'non-empty' | 'unknown' {
    const g = this.groups.get(groupId);
    if (!g) return 'unknown';
    if (g.members.size > 0 || g.pending.size > 0) return 'non-empty';
    g.clearTimers();
    this.groups.delete(groupId);
    this.store?.delete(groupId);
    this.logger.info('group deleted', { group: groupId });
    return 'deleted';
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    for (const g of this.groups.values()) {
      g.clearTimers();
      for (const m of g.members.values()) {
        m.joinResolve?.(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.id));
        m.syncResolve?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
      }
    }
    await this.store?.close();
  }
}
