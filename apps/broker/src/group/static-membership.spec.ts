import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GroupCoordinator } from './coordinator';
import { GroupStore } from './group-store';
import { describeGroup } from './group-queries';
import { createLogger } from '../logger';
import { ErrorCode } from '../protocol/errors';
import type { JoinGroupRequest } from '../protocol/apis/groups';

const quiet = createLogger('error', () => undefined);

function joinReq(memberId: string, instance: string | null): JoinGroupRequest {
  return {
    groupId: 'sg',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 2_000,
    memberId,
    groupInstanceId: instance,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from(instance ?? 'dyn') }],
  };
}

describe('static group membership (group.instance.id)', () => {
  let dir: string;
  let gc: GroupCoordinator;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-groups-'));
    gc = new GroupCoordinator({ initialRebalanceDelayMs: 0 }, quiet, new GroupStore(dir, quiet));
    gc.load();
  });

  afterEach(async () => {
    await gc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function formStatic(): Promise<{ id: string; generation: number }> {
    const res = await gc.join(joinReq('', 'instance-a'), 5, 'c', 'h');
    expect(res.errorCode).toBe(ErrorCode.NONE); // no MEMBER_ID_REQUIRED round trip for static members
    expect(res.members).toEqual([expect.objectContaining({ groupInstanceId: 'instance-a' })]);
    await gc.sync('sg', res.generationId, res.memberId, 'instance-a', [
      { memberId: res.memberId, assignment: Buffer.from('partitions-of-a') },
    ]);
    return { id: res.memberId, generation: res.generationId };
  }

  it('should hand a restarted static member its assignment without a rebalance and fence its old id', async () => {
    const first = await formStatic();
    const rebalances = gc.rebalances;
    const again = await gc.join(joinReq('', 'instance-a'), 5, 'c', 'h');
    expect(again).toMatchObject({ errorCode: 0, generationId: first.generation, leader: first.id, members: [] });
    expect(again.memberId).not.toBe(first.id);
    const sync = await gc.sync('sg', first.generation, again.memberId, 'instance-a', []);
    expect(sync.assignment.toString()).toBe('partitions-of-a');
    expect(gc.rebalances).toBe(rebalances);
    expect(gc.heartbeat('sg', first.generation, first.id, 'instance-a')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(gc.checkCommit('sg', first.generation, first.id, 'instance-a')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(gc.heartbeat('sg', first.generation, again.memberId, 'instance-a')).toBe(ErrorCode.NONE);
    expect(describeGroup(gc.groups, 'sg').members[0]).toMatchObject({ groupInstanceId: 'instance-a' });
  });

  it('should let a static member leave by instance id and refuse a stale member id', async () => {
    const first = await formStatic();
    const stale = gc.leave('sg', [{ memberId: 'someone-else', groupInstanceId: 'instance-a' }]);
    expect(stale.members[0].errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(gc.leave('sg', [{ memberId: '', groupInstanceId: 'instance-a' }]).errorCode).toBe(ErrorCode.NONE);
    expect(describeGroup(gc.groups, 'sg').state).toBe('Empty');
    expect(gc.heartbeat('sg', first.generation, first.id, 'instance-a')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('should know the generation and static members after a restart of the coordinator', async () => {
    const first = await formStatic();
    await gc.close();
    gc = new GroupCoordinator({ initialRebalanceDelayMs: 0 }, quiet, new GroupStore(dir, quiet));
    gc.load();
    expect(describeGroup(gc.groups, 'sg')).toMatchObject({ state: 'Stable', protocol: 'range' });
    // The old member id still heartbeats (its session restarted), and the restarted client rejoins
    // into its old assignment without a rebalance.
    expect(gc.heartbeat('sg', first.generation, first.id, 'instance-a')).toBe(ErrorCode.NONE);
    const again = await gc.join(joinReq('', 'instance-a'), 5, 'c', 'h');
    expect(again.generationId).toBe(first.generation);
    expect((await gc.sync('sg', first.generation, again.memberId, 'instance-a', [])).assignment.toString()).toBe(
      'partitions-of-a',
    );
    expect(gc.rebalances).toBe(0);
  });
});
