import type { Validator } from './validate';

// Opaque page tokens and order_by parsing, the same for every list RPC of every service.

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface PageInput {
  pageSize?: number;
  pageToken?: string;
}

export interface Page {
  limit: number;
  offset: number;
}

/** The page a request asks for; the token is opaque to clients (an offset today). */
export function readPage(input: PageInput | null | undefined, v: Validator): Page {
  const size = input?.pageSize ?? 0;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE)
    v.fail('page.page_size', `must be 0 (default ${DEFAULT_PAGE_SIZE}) to ${MAX_PAGE_SIZE}`);
  const token = input?.pageToken ?? '';
  let offset = 0;
  if (token !== '') {
    const decoded = /^[A-Za-z0-9_-]{1,32}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
    const match = /^o:(\d{1,12})$/.exec(decoded);
    if (!match) v.fail('page.page_token', 'is not a token from a previous page');
    offset = Number(match![1]);
  }
  return { limit: size || DEFAULT_PAGE_SIZE, offset };
}

/** Fetch limit + 1 rows; this trims the extra one and returns the next token when there was one. */
export function pageResult<T>(rows: T[], page: Page): { items: T[]; nextPageToken: string } {
  if (rows.length <= page.limit) return { items: rows, nextPageToken: '' };
  return {
    items: rows.slice(0, page.limit),
    nextPageToken: Buffer.from(`o:${page.offset + page.limit}`).toString('base64url'),
  };
}

export type Direction = 'ASC' | 'DESC';

export interface OrderBy<K extends string> {
  key: K;
  direction: Direction;
}

/** Parses "field", "field asc" or "field desc" against the fields a list allows; empty gives the default. */
export function readOrderBy<K extends string>(
  value: string,
  allowed: readonly K[],
  fallback: OrderBy<K>,
  v: Validator,
  field = 'order_by',
): OrderBy<K> {
  const trimmed = value.trim();
  if (trimmed === '') return fallback;
  const match = /^(\S+)(?:\s+(asc|desc))?$/i.exec(trimmed);
  const key = match?.[1] as K | undefined;
  if (!match || !key || !allowed.includes(key))
    v.fail(field, `must be one of ${allowed.join(', ')}, optionally followed by asc or desc`);
  return { key: key!, direction: (match![2]?.toUpperCase() as Direction | undefined) ?? 'ASC' };
}

/** The paging part of a list request: which page, in which order ("field" or "field asc|desc"). */
export interface ListQuery {
  page?: PageInput | null;
  orderBy: string;
}
