import { PartitionOrder } from './chunk-order';

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('PartitionOrder', () => {
  it('should give each chunk the mark its predecessor leaves, the first none', () => {
    const order = new PartitionOrder();
    expect(order.turn(100n).expect).toBeNull();
    expect(order.turn(250n).expect).toBe(100n);
    expect(order.turn(251n).expect).toBe(250n);
  });

  it('should let a chunk go once its predecessor is posted, and run inline only once it is done', async () => {
    const order = new PartitionOrder();
    const first = order.turn(10n);
    let finish!: () => void;
    order.finished(first, new Promise<void>((r) => (finish = r)));
    const second = order.turn(20n);
    expect(await settled(second.previousPosted)).toBe(false);
    first.posted();
    expect(await settled(second.previousPosted)).toBe(true);
    expect(await settled(second.previousDone)).toBe(false);
    finish();
    expect(await settled(second.previousDone)).toBe(true);
  });

  it('should count a failed predecessor as posted and done, so the next chunk is not held forever', async () => {
    const order = new PartitionOrder();
    const first = order.turn(10n);
    order.finished(first, Promise.reject(new Error('staging failed')));
    const second = order.turn(20n);
    expect(await settled(second.previousPosted)).toBe(true);
    expect(await settled(second.previousDone)).toBe(true);
    expect(second.expect).toBe(10n);
  });
});
