import { scanAccepted, scanAcceptedIn, UNSURE } from './accept-scan';
import { validateRecordBytes } from './coerce';
import { checkSchema, type DatasetSchema } from './schema';

const schema: DatasetSchema = checkSchema({
  columns: [
    { name: 'id', type: 'numeric', required: true },
    { name: 'age', type: 'numeric', required: false, min: 0, max: 120 },
    { name: 'city', type: 'categorical', required: false, allowed: ['a', 'b', 'true', '1', 'Ã©'] },
    { name: 'tag', type: 'categorical', required: false },
    { name: 'vip', type: 'boolean', required: false },
    { name: 'at', type: 'timestamp', required: false },
    { name: 'toString', type: 'numeric', required: false },
  ],
  target: 'vip',
  entityKey: 'id',
  eventTime: 'at',
});

const scan = (text: string) => scanAccepted(schema, Buffer.from(text, 'utf8'));
const full = (text: string) => validateRecordBytes(schema, Buffer.from(text, 'utf8'));

/** The property the fast path must keep: when it is sure, the full validation accepts with the same count. */
function expectAgreement(text: string): void {
  const fast = scan(text);
  if (fast === UNSURE) return;
  const outcome = full(text);
  expect({ text, ok: outcome.ok, unknown: outcome.ok ? outcome.unknownFields : -1 }).toEqual({
    text,
    ok: true,
    unknown: fast,
  });
}

/** The 20,000 generated records of the agreement test (the packed test reuses them as neighbours). */
const generated: string[] = [];
/** Tails that could complete a truncated record if the scan read past its end. */
const TAILS = ['}', '"}', '0}', ' }', '"a"}', 'ue}', '1,"x":2}', '\n}'];
const pickTail = (rand: () => number): string => TAILS[Math.floor(rand() * TAILS.length)]!;

describe('scanAccepted', () => {
  it('should accept well-formed records and count their unknown fields', () => {
    expect(scan('{"id":1,"age":31.5,"city":"a","tag":"x","vip":true,"at":1700000000000}')).toBe(0);
    expect(scan(' { "id" : "7" , "age" : "" , "x" : [1] } ')).toBe(UNSURE); // a nested unknown value
    expect(scan('{"age":2,"id":-0.25e0,"x":1,"y":"z","vip":"Yes","at":"2026-01-02T00:00:00Z"}')).toBe(2);
    expect(scan('{"id":"+.5","city":1,"vip":0,"tag":false,"at":null}')).toBe(0);
  });

  it('should leave every record the full validation rejects to it', () => {
    for (const text of [
      '{"age":1}', // id missing
      '{"id":null}',
      '{"id":""}',
      '{"id":1,"age":121}',
      '{"id":1,"age":120.00000000000001}', // 17 digits: above 120 once rounded as JSON.parse rounds
      '{"id":1,"age":"120.00000000000001"}',
      '{"id":1,"age":"1e3"}',
      '{"id":1,"city":"c"}',
      '{"id":1,"vip":"maybe"}',
      '{"id":1,"vip":2}',
      '{"id":1,"at":"yesterday"}',
      '{"id":1,"id":2}',
      '{"id":1e400}',
      '{"id":01}',
      '{"id":1,}',
      '{"id":1} x',
      '\ufeff{"id":1}',
      '[{"id":1}]',
      '"id"',
      '{"id":1,"x":1,"x":2}',
      '{"id":"1\\u0030"}',
      '{"id":1,"toString":"x"}',
    ])
      expect({ text, fast: scan(text) }).toEqual({ text, fast: UNSURE });
  });

  it('should agree with validateRecordBytes on 20,000 generated records', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const values = [
      '0',
      '-0',
      '1',
      '7',
      '-3',
      '120',
      '121',
      '120.0',
      '1.5',
      '0.1',
      '-0.0001',
      '1e2',
      '1E-2',
      '2.5e+1',
      '01',
      '1.',
      '.5',
      '123456789012345678',
      '120.00000000000001',
      '"120.00000000000001"',
      '0.12345678901234567',
      '1e400',
      'true',
      'false',
      'null',
      '""',
      '"a"',
      '"b"',
      '"c"',
      '"é"',
      '"true"',
      '"1"',
      '"0"',
      '"yes"',
      '"No"',
      '" yes "',
      '"7"',
      '" 7"',
      '"+7"',
      '"-7.5"',
      '".5"',
      '"5."',
      '"-"',
      '"1e3"',
      '"0x10"',
      '"Infinity"',
      '"00012"',
      '"2026-01-02T00:00:00Z"',
      '"a\\"b"',
      '"\\u0061"',
      '{}',
      '[]',
      '[1]',
      '{"a":1}',
      'nul',
      'tru',
      '"\t"',
      '1.5.5',
      '--1',
    ] as const;
    const keys = ['id', 'age', 'city', 'tag', 'vip', 'at', 'toString', 'x', 'y', '__proto__', 'é', 'i\\u0064'];
    const spaces = ['', '', '', ' ', '\n', '\t ', '\r\n'];
    let sure = 0;
    generated.length = 0;
    for (let n = 0; n < 20_000; n++) {
      const fields: string[] = [];
      if (rand() < 0.9) fields.push(`"id":${pick(['1', '"2"', '3.25', '-4'])}`);
      const count = Math.floor(rand() * 7);
      for (let f = 0; f < count; f++) fields.push(`"${pick(keys)}"${pick(spaces)}:${pick(spaces)}${pick(values)}`);
      for (let f = fields.length - 1; f > 0; f--) {
        const j = Math.floor(rand() * (f + 1));
        [fields[f], fields[j]] = [fields[j]!, fields[f]!];
      }
      let text = `${pick(spaces)}{${pick(spaces)}${fields.join(`${pick(spaces)},${pick(spaces)}`)}${pick(spaces)}}`;
      if (rand() < 0.05) text = text.slice(0, Math.floor(rand() * text.length));
      expectAgreement(text);
      if (scan(text) !== UNSURE) sure++;
      generated.push(text);
    }
    // The fast path is a fast path: it decides a good share of these mostly odd records by itself.
    expect(sure).toBeGreaterThan(2_000);
  });

  it('should answer for a record packed between others exactly as for the record alone, or UNSURE', () => {
    // The staging worker scans records back to back in one buffer: a truncated record must not borrow
    // its neighbour's bytes to look complete. Neighbours are the generated records themselves.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    expect(generated.length).toBe(20_000);
    let agreed = 0;
    for (let n = 0; n < 20_000; n += 1) {
      const record = generated[n]!;
      const before = generated[Math.floor(rand() * generated.length)]!;
      const after = rand() < 0.5 ? generated[Math.floor(rand() * generated.length)]! : pickTail(rand);
      const bytes = Buffer.from(before + record + after, 'utf8');
      const start = Buffer.byteLength(before);
      const packed = scanAcceptedIn(schema, bytes, start, start + Buffer.byteLength(record));
      const alone = scan(record);
      if (packed !== UNSURE) {
        expect({ record, after, packed }).toEqual({ record, after, packed: alone });
        agreed++;
      }
    }
    expect(agreed).toBeGreaterThan(2_000);
  });

  it('should keep answering right when records of different schemas interleave', () => {
    const other = checkSchema({ columns: [{ name: 'k', type: 'numeric', required: true }], target: 'k' });
    for (let i = 0; i < 3; i++) {
      expect(scan('{"id":1,"k":2}')).toBe(1);
      expect(scanAccepted(other, Buffer.from('{"id":1,"k":2}'))).toBe(1);
      expect(scanAccepted(other, Buffer.from('{"id":1}'))).toBe(UNSURE);
    }
  });
});
