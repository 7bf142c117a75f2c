// The binary target: two classes, the positive one given or recognised as 1 / true / yes.
import { MlError, MlErrorCode } from './errors';
import { isMissing } from '../core';
import type { ColumnValues } from './table';

export interface EncodedTarget {
  /** 1 for the positive class, 0 for the negative one. */
  readonly labels: Uint8Array;
  readonly positive: string;
  readonly negative: string;
}

const POSITIVE_WORDS = new Set(['1', 'true', 'yes']);

export function encodeTarget(name: string, values: ColumnValues, positive?: string): EncodedTarget {
  const texts = new Array<string>(values.length);
  const classes = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const cell = values[i];
    if (isMissing(cell)) throw new MlError(MlErrorCode.MissingTarget, `target "${name}" is missing at row ${i + 1}`);
    if (typeof cell === 'number' && !Number.isFinite(cell)) {
      throw new MlError(MlErrorCode.NonFiniteValue, `target "${name}" row ${i + 1}: non-finite value ${cell}`);
    }
    const text = String(cell).trim();
    texts[i] = text;
    classes.add(text);
  }
  const sorted = [...classes].sort();
  if (sorted.length > 2) {
    throw new MlError(
      MlErrorCode.TooManyClasses,
      `target "${name}" has ${sorted.length} classes (${preview(sorted)}); only binary targets are supported`,
    );
  }
  if (sorted.length < 2) {
    throw new MlError(MlErrorCode.SingleClass, `target "${name}" has a single class (${preview(sorted)}); need two`);
  }
  const pos = positive !== undefined ? positive.trim() : defaultPositive(name, sorted);
  if (!classes.has(pos)) {
    throw new MlError(
      MlErrorCode.InvalidParams,
      `positive class "${pos}" is not in target "${name}" (classes: ${sorted.join(', ')})`,
    );
  }
  const labels = new Uint8Array(values.length);
  for (let i = 0; i < texts.length; i++) labels[i] = texts[i] === pos ? 1 : 0;
  return { labels, positive: pos, negative: sorted[0] === pos ? sorted[1] : sorted[0] };
}

function defaultPositive(name: string, classes: string[]): string {
  const matches = classes.filter((c) => POSITIVE_WORDS.has(c.toLowerCase()));
  if (matches.length !== 1) {
    throw new MlError(
      MlErrorCode.AmbiguousPositive,
      `cannot tell the positive class of target "${name}" (classes: ${classes.join(', ')}); pass the positive value explicitly`,
    );
  }
  return matches[0];
}

function preview(classes: string[]): string {
  return classes.length > 5 ? `${classes.slice(0, 5).join(', ')}, ...` : classes.join(', ');
}
