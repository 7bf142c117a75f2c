// Input checks every context shares (one naming rule across services). Each context passes its own error
// factory, so a bad field becomes that context's invalid-kind error naming the field.
export type FieldErrorFactory = (field: string, message: string) => Error;

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const ALIAS = /^[a-z][a-z0-9_-]{0,31}$/;
const SHA256 = /^[a-f0-9]{64}$/;
const KEY = /^[A-Za-z0-9_.\-/ :]{1,250}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface Validator {
  name(value: string, field: string): string;
  alias(value: string, field: string): string;
  sha256(value: string, field: string): string;
  optionalSha256(value: string, field: string): string | null;
  id(value: string, field: string): string;
  key(value: string, field: string): string;
  text(value: string, field: string, max: number): string;
  positiveInt(value: number, field: string): number;
  nonNegative(value: number, field: string): number;
  fail(field: string, message: string): never;
}

export function validator(error: FieldErrorFactory): Validator {
  const fail = (field: string, message: string): never => {
    throw error(field, `${field}: ${message}`);
  };
  return {
    fail,
    name: (v, f) =>
      NAME.test(v)
        ? v
        : fail(
            f,
            `must be a lower-case name (letter first, then letters, digits, "-" or "_", at most 63), got "${v.slice(0, 80)}"`,
          ),
    alias: (v, f) =>
      ALIAS.test(v)
        ? v
        : fail(f, `must be a lower-case alias such as "production" (at most 32 characters), got "${v.slice(0, 80)}"`),
    sha256: (v, f) => (SHA256.test(v) ? v : fail(f, 'must be a lower-case hex sha256 (64 characters)')),
    optionalSha256: (v, f) =>
      v === '' ? null : SHA256.test(v) ? v : fail(f, 'must be empty or a lower-case hex sha256 (64 characters)'),
    id: (v, f) => (ID.test(v) ? v : fail(f, v === '' ? 'is required' : 'is not a valid id')),
    key: (v, f) =>
      KEY.test(v)
        ? v
        : fail(
            f,
            `must be 1-250 characters of letters, digits, "_", ".", "-", "/", ":" or space, got "${v.slice(0, 80)}"`,
          ),
    text: (v, f, max) => (v.length <= max ? v : fail(f, `must be at most ${max} characters`)),
    positiveInt: (v, f) => (Number.isInteger(v) && v >= 1 ? v : fail(f, 'must be a positive integer')),
    nonNegative: (v, f) => (Number.isFinite(v) && v >= 0 ? v : fail(f, 'must be zero or more')),
  };
}
