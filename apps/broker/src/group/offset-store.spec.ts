import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OffsetStore } from './offset-store';

describe('OffsetStore', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-offsets-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('should return the latest committed offsets when reopened after commits', async () => {
    const s = new OffsetStore(dir, true);
    s.load();
    await s.commit('g', [{ topic: 't', partition: 0, offset: 5, metadata: null }]);
    await s.commit('g', [
      { topic: 't', partition: 0, offset: 9, metadata: 'm' },
      { topic: 't:x', partition: 1, offset: 3, metadata: null },
    ]);
    await s.close();
    const again = new OffsetStore(dir, true);
    again.load();
    expect(again.get('g', 't', 0)).toEqual({ offset: 9, metadata: 'm' });
    expect(
      again
        .list('g')
        .map((e) => `${e.topic}/${e.partition}`)
        .sort(),
    ).toEqual(['t/0', 't:x/1']);
    await again.close();
  });

  it('should ignore a torn last line when the broker crashed mid-write', async () => {
    const s = new OffsetStore(dir, true);
    s.load();
    void s.commit('g', [{ topic: 't', partition: 0, offset: 1, metadata: null }]);
    await s.close();
    fs.appendFileSync(path.join(dir, 'consumer-offsets.jsonl'), '{"g":"g","t":"t","p":0,"o":4');
    const again = new OffsetStore(dir, true);
    again.load();
    expect(again.get('g', 't', 0)?.offset).toBe(1);
    await again.close();
  });
});
