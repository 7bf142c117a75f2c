// TypeScript twin of samples.py: seeded samples built from IEEE basic operations only, so the reference
// values computed by scipy on the Python side describe exactly the same numbers.
import { Random } from '../../core/random';

export interface SampleSpec {
  kind: 'uniform' | 'normal' | 'skew' | 'pareto' | 'int';
  n: number;
  seed: number;
  loc?: number;
  scale?: number;
  k?: number;
}

export function sample(spec: SampleSpec): Float64Array {
  const r = new Random(spec.seed);
  const loc = spec.loc ?? 0;
  const scale = spec.scale ?? 1;
  const out = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    switch (spec.kind) {
      case 'uniform':
        out[i] = loc + scale * r.nextFloat();
        break;
      case 'normal': {
        const u1 = r.nextFloat();
        const u2 = r.nextFloat();
        const u3 = r.nextFloat();
        const u4 = r.nextFloat();
        out[i] = loc + scale * (u1 + u2 + u3 + u4 - 2);
        break;
      }
      case 'skew': {
        const u = r.nextFloat();
        out[i] = loc + scale * (u * u * u * u);
        break;
      }
      case 'pareto':
        out[i] = loc + scale / (r.nextFloat() + 0.05);
        break;
      case 'int':
        out[i] = loc + r.nextInt(spec.k ?? 2);
        break;
    }
  }
  return out;
}
