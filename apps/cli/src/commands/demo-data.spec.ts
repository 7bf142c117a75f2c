import { rowsToColumns, shiftRow, shuffledIndexes, splitDemoData } from './demo-data';

describe('demo data', () => {
  it('should shuffle every index exactly once, the same way for the same seed', () => {
    const a = shuffledIndexes(100, 7);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffledIndexes(100, 7)).toEqual(a);
    expect(shuffledIndexes(100, 8)).not.toEqual(a);
  });

  it('should hold out rows that are never in the training rows', () => {
    const table = { header: ['id', 'x'], rows: Array.from({ length: 50 }, (_, i) => [String(i), String(i * 2)]) };
    const d = splitDemoData(table, 10);
    expect(d.heldOut).toHaveLength(10);
    expect(d.train).toHaveLength(40);
    const train = new Set(d.train.map((r) => r['id']));
    expect(d.heldOut.some((r) => train.has(r['id']))).toBe(false);
    expect(() => splitDemoData(table, 50)).toThrow(/held-out rows/);
  });

  it('should shift cashback and payment mode and make the customers new ones', () => {
    const row = { CustomerID: '50001', CashbackAmount: '100.5', PreferredPaymentMode: 'Debit Card', Churn: '1' };
    expect(shiftRow(row, 0, 'CustomerID', 1000)).toEqual({
      CustomerID: '51001',
      CashbackAmount: '160.50',
      PreferredPaymentMode: 'E wallet',
      Churn: '1',
    });
    expect(shiftRow({ ...row, CashbackAmount: '' }, 7, 'CustomerID', 0)).toMatchObject({
      CashbackAmount: '',
      PreferredPaymentMode: 'Debit Card',
    });
    expect(rowsToColumns(['CustomerID', 'Churn'], [row]).get('Churn')).toEqual(['1']);
  });
});
