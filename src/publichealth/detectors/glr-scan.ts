/**
 * The window search of the Poisson GLR chart (Höhle & Paul 2008, §3, dir = "inc"):
 * GLR(n) = max_{s ≤ k ≤ n} llr(A_k, B_k), A_k = Σ_{t=k}^{n} y_t, B_k = Σ_{t=k}^{n} μ₀,t, restarting after
 * an alarm. Two exact formulations: every start k (O(n) per period, used for ret = "cases"), and the
 * lower convex hull of the cumulative sums (O(hull) per period, used for the statistic itself).
 */

/**
 * Poisson log-likelihood ratio of an intercept shift κ̂ = max(0, log(A/B)) on a window with A observed
 * and B expected cases: A κ̂ − B(e^κ̂ − 1) (Höhle & Paul 2008, eq. 6, dir = "inc").
 */
export function llr(a: number, b: number): number {
  return a > b ? a * Math.log(a / b) - (a - b) : 0;
}

/** Smallest total T > B with T log(T/B) − T + B = c (Newton from the right on a convex increasing function). */
function totalForAlarm(b: number, c: number): number {
  let t = Math.max(b * Math.E * Math.E, b + c + 1);
  for (let i = 0; i < 100; i++) {
    const next = t - (llr(t, b) - c) / Math.log(t / b);
    if (Math.abs(next - t) <= 1e-12 * t) return next;
    t = next;
  }
  return t;
}

/** One period of the chart: the GLR statistic, the cases that would have raised an alarm, the alarm. */
export interface GlrPoint {
  readonly glr: number;
  /** Smallest count at this period giving GLR ≥ c (only computed by {@link glrScanAllStarts} with `cases`). */
  readonly cases: number;
  readonly alarm: boolean;
}

/**
 * The chart by trying every start k of the current run: O(n − s) per period. `y` and `mu0` are
 * indexed from the first evaluated period.
 */
export function glrScanAllStarts(y: readonly number[], mu0: readonly number[], cARL: number, cases: boolean): GlrPoint[] {
  const out: GlrPoint[] = [];
  let restart = 0; // where the current chart began
  for (let n = 0; n < y.length; n++) {
    let glr = 0;
    let need = Infinity;
    const yn = y[n];
    let before = 0; // Σ y over k..n−1
    let b = 0; // Σ μ₀ over k..n
    for (let k = n; k >= restart; k--) {
      if (k < n) before += y[k];
      b += mu0[k];
      if (cases) need = Math.min(need, totalForAlarm(b, cARL) - before);
      glr = Math.max(glr, llr(before + yn, b));
    }
    const alarm = glr >= cARL;
    out.push({ glr, cases: need, alarm });
    if (alarm) restart = n + 1;
  }
  return out;
}

/**
 * The same statistic from the lower convex hull of the cumulative points Q_j = (Σ_{t<j} μ₀,t, Σ_{t<j} y_t)
 * of the current run. llr(A, B) = sup_{κ≥0} [κA − (e^κ − 1)B] is a supremum of linear functions, so
 * for each κ the best start minimises κ·Q_y − (e^κ − 1)·Q_x over the points, a linear function: its
 * minimum lies on a vertex of the lower hull (the slope (e^κ − 1)/κ ≥ 1). The maximum over k is
 * therefore attained at a hull vertex; points strictly above the hull can never give the maximum.
 * The hull of points with increasing x is kept by Andrew's monotone chain (amortised O(1) per point);
 * for in-control data it has O(log n) vertices. Needs every μ₀ > 0 and finite (the caller checks).
 */
export function glrScanLowerHull(y: readonly number[], mu0: readonly number[], cARL: number): GlrPoint[] {
  const out: GlrPoint[] = [];
  const hx: number[] = [];
  const hy: number[] = [];
  let cx = 0; // Σ μ₀ since the restart, before period n
  let cy = 0; // Σ y since the restart, before period n
  for (let n = 0; n < y.length; n++) {
    // Add Q_n (the start k = n) to the lower hull: drop vertices that no longer turn left.
    let h = hx.length;
    while (h >= 2 && (hx[h - 1] - hx[h - 2]) * (cy - hy[h - 2]) - (hy[h - 1] - hy[h - 2]) * (cx - hx[h - 2]) <= 0) {
      hx.pop();
      hy.pop();
      h--;
    }
    hx.push(cx);
    hy.push(cy);
    const nx = cx + mu0[n];
    const ny = cy + y[n];
    let glr = 0;
    for (let v = 0; v < hx.length; v++) {
      const g = llr(ny - hy[v], nx - hx[v]);
      if (g > glr) glr = g;
    }
    const alarm = glr >= cARL;
    out.push({ glr, cases: NaN, alarm });
    if (alarm) {
      // The chart restarts at n + 1: the cumulative sums start again from 0.
      hx.length = 0;
      hy.length = 0;
      cx = 0;
      cy = 0;
    } else {
      cx = nx;
      cy = ny;
    }
  }
  return out;
}
