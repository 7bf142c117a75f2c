import { Reader } from '../protocol/reader';

// Topics in a consumer-protocol subscription (JoinGroup member metadata of protocol type
// "consumer": version int16, topics [string], user data...). Unreadable metadata names none.
export function subscribedTopics(metadata: Buffer): string[] {
  try {
    const r = new Reader(metadata);
    r.int16();
    return r.array((r) => r.string());
  } catch {
    return [];
  }
}
