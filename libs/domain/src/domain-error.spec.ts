import { DomainError, isDomainError, type ErrorKindTable } from './domain-error';
import { validator } from './validate';

const ShelfErrorCode = { InvalidArgument: 'SHELF_INVALID_ARGUMENT', Full: 'SHELF_FULL' } as const;
type ShelfErrorCode = (typeof ShelfErrorCode)[keyof typeof ShelfErrorCode];
const KINDS: ErrorKindTable<ShelfErrorCode> = { SHELF_INVALID_ARGUMENT: 'invalid', SHELF_FULL: 'failed-precondition' };

class ShelfError extends DomainError<ShelfErrorCode> {
  constructor(code: ShelfErrorCode, message: string, field?: string) {
    super(code, KINDS[code], message, field);
  }
}

describe('DomainError', () => {
  it('should carry the kind its context table gives the code when thrown', () => {
    const err = new ShelfError(ShelfErrorCode.Full, 'the shelf is full');
    expect(err).toMatchObject({ code: 'SHELF_FULL', kind: 'failed-precondition', name: 'ShelfError' });
    expect(isDomainError(err)).toBe(true);
    expect(isDomainError(new Error('plain'))).toBe(false);
  });

  it("should name the field in the context's invalid error when a validator check fails", () => {
    const v = validator((field, message) => new ShelfError('SHELF_INVALID_ARGUMENT', message, field));
    expect(() => v.name('Not A Name', 'shelf')).toThrow(
      expect.objectContaining({ kind: 'invalid', field: 'shelf', message: expect.stringMatching(/^shelf: /) }),
    );
  });
});
