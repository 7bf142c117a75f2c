// The order of one partition's chunks while several are in flight: the staging worker takes chunks in
// the order they are posted, so a chunk for the worker only waits until the previous one is posted; a
// chunk staged on the event loop (PostgreSQL, deduplicating datasets, unknown datasets) waits until the
// previous one is finished. Each chunk names the offset mark the previous one leaves (`expect`): a chunk
// whose predecessor failed is refused rather than moving the mark over records that were never staged.

/** A chunk's place in its partition's order. */
export interface ChunkTurn {
  /** The offset mark the previous chunk leaves; null for the partition's first chunk since the consumer started. */
  expect: bigint | null;
  /** Settles when the previous chunk was handed to the worker (or finished, when it ran on the event loop). */
  previousPosted: Promise<void>;
  /** Settles when the previous chunk finished, staged or failed. */
  previousDone: Promise<void>;
  /** This chunk was handed to the worker (called again when it finishes: harmless). */
  posted(): void;
}

export class PartitionOrder {
  private lastPosted: Promise<void> = Promise.resolve();
  private lastDone: Promise<void> = Promise.resolve();
  private expect: bigint | null = null;

  /** The next chunk's turn; `next` is the offset after its last message. */
  turn(next: bigint): ChunkTurn {
    let posted!: () => void;
    const postedNow = new Promise<void>((resolve) => (posted = resolve));
    const turn: ChunkTurn = {
      expect: this.expect,
      previousPosted: this.lastPosted,
      previousDone: this.lastDone,
      posted,
    };
    this.lastPosted = postedNow;
    this.expect = next;
    return turn;
  }

  /** Registers the chunk's outcome: the next chunk's `previousDone`. */
  finished(turn: ChunkTurn, done: Promise<unknown>): void {
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    void settled.then(turn.posted);
    this.lastDone = settled;
  }
}
