// Kafka's own rule: 1–249 of [a-zA-Z0-9._-], and not "." or "..".
const LEGAL = /^[a-zA-Z0-9._-]{1,249}$/;

export function isValidTopicName(name: string): boolean {
  return LEGAL.test(name) && name !== '.' && name !== '..';
}
