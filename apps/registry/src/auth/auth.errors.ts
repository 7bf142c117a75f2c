import { DomainError, validator, type ErrorKindTable } from '@keel/domain';

export const TokenErrorCode = {
  InvalidArgument: 'TOKEN_INVALID_ARGUMENT',
  NotFound: 'TOKEN_NOT_FOUND',
  Exists: 'TOKEN_EXISTS',
  Unknown: 'TOKEN_UNKNOWN',
} as const;
export type TokenErrorCode = (typeof TokenErrorCode)[keyof typeof TokenErrorCode];

const KINDS: ErrorKindTable<TokenErrorCode> = {
  TOKEN_INVALID_ARGUMENT: 'invalid',
  TOKEN_NOT_FOUND: 'not-found',
  TOKEN_EXISTS: 'conflict',
  TOKEN_UNKNOWN: 'unauthenticated',
};

export class TokenError extends DomainError<TokenErrorCode> {
  constructor(code: TokenErrorCode, message: string, field?: string) {
    super(code, KINDS[code], message, field);
  }
}

export const tokenInput = validator((field, message) => new TokenError('TOKEN_INVALID_ARGUMENT', message, field));
