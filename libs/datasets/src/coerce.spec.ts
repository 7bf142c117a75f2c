import { validateRecord, validateRecordBytes, type RecordOutcome } from './coerce';
import { checkSchema, type DatasetSchema } from './schema';

const schema: DatasetSchema = checkSchema({
  columns: [
    { name: 'id', type: 'numeric', required: true },
    { name: 'age', type: 'numeric', required: false, min: 0, max: 120 },
    { name: 'city', type: 'categorical', required: false, allowed: ['a', 'b'] },
    { name: 'vip', type: 'boolean', required: false },
    { name: 'at', type: 'timestamp', required: false },
  ],
  target: 'vip',
  entityKey: 'id',
  eventTime: 'at',
});

const bytes = (text: string) => Buffer.from(text, 'utf8');
const rejected = (o: RecordOutcome) => (o.ok ? null : { reason: o.reason, field: o.field });

describe('validateRecord', () => {
  it('should coerce numeric strings, booleans and times when they are well formed', () => {
    const out = validateRecord(schema, { id: '7', age: 31.5, city: 'a', vip: 'yes', at: '2026-01-02T00:00:00Z', x: 1 });
    expect(out).toEqual({ ok: true, row: [7, 31.5, 'a', true, Date.parse('2026-01-02T00:00:00Z')], unknownFields: 1 });
  });

  it('should treat "", null and absent as missing when the column is optional', () => {
    expect(validateRecord(schema, { id: 1, age: '', city: null })).toEqual({
      ok: true,
      row: [1, null, null, null, null],
      unknownFields: 0,
    });
  });

  it('should read a column named like an Object.prototype member as missing when the record lacks it', () => {
    const proto = checkSchema({
      columns: [
        { name: 'toString', type: 'numeric', required: false },
        { name: '__proto__', type: 'categorical', required: false },
      ],
      target: 'toString',
    });
    expect(validateRecord(proto, {})).toEqual({ ok: true, row: [null, null], unknownFields: 0 });
    expect(validateRecordBytes(proto, bytes('{"toString":2,"__proto__":"x"}'))).toEqual({
      ok: true,
      row: [2, 'x'],
      unknownFields: 0,
    });
  });

  it.each([
    ['0', false],
    ['no', false],
    [1, true],
    ['TRUE', true],
    [false, false],
  ])('should read %p as boolean %p', (raw, expected) => {
    const out = validateRecord(schema, { id: 1, vip: raw });
    expect(out.ok && out.row[3]).toBe(expected);
  });

  it.each<[string, Buffer | null, { reason: string; field: string }]>([
    ['not_json', bytes('{"id": 1'), { reason: 'not_json', field: '' }],
    ['not_json when empty', null, { reason: 'not_json', field: '' }],
    ['not_object (array)', bytes('[1,2]'), { reason: 'not_object', field: '' }],
    ['not_object (number)', bytes('42'), { reason: 'not_object', field: '' }],
    ['missing_required', bytes('{"age": 3}'), { reason: 'missing_required', field: 'id' }],
    ['missing_required ("")', bytes('{"id": ""}'), { reason: 'missing_required', field: 'id' }],
    ['wrong_type (numeric)', bytes('{"id": "seven"}'), { reason: 'wrong_type', field: 'id' }],
    ['wrong_type (boolean)', bytes('{"id": 1, "vip": "maybe"}'), { reason: 'wrong_type', field: 'vip' }],
    ['wrong_type (timestamp)', bytes('{"id": 1, "at": "yesterday"}'), { reason: 'wrong_type', field: 'at' }],
    ['wrong_type (object)', bytes('{"id": 1, "city": {"a": 1}}'), { reason: 'wrong_type', field: 'city' }],
    ['out_of_range', bytes('{"id": 1, "age": 121}'), { reason: 'out_of_range', field: 'age' }],
    ['not_allowed', bytes('{"id": 1, "city": "c"}'), { reason: 'not_allowed', field: 'city' }],
  ])('should reject with %s', (_name, input, expected) => {
    expect(rejected(validateRecordBytes(schema, input))).toEqual(expected);
  });

  it('should reject with too_large when the record exceeds the limit', () => {
    expect(rejected(validateRecordBytes(schema, bytes('{"id": 1}'), 4))).toEqual({ reason: 'too_large', field: '' });
  });
});
