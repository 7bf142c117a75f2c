import { GroupCoordinator } from './coordinator';
import { createLogger } from '../logger';
import { ErrorCode } from '../protocol/errors';
import type { JoinGroupRequest } from '../protocol/apis/groups';
import { waitFor } from '@keel/testing';
import { describeGroup, memberCount } from './group-queries';

const quiet = createLogger('error', () => undefined);

function joinReq(memberId: string, over: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 2_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from(memberId || 'new') }],
    ...over,
  };
}

describe('GroupCoordinator', () => {
  let gc: GroupCoordinator;

  beforeEach(() => {
    gc = new GroupCoordinator({ initialRebalanceDelayMs: 0 }, quiet);
  });

  afterEach(() => gc.close());

  async function joinNew(version = 5): Promise<string> {
    const first = await gc.join(joinReq(''), version, 'c', 'h');
    if (version < 4) return first.memberId;
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    return first.memberId;
  }

  it('should require a member id first and then form generation 1 when one member joins', async () => {
    const id = await joinNew();
    const res = await gc.join(joinReq(id), 5, 'c', 'h');
    expect(res).toMatchObject({ errorCode: 0, generationId: 1, leader: id, memberId: id, protocolName: 'range' });
    expect(res.members.map((m) => m.memberId)).toEqual([id]);
    const sync = await gc.sync('g', 1, id, null, [{ memberId: id, assignment: Buffer.from('all') }]);
    expect(sync).toEqual({ errorCode: 0, assignment: Buffer.from('all') });
    expect(gc.heartbeat('g', 1, id, null)).toBe(ErrorCode.NONE);
  });

  it('should answer REBALANCE_IN_PROGRESS to heartbeats and rebalance when a second member joins', async () => {
    const a = await joinNew();
    await gc.join(joinReq(a), 5, 'c', 'h');
    await gc.sync('g', 1, a, null, [{ memberId: a, assignment: Buffer.from('a-all') }]);
    const b = await joinNew();
    const bJoin = gc.join(joinReq(b), 5, 'c', 'h');
    expect(gc.heartbeat('g', 1, a, null)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const aJoin = await gc.join(joinReq(a), 5, 'c', 'h');
    const bRes = await bJoin;
    expect(aJoin.generationId).toBe(2);
    expect(bRes.generationId).toBe(2);
    expect(aJoin.members.length + bRes.members.length).toBe(2); // only the leader sees the members
    const leader = aJoin.leader;
    const follower = leader === a ? b : a;
    const followerSync = gc.sync('g', 2, follower, null, []);
    await gc.sync('g', 2, leader, null, [
      { memberId: a, assignment: Buffer.from('pa') },
      { memberId: b, assignment: Buffer.from('pb') },
    ]);
    expect((await followerSync).assignment.toString()).toBe(follower === a ? 'pa' : 'pb');
    expect(gc.heartbeat('g', 1, a, null)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(gc.heartbeat('g', 2, 'nobody', null)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(gc.checkCommit('g', 1, a, null)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(gc.checkCommit('g', 2, a, null)).toBe(ErrorCode.NONE);
  });

  it('should drop a member that does not rejoin within the rebalance timeout when others do', async () => {
    const a = await joinNew();
    await gc.join(joinReq(a, { rebalanceTimeoutMs: 300 }), 5, 'c', 'h');
    const b = await joinNew();
    const started = Date.now();
    const bRes = await gc.join(joinReq(b, { rebalanceTimeoutMs: 300 }), 5, 'c', 'h');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(bRes).toMatchObject({ errorCode: 0, leader: b });
    expect(bRes.members.map((m) => m.memberId)).toEqual([b]);
    expect(gc.heartbeat('g', bRes.generationId, a, null)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('should remove a member and rebalance when its session times out', async () => {
    const a = await joinNew();
    const res = await gc.join(joinReq(a, { sessionTimeoutMs: 300 }), 5, 'c', 'h');
    await gc.sync('g', res.generationId, a, null, []);
    await waitFor(() => describeGroup(gc.groups, 'g').state === 'Empty', { timeoutMs: 3000 });
    expect(gc.heartbeat('g', res.generationId, a, null)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(memberCount(gc.groups)).toBe(0);
  });

  it('should accept a join without member id when the client speaks JoinGroup v3', async () => {
    const res = await gc.join(joinReq(''), 3, 'c', 'h');
    expect(res.errorCode).toBe(0);
    expect(res.memberId).toMatch(/^c-/);
  });

  it('should reject an unknown member id and an incompatible protocol when joining', async () => {
    expect((await gc.join(joinReq('ghost'), 5, 'c', 'h')).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const a = await joinNew();
    await gc.join(joinReq(a), 5, 'c', 'h');
    const other = await gc.join(
      joinReq('', { protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }] }),
      5,
      'c',
      'h',
    );
    expect(other.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('should form one generation with both members and rebalance the rest when one leaves', async () => {
    await gc.close();
    gc = new GroupCoordinator({ initialRebalanceDelayMs: 150 }, quiet); // both join within the initial delay
    const a = await joinNew();
    const b = await joinNew();
    const [ra, rb] = await Promise.all([gc.join(joinReq(a), 5, 'c', 'h'), gc.join(joinReq(b), 5, 'c', 'h')]);
    expect(ra.generationId).toBe(rb.generationId);
    const leader = ra.leader;
    expect(ra.generationId).toBe(1);
    expect([ra.members.length, rb.members.length].sort()).toEqual([0, 2]);
    await Promise.all([gc.sync('g', 1, a, null, []), gc.sync('g', 1, b, null, [])]);
    expect(describeGroup(gc.groups, 'g').state).toBe('Stable');
    expect(leader === a || leader === b).toBe(true);
    expect(gc.leave('g', [{ memberId: b, groupInstanceId: null }]).errorCode).toBe(ErrorCode.NONE);
    expect(gc.heartbeat('g', ra.generationId, a, null)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const again = await gc.join(joinReq(a), 5, 'c', 'h');
    expect(again.generationId).toBe(ra.generationId + 1);
    expect(gc.leave('g', [{ memberId: 'ghost', groupInstanceId: null }]).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});
