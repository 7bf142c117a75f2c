import { pageResult, readOrderBy, readPage } from './paging';
import { validator } from './validate';

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
const v = validator((field, message) => new FieldError(field, message));

describe('paging', () => {
  it('should hand out a token for the next page when more rows exist', () => {
    const page = readPage({ pageSize: 2 }, v);
    const first = pageResult([1, 2, 3], page);
    expect(first).toEqual({ items: [1, 2], nextPageToken: expect.any(String) });
    expect(readPage({ pageSize: 2, pageToken: first.nextPageToken }, v)).toEqual({ limit: 2, offset: 2 });
    expect(pageResult([1, 2], page).nextPageToken).toBe('');
  });

  it('should use the default size when page_size is 0 or missing', () => {
    expect(readPage(undefined, v)).toEqual({ limit: 100, offset: 0 });
  });

  it.each([
    [{ pageSize: -1 }, 'page.page_size'],
    [{ pageSize: 1001 }, 'page.page_size'],
    [{ pageToken: 'not a token' }, 'page.page_token'],
    [{ pageToken: Buffer.from('o:-1').toString('base64url') }, 'page.page_token'],
  ])('should reject %j naming %s when the page is malformed', (input, field) => {
    expect(() => readPage(input, v)).toThrow(expect.objectContaining({ field }));
  });

  it('should parse order_by with an optional direction and refuse unknown fields', () => {
    const fallback = { key: 'name' as const, direction: 'ASC' as const };
    expect(readOrderBy('', ['name', 'created_at'] as const, fallback, v)).toBe(fallback);
    expect(readOrderBy('created_at DESC', ['name', 'created_at'] as const, fallback, v)).toEqual({
      key: 'created_at',
      direction: 'DESC',
    });
    expect(readOrderBy(' name ', ['name'] as const, fallback, v)).toEqual({ key: 'name', direction: 'ASC' });
    expect(() => readOrderBy('name; DROP TABLE runs', ['name'] as const, fallback, v)).toThrow(
      expect.objectContaining({ field: 'order_by' }),
    );
  });
});
