// The join store's waiting predictions: an insertion-ordered map from a string key to (model, version,
// score, time), kept in typed arrays. Entries are appended to a log (so the oldest is always first), keys
// are copied into a character arena and found through an open-addressing hash index. Removed entries
// leave holes that the next compaction (when the log or the arena is full) squeezes out; capacities are
// then set to twice what is live, so memory follows the live entries and appends stay O(1) amortised.
import type { PendingPrediction } from './join-store';

const MIN_ENTRIES = 1024;
const MIN_CHARS = 16 * 1024;
const EMPTY = 0;
const REMOVED = -1;

function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

// FNV-1a over UTF-16 code units, then murmur3's finaliser so that keys differing in a last digit spread.
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

interface Source {
  model: string;
  version: number;
}

export class PendingLog {
  private head = 0;
  private tail = 0;
  private live = 0;
  // Per log position; keyLength -1 marks a removed entry.
  private hash = new Int32Array(MIN_ENTRIES);
  private keyStart = new Int32Array(MIN_ENTRIES);
  private keyLength = new Int32Array(MIN_ENTRIES);
  private source = new Int32Array(MIN_ENTRIES);
  private positive = new Float64Array(MIN_ENTRIES);
  private at = new Float64Array(MIN_ENTRIES);
  private chars = new Uint16Array(MIN_CHARS);
  private charsEnd = 0;
  // Log position + 1 per slot, EMPTY or REMOVED; at most half full (it has twice the log's capacity).
  private index = new Int32Array(2 * MIN_ENTRIES);
  private sources: Source[] = [];
  private sourceIds = new Map<string, number>();
  private lastSource = -1;

  get size(): number {
    return this.live;
  }

  /** Adds (or moves to the end, with new fields) the entry of `key`. */
  put(key: string, model: string, version: number, positive: number, at: number): void {
    const h = hashOf(key);
    const found = this.slotOf(key, h);
    if (found >= 0) this.remove(found);
    if (this.tail === this.hash.length || this.charsEnd + key.length > this.chars.length) this.compact(key.length);
    const pos = this.tail++;
    const start = this.charsEnd;
    for (let i = 0; i < key.length; i++) this.chars[start + i] = key.charCodeAt(i);
    this.charsEnd += key.length;
    this.hash[pos] = h;
    this.keyStart[pos] = start;
    this.keyLength[pos] = key.length;
    this.source[pos] = this.sourceId(model, version);
    this.positive[pos] = positive;
    this.at[pos] = at;
    this.insert(pos);
    this.live++;
  }

  /** Removes and returns the entry of `key`, or null when there is none. */
  take(key: string): PendingPrediction | null {
    const slot = this.slotOf(key, hashOf(key));
    if (slot < 0) return null;
    const pos = this.index[slot]! - 1;
    const s = this.sources[this.source[pos]!]!;
    const p = { model: s.model, version: s.version, positive: this.positive[pos]!, at: this.at[pos]! };
    this.remove(slot);
    return p;
  }

  /** Time of the oldest entry, or null when empty. */
  oldestAt(): number | null {
    this.skipRemoved();
    return this.head < this.tail ? this.at[this.head]! : null;
  }

  /** Removes the oldest entry (none when empty). */
  dropOldest(): void {
    this.skipRemoved();
    if (this.head === this.tail) return;
    const mask = this.index.length - 1;
    const want = this.head + 1;
    let slot = this.hash[this.head]! & mask;
    while (this.index[slot] !== want) slot = (slot + 1) & mask;
    this.remove(slot);
    this.skipRemoved();
  }

  private skipRemoved(): void {
    while (this.head < this.tail && this.keyLength[this.head] === -1) this.head++;
  }

  private slotOf(key: string, h: number): number {
    const mask = this.index.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const v = this.index[slot]!;
      if (v === EMPTY) return -1;
      if (v !== REMOVED && this.hash[v - 1] === h && this.keyIs(v - 1, key)) return slot;
    }
  }

  private keyIs(pos: number, key: string): boolean {
    if (this.keyLength[pos] !== key.length) return false;
    const start = this.keyStart[pos]!;
    for (let i = 0; i < key.length; i++) if (this.chars[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private remove(slot: number): void {
    this.keyLength[this.index[slot]! - 1] = -1;
    this.index[slot] = REMOVED;
    this.live--;
  }

  // Into the first EMPTY or REMOVED slot: the key is known to be absent.
  private insert(pos: number): void {
    const mask = this.index.length - 1;
    let slot = this.hash[pos]! & mask;
    while (this.index[slot]! > 0) slot = (slot + 1) & mask;
    this.index[slot] = pos + 1;
  }

  private sourceId(model: string, version: number): number {
    const last = this.sources[this.lastSource];
    if (last && last.model === model && last.version === version) return this.lastSource;
    const name = `${version}\u0000${model}`;
    let id = this.sourceIds.get(name);
    if (id === undefined) {
      id = this.sources.length;
      this.sources.push({ model, version });
      this.sourceIds.set(name, id);
    }
    this.lastSource = id;
    return id;
  }

  /** Squeezes out removed entries, resizing to twice the live entries and characters (plus room for `extra`). */
  private compact(extra: number): void {
    let liveChars = extra;
    for (let pos = this.head; pos < this.tail; pos++) if (this.keyLength[pos]! >= 0) liveChars += this.keyLength[pos]!;
    const entries = Math.max(MIN_ENTRIES, powerOfTwoAtLeast(2 * (this.live + 1)));
    const chars = Math.max(MIN_CHARS, powerOfTwoAtLeast(2 * liveChars));
    const from = {
      hash: this.hash,
      keyStart: this.keyStart,
      keyLength: this.keyLength,
      source: this.source,
      positive: this.positive,
      at: this.at,
      chars: this.chars,
    };
    // Same capacity: moved down in place (each entry and key only ever moves towards the start).
    if (entries !== this.hash.length) {
      this.hash = new Int32Array(entries);
      this.keyStart = new Int32Array(entries);
      this.keyLength = new Int32Array(entries);
      this.source = new Int32Array(entries);
      this.positive = new Float64Array(entries);
      this.at = new Float64Array(entries);
    }
    if (chars !== this.chars.length) this.chars = new Uint16Array(chars);
    const { remap, sources } = this.liveSources(from.keyLength, from.source);
    let to = 0;
    let charsEnd = 0;
    for (let pos = this.head; pos < this.tail; pos++) {
      const length = from.keyLength[pos]!;
      if (length < 0) continue;
      const start = from.keyStart[pos]!;
      if (this.chars === from.chars) this.chars.copyWithin(charsEnd, start, start + length);
      else this.chars.set(from.chars.subarray(start, start + length), charsEnd);
      this.hash[to] = from.hash[pos]!;
      this.keyStart[to] = charsEnd;
      this.keyLength[to] = length;
      this.source[to] = remap ? remap[from.source[pos]!]! : from.source[pos]!;
      this.positive[to] = from.positive[pos]!;
      this.at[to] = from.at[pos]!;
      charsEnd += length;
      to++;
    }
    this.head = 0;
    this.tail = to;
    this.charsEnd = charsEnd;
    this.index = new Int32Array(2 * entries);
    for (let pos = 0; pos < to; pos++) this.insert(pos);
    if (remap) {
      this.sources = sources;
      this.sourceIds = new Map(sources.map((s, id) => [`${s.version}\u0000${s.model}`, id]));
      this.lastSource = -1;
    }
  }

  // Model versions no entry refers to any more are forgotten (only checked once there are a few).
  private liveSources(keyLength: Int32Array, source: Int32Array): { remap: Int32Array | null; sources: Source[] } {
    if (this.sources.length <= 16) return { remap: null, sources: this.sources };
    const remap = new Int32Array(this.sources.length).fill(-1);
    const sources: Source[] = [];
    for (let pos = this.head; pos < this.tail; pos++) {
      if (keyLength[pos]! < 0 || remap[source[pos]!] !== -1) continue;
      remap[source[pos]!] = sources.length;
      sources.push(this.sources[source[pos]!]!);
    }
    return { remap, sources };
  }
}
