import { DomainError } from '@keel/domain';
import {
  EVENT_BUS_ERROR_CODES,
  EventBusError,
  PermanentEventError,
  decideOnFailure,
  handlerFailureDecision,
} from './errors';

class ProbeError extends DomainError<'PROBE'> {
  constructor(kind: DomainError['kind']) {
    super('PROBE', kind, 'probe');
  }
}

describe('the Kafka failure table', () => {
  it('should retry only transient kinds when a handler throws a domain error', () => {
    expect(handlerFailureDecision(new ProbeError('unavailable'))).toBe('retry');
    expect(handlerFailureDecision(new ProbeError('aborted'))).toBe('retry');
    expect(handlerFailureDecision(new ProbeError('invalid'))).toBe('dead-letter');
    expect(handlerFailureDecision(new ProbeError('not-found'))).toBe('dead-letter');
    expect(handlerFailureDecision(new ProbeError('failed-precondition'))).toBe('dead-letter');
  });

  it('should dead-letter a PermanentEventError at once and retry an unknown error when handlers throw them', () => {
    expect(handlerFailureDecision(new PermanentEventError('no'))).toBe('dead-letter');
    expect(handlerFailureDecision(new Error('socket hang up'))).toBe('retry');
  });

  it('should give every event bus code a decision, retrying only a failing handler and a lost connection', () => {
    const retried = EVENT_BUS_ERROR_CODES.filter((c) => decideOnFailure(c) === 'retry');
    expect(retried.sort()).toEqual(['HANDLER_FAILED', 'NOT_CONNECTED']);
    expect(new EventBusError('INVALID_PAYLOAD', 'bad', ['a: required'])).toMatchObject({
      kind: 'invalid',
      message: 'bad: a: required',
      name: 'EventBusError',
    });
  });
});
