// The two-sided one-sample Kolmogorov–Smirnov distribution as scipy 1.10's stats.kstwo.sf computes it
// (scipy/stats/_ksstats.py, Simard & L'Ecuyer's choice of method by n and x). ks_2samp uses it for its
// asymptotic p-value with n = round(n1·n2 / (n1 + n2)).

const E128 = 2 ** 128;
const EM128 = 2 ** -128;
const STIRLING = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** P(D_n > x) for the two-sided statistic. */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    const cdf = n <= 140 ? rubenGambinoProduct(n, t) : Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnov(n, x));
  const nxx = t * x;
  if (n <= 140) {
    if (nxx <= 0.754693) return clip(1 - durbinMatrix(n, x));
    if (nxx <= 4) return clip(1 - pomeranz(n, x));
    return clip(2 * smirnov(n, x));
  }
  if (nxx >= 370) return 0;
  if (nxx >= 2.2) return clip(2 * smirnov(n, x));
  let cdf: number;
  if (nxx >= 18) cdf = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdf = durbinMatrix(n, x);
  else cdf = pelzGood(n, x);
  return clip(1 - cdf);
}

function rubenGambinoProduct(n: number, t: number): number {
  let p = 1;
  for (let i = 1; i <= n; i++) p *= i * (1 / n) * (2 * t - 1);
  return p;
}

function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * poly;
}

// cephes' MINLOG, log(2^-1022): below it the tail underflows.
const MIN_LOG = -708.3964185322641;
// scipy's cephes smirnov switches to an approximation above this n.
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;

/**
 * One-sided Smirnov tail P(D+_n > e), with scipy's special cases (cephes kolmogorov.c): the exact
 * Birnbaum–Tingey sum up to n = 10^6 and p ≈ exp(−(6ne+1)²/18n) beyond. Every term of the sum is
 * positive, so summing in log space loses nothing to cancellation (relative error ~1e-11 at n = 10^6).
 */
export function smirnov(n: number, e: number): number {
  if (!(n > 0 && e >= 0 && e <= 1)) return Number.NaN;
  if (n === 1) return e;
  if (e === 0) return 1;
  if (e === 1) return 0;
  if (n * e <= 1) return 1 - e * (1 + e) ** (n - 1);
  if (-2 * n * e * e < MIN_LOG) return 0;
  if (Math.floor(n * e) >= n - 1) return (1 - e) ** n;
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -((6 * n * e + 1) ** 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  const nn = Math.floor(n * (1 - e));
  // Streaming log-sum-exp; ln C(n, v) built up term by term (error ~v·eps, ~1e-10 at v = 10^6).
  let logC = 0;
  let maxLog = -Infinity;
  let sum = 0;
  for (let v = 0; v <= nn; v++) {
    if (v > 0) logC += Math.log((n - v + 1) / v);
    const evn = e + v / n;
    if (evn >= 1) break;
    const lt = logC + (v - 1) * Math.log(evn) + (n - v) * Math.log1p(-evn);
    if (lt > maxLog) {
      sum = sum * Math.exp(maxLog - lt) + 1;
      maxLog = lt;
    } else sum += Math.exp(lt - maxLog);
  }
  if (maxLog === -Infinity) return 0;
  return Math.exp(maxLog + Math.log(sum) + Math.log(e));
}

/** Pr(D_n ≤ d), Durbin's matrix method as Marsaglia, Tsang and Wang (2003). */
function durbinMatrix(n: number, d: number): number {
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1 - h ** j;
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] *= fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1];
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];
  let P = identity(m);
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      P = matmul(P, H, m);
      expnt += hExpnt;
    }
    H = matmul(H, H, m);
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + k - 1]) > E128) {
      for (let i = 0; i < H.length; i++) H[i] /= E128;
      hExpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + k - 1];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      expnt -= 128;
    }
  }
  return p * 2 ** expnt;
}

function identity(m: number): Float64Array<ArrayBuffer> {
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) a[i * m + i] = 1;
  return a;
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += aik * b[k * m + j];
    }
  }
  return out;
}

function pomeranzBounds(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pr(D_n ≤ x) by Pomeranz's recursion (1974). */
function pomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gp = new Float64Array(npwrs);
  const g2p = new Float64Array(npwrs);
  const g12p = new Float64Array(npwrs);
  gp[0] = g2p[0] = g12p[0] = 1;
  for (let m = 1; m < npwrs; m++) {
    gp[m] = (gp[m - 1] * (g / n)) / m;
    g2p[m] = (g2p[m - 1] * ((2 * g) / n)) / m;
    g12p[m] = (g12p[m - 1] * ((1 - 2 * g) / n)) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let expnt = 0;
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilf, roundf);
    const pw = i === 1 || i === 2 * n + 1 ? gp : i % 2 ? g2p : g12p;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      const start = j1 - k1;
      const len = j2 - j1 + 1;
      // Only entries [start, start+len) of the full convolution are used.
      const off = k1 - V0s;
      const aLen = Math.min(ln2, npwrs - off);
      const vLen = Math.min(ln2, npwrs);
      let max = 0;
      for (let r = 0; r < len; r++) {
        const idx = start + r;
        let s = 0;
        for (let q = Math.max(0, idx - vLen + 1); q <= Math.min(idx, aLen - 1); q++) s += V0[off + q] * pw[idx - q];
        V1[r] = s;
        if (s > max) max = s;
      }
      if (max > 0 && max < EM128) {
        for (let r = 0; r < V1.length; r++) V1[r] *= E128;
        expnt -= 128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > E128) {
      ans *= EM128;
      expnt += 128;
    }
    ans *= m;
  }
  return ans * 2 ** expnt;
}

/** Pelz–Good asymptotic series for Pr(D_n ≤ x). */
function pelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const pi2 = Math.PI ** 2;
  const pi4 = Math.PI ** 4;
  const pi6 = Math.PI ** 6;
  const sqrt2pi = Math.sqrt(2 * Math.PI);
  const qlog = -pi2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = K[i] * qp + coeffs[i];
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * sqrt2pi) / div[i];
  q = Math.exp(-pi2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const s3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qk = q ** k2;
    k2extra += k2 * qk;
    k3extra += (s3z + Math.PI * k) * (s3z - Math.PI * k) * k2 * qk;
  }
  K[2] += (k2extra * pi2 * sqrt2pi) / (-36 * z3);
  K[3] += (k3extra * pi2 * sqrt2pi) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i] / n ** (i / 2);
  return sum;
}
