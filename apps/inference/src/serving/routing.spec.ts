import { CANARY_ITEM, SHADOW_ITEM, candidateAliases, parseRoutes } from './routing';

describe('canary and shadow routes', () => {
  it('should read canary and shadow items per model', () => {
    const routes = parseRoutes(['churn=challenger:0.1', 'fraud=7:0.5'], ['churn=staging']);
    expect(routes.get('churn')).toEqual({
      canary: { version: '', alias: 'challenger', weight: 0.1 },
      shadow: { version: '', alias: 'staging' },
    });
    expect(routes.get('fraud')).toEqual({ canary: { version: '7', alias: '', weight: 0.5 } });
    expect([...candidateAliases(routes)].sort()).toEqual(['challenger', 'staging']);
    expect(parseRoutes(['none'], ['none']).size).toBe(0);
  });

  it('should accept only well-formed items', () => {
    expect(['churn=challenger:0.25', 'a.b-c=12:1', 'none'].every((i) => CANARY_ITEM.test(i))).toBe(true);
    expect(['churn=challenger', 'churn=x:1.5', '=a:0.1', 'churn=Bad:0.1'].some((i) => CANARY_ITEM.test(i))).toBe(false);
    expect(SHADOW_ITEM.test('churn=staging')).toBe(true);
    expect(SHADOW_ITEM.test('churn=staging:0.1')).toBe(false);
  });
});
