// Distribution distances on shares: Jensen–Shannon (scipy.spatial.distance.jensenshannon, natural log)
// and the population stability index.

/** sqrt(JS divergence) of two count or share vectors; each is normalised to sum 1 first, as scipy does. */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError('jensenShannonDistance: vectors differ in length');
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i];
    sq += q[i];
  }
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / sp;
    const qi = q[i] / sq;
    const m = (pi + qi) / 2;
    js += relEntr(pi, m) + relEntr(qi, m);
  }
  // Rounding can leave a tiny negative; the distance of identical inputs is 0.
  return Math.sqrt(Math.max(0, js / 2));
}

// scipy.special.rel_entr: x·ln(x/y), 0 when x = 0.
function relEntr(x: number, y: number): number {
  if (x === 0) return 0;
  return x * Math.log(x / y);
}

/** Zero shares are replaced by this before PSI's logarithm. */
export const PSI_ZERO_SHARE = 1e-4;

/** PSI = Σ (c_i − p_i)·ln(c_i / p_i) over reference shares p and current shares c. */
export function populationStabilityIndex(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  if (reference.length !== current.length) throw new RangeError('populationStabilityIndex: vectors differ in length');
  let sr = 0;
  let sc = 0;
  for (let i = 0; i < reference.length; i++) {
    sr += reference[i];
    sc += current[i];
  }
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const p = reference[i] / sr || PSI_ZERO_SHARE;
    const c = current[i] / sc || PSI_ZERO_SHARE;
    psi += (c - p) * Math.log(c / p);
  }
  return psi;
}
