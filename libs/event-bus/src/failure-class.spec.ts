import { DomainError } from '@keel/domain';
import { PermanentEventError } from './errors';
import { classifyFailure } from './failure-class';

class ProbeError extends DomainError<'PROBE'> {
  constructor(kind: DomainError['kind']) {
    super('PROBE', kind, 'probe');
  }
}

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('classifyFailure', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['a timeout', withCode('ETIMEDOUT')],
    ['a PostgreSQL serialization failure', withCode('40001')],
    ['a PostgreSQL deadlock', withCode('40P01')],
    ['a PostgreSQL admin shutdown', withCode('57P01')],
    ['a PostgreSQL connection exception', withCode('08006')],
    ['SQLITE_BUSY', withCode('SQLITE_BUSY')],
    ['a kafkajs connection error', Object.assign(new Error('x'), { name: 'KafkaJSConnectionError' })],
    ['a broker-not-available error', Object.assign(new Error('x'), { type: 'BROKER_NOT_AVAILABLE' })],
    ['a terminated pg connection', new Error('Connection terminated unexpectedly')],
    ['a wrapped connection error', new Error('query failed', { cause: withCode('ECONNREFUSED') })],
    ['a TypeORM driverError', Object.assign(new Error('QueryFailedError'), { driverError: withCode('40001') })],
    ['an AggregateError of refusals', new AggregateError([withCode('ECONNREFUSED')], 'all failed')],
    ['an unavailable domain error', new ProbeError('unavailable')],
  ])('should call %s infrastructure', (_, err) => {
    expect(classifyFailure(err)).toBe('infrastructure');
  });

  it('should call PermanentEventError and non-retryable domain kinds permanent', () => {
    expect(classifyFailure(new PermanentEventError('no', { cause: withCode('ECONNREFUSED') }))).toBe('permanent');
    expect(classifyFailure(new ProbeError('invalid'))).toBe('permanent');
    expect(classifyFailure(new ProbeError('not-found'))).toBe('permanent');
  });

  it('should call anything else transient', () => {
    expect(classifyFailure(new Error('handler bug'))).toBe('transient');
    expect(classifyFailure(new ProbeError('aborted'))).toBe('transient');
    expect(classifyFailure(withCode('23505', 'duplicate key'))).toBe('transient');
    expect(classifyFailure('a string')).toBe('transient');
  });
});
