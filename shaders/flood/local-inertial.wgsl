// 2D flood engine on the GPU: the local inertial scheme of src/core/flood/simulation.ts (Bates et al. 2010 with
// the θ-weighted flux of de Almeida et al. 2012, implicit or semi-implicit Manning friction, outflow limiting,
// free / level boundaries, rain, point inflows) in f32. Driven by src/viewer/flood/gpu/GpuFloodSimulation.ts.
//
// f32 design (see that file's doc comment): depths, not levels, are stored; a face's flow depth and surface slope
// are formed from depth differences plus the bed difference (exact for neighbouring beds), so a lake at rest stays
// at rest to depth rounding; the update is in flux form with each face's final value written once and read by both
// cells, so water is conserved to f32 rounding of the depths. The time step lives on the GPU: `control` reduces
// the per-workgroup maxima of the last step and writes the step's constants (Δt, rain, boundary levels, inflow
// volumes), which the host copies into the uniform `S` before the other passes of the step. No read-back per step.
//
// Buffers: q / qN hold the x-faces ((ncols+1)·nrows, positive east) followed by the y-faces (ncols·(nrows+1),
// positive south). `q` = final faces of the last step (old values), `qN` = new faces before outflow limiting.

struct Params {
  ncols: u32,
  nrows: u32,
  wgx: u32,          // workgroups along x of the cell passes
  nPartF: u32,       // umax partials (one per face workgroup)
  nPartC: u32,       // hmax partials (one per continuity workgroup; one more slot for the inflow pass)
  nInflow: u32,
  offIn: u32,        // ctl offsets: inflow depths, umax partials, hmax partials, boundary books, Δt log
  offU: u32,
  offH: u32,
  offBooks: u32,
  offLog: u32,
  velocityRule: u32, // 1: Δt = c/(|u|max + √(g·h_max)), 0: c/√(g·h_max)
  implicit: u32,     // 1: implicit friction, 0: semi-implicit (Bates et al. 2010)
  rainMode: u32,     // 0 none, 1 constant, 2 hyetograph (series 0)
  rainGridOn: u32,   // 1: rain grid (m/s per cell) added
  fusedSteps: u32,  // steps per dispatch of `fused`
  dx: f32,
  theta: f32,
  w: f32,            // (1 − θ)/2
  hMin: f32,
  g: f32,
  dtCoef: f32,       // α·√θ·Δx
  maxDt: f32,
  arrivalDepth: f32,
  limitKeep: f32,
  rainConst: f32,    // m/s
  untilRel: f32,     // target time − batch base (s)
  timeBase: f32,     // batch base time (s), for arrival times
  sideType: vec4<u32>,  // north, south, east, west: 0 closed, 1 free, 2 level
  sideSlope: vec4<f32>, // free: the given slope, 0 = from the terrain
  sideZmin: vec4<f32>,  // level: lowest bed of the side's cells
};

// Constants of one step, written by `control` into ctl[0..16) and copied by the host into this uniform.
struct Step {
  dt: f32,
  t1: f32,        // end of the step, relative to the batch base
  rainUni: f32,   // rain depth of the step on every active cell (m)
  rainSure: f32,  // rain that surely falls this step (m), for limiting
  k: f32,         // Δt/Δx
  gdt: f32,
  gdtdx: f32,
  on: f32,        // 0: no step (target reached): every pass returns at once
  level: vec4<f32>, // level boundaries at mid-step (north, south, east, west)
  arrT: f32,      // absolute end time of the step (arrival times)
  p0: f32,
  p1: f32,
  p2: f32,
};

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<uniform> S: Step;
@group(0) @binding(2) var<storage, read_write> ctl: array<f32>;
@group(0) @binding(3) var<storage, read> zn: array<vec2<f32>>;   // bed (1e30 = wall), Manning n² per cell
@group(0) @binding(4) var<storage, read_write> h: array<f32>;
@group(0) @binding(5) var<storage, read_write> q: array<f32>;
@group(0) @binding(6) var<storage, read_write> qN: array<f32>;
@group(0) @binding(7) var<storage, read_write> fac: array<f32>;
@group(0) @binding(8) var<storage, read_write> mx: array<vec2<f32>>; // max depth, arrival time (−1 = never)
@group(0) @binding(9) var<storage, read> rain: array<f32>;          // m/s per cell (rain grid)
// Series: descriptors (offset, count as u32 bits) of rain, 4 level sides, the inflows; then one entry per inflow
// (its cell as u32 bits, 0); then the points (t relative to the batch base, v).
@group(0) @binding(10) var<storage, read> series: array<vec2<f32>>;

const WALL: f32 = 1e29;

// This invocation's copy of the step constants (from the uniform S, or from `fused`'s workgroup copy).
var<private> st: Step;
var<workgroup> wst: Step;
var<workgroup> wOn: u32;
const WG: u32 = 256u;

var<workgroup> red: array<f32, 256>;
var<workgroup> red2: array<f32, 256>;
var<workgroup> wmax: atomic<u32>;

// ---------------------------------------------------------------- time series (piecewise linear, ends held)

fn seriesAt(s: u32, i: u32) -> vec2<f32> {
  let d = series[s];
  return series[bitcast<u32>(d.x) + i];
}

fn seriesCount(s: u32) -> u32 {
  return bitcast<u32>(series[s].y);
}

/** Index of the last point with t ≤ time (0 when time is before the first point). */
fn seriesFind(s: u32, time: f32) -> u32 {
  var lo = 0u;
  var hi = seriesCount(s) - 1u;
  if (time <= seriesAt(s, 0u).x) { return 0u; }
  if (time >= seriesAt(s, hi).x) { return hi; }
  loop {
    if (hi - lo <= 1u) { break; }
    let mid = (lo + hi) / 2u;
    if (seriesAt(s, mid).x <= time) { lo = mid; } else { hi = mid; }
  }
  return lo;
}

fn sampleSeries(s: u32, time: f32) -> f32 {
  let n = seriesCount(s);
  let first = seriesAt(s, 0u);
  if (time <= first.x) { return first.y; }
  let last = seriesAt(s, n - 1u);
  if (time >= last.x) { return last.y; }
  let lo = seriesFind(s, time);
  let a = seriesAt(s, lo);
  let b = seriesAt(s, lo + 1u);
  return a.y + (time - a.x) / (b.x - a.x) * (b.y - a.y);
}

/** Exact integral of the series over [a, b] (trapezoids over the breakpoints inside). */
fn integrateSeries(s: u32, a: f32, b: f32) -> f32 {
  if (b <= a) { return 0.0; }
  let n = seriesCount(s);
  var sum = 0.0;
  var prevT = a;
  var prevV = sampleSeries(s, a);
  var i = seriesFind(s, a);
  loop {
    if (i >= n) { break; }
    let p = seriesAt(s, i);
    if (p.x >= b) { break; }
    if (p.x > a) {
      sum += 0.5 * (prevV + p.y) * (p.x - prevT);
      prevT = p.x;
      prevV = p.y;
    }
    i += 1u;
  }
  sum += 0.5 * (prevV + sampleSeries(s, b)) * (b - prevT);
  return sum;
}

// ---------------------------------------------------------------- reductions

/** Max of the partials ctl[off .. off+count) over the workgroup (every thread gets it). */
fn reduceMax(li: u32, off: u32, count: u32) -> f32 {
  var m = 0.0;
  for (var j = li; j < count; j += WG) { m = max(m, ctl[off + j]); }
  red[li] = m;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s /= 2u) {
    if (li < s) { red[li] = max(red[li], red[li + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

/**
 * Workgroup max of v (clamped to ≥ 0, so the u32 bit patterns order like the values; NaN stays the largest) written
 * to ctl[at] by thread 0; all threads must call it. One atomic per thread and two barriers.
 */
fn storeMax(li: u32, v: f32, at: u32) {
  if (li == 0u) { atomicStore(&wmax, 0u); }
  workgroupBarrier();
  atomicMax(&wmax, bitcast<u32>(max(v, 0.0)));
  workgroupBarrier();
  if (li == 0u) { ctl[at] = bitcast<f32>(atomicLoad(&wmax)); }
}

// ---------------------------------------------------------------- control: Δt and the step's constants

/**
 * Sets the next step from the last step's maxima (one thread): Δt by the CPU engine's rule, clipped to the target;
 * logs Δt and advances the batch clock. ctl[0..16) the step constants (layout of `Step`), ctl[16] batch clock,
 * ctl[17] steps in the batch, ctl[18] h_max, ctl[19] |u|max, ctl[20] last Δt. Returns whether a step was set.
 */
fn controlStep(umax: f32, hmaxCells: f32) -> bool {
  var hmax = hmaxCells;
  ctl[18] = hmax;
  ctl[19] = umax;
  let t0 = ctl[16];
  // A level boundary can bring deeper water than any cell holds.
  for (var s = 0u; s < 4u; s++) {
    if (P.sideType[s] == 2u) { hmax = max(hmax, sampleSeries(1u + s, t0) - P.sideZmin[s]); }
  }
  let c = sqrt(P.g * hmax);
  let speed = select(c, umax + c, P.velocityRule == 1u);
  var dt = P.maxDt;
  if (speed > 0.0) { dt = min(P.maxDt, P.dtCoef / speed); }
  let rem = P.untilRel - t0;
  if (!(rem > 4e-7 * max(1.0, abs(P.untilRel)))) {
    // Target reached (or only f32 rounding residue left): no step; the clock lands on the target.
    ctl[0] = 0.0;
    ctl[7] = 0.0;
    ctl[16] = P.untilRel;
    return false;
  }
  var t1 = t0 + dt;
  if (dt >= rem) {
    dt = rem;
    t1 = P.untilRel;
  }
  ctl[0] = dt;
  ctl[1] = t1;
  var rainUni = 0.0;
  var rainSure = 0.0;
  if (P.rainMode == 1u) {
    rainSure = P.rainConst * dt;
    rainUni = rainSure;
  } else if (P.rainMode == 2u) {
    rainUni = integrateSeries(0u, t0, t1) / 3.6e6;
  }
  ctl[2] = rainUni;
  ctl[3] = rainSure;
  ctl[4] = dt / P.dx;
  ctl[5] = P.g * dt;
  ctl[6] = P.g * dt / P.dx;
  ctl[7] = 1.0;
  let tMid = t0 + 0.5 * dt;
  for (var s = 0u; s < 4u; s++) {
    ctl[8u + s] = select(0.0, sampleSeries(1u + s, tMid), P.sideType[s] == 2u);
  }
  ctl[12] = P.timeBase + t1;
  let A = P.dx * P.dx;
  for (var j = 0u; j < P.nInflow; j++) {
    ctl[P.offIn + j] = integrateSeries(5u + j, t0, t1) / A;
  }
  let n = u32(ctl[17]);
  ctl[P.offLog + n] = dt;
  ctl[17] = f32(n + 1u);
  ctl[16] = t1;
  ctl[20] = dt;
  return true;
}

/** One workgroup: reduces the last step's per-workgroup maxima, then sets the next step. */
@compute @workgroup_size(256)
fn control(@builtin(local_invocation_index) li: u32) {
  let umax = reduceMax(li, P.offU, P.nPartF);
  let hmax = reduceMax(li, P.offH, P.nPartC + 1u);
  if (li == 0u) { _ = controlStep(umax, hmax); }
}

/** Reduces the maxima of the last step into ctl[18] (h_max) and ctl[19] (|u|max) for the read-back. */
@compute @workgroup_size(256)
fn finish(@builtin(local_invocation_index) li: u32) {
  let umax = reduceMax(li, P.offU, P.nPartF);
  let hmax = reduceMax(li, P.offH, P.nPartC + 1u);
  if (li == 0u) {
    ctl[18] = hmax;
    ctl[19] = umax;
  }
}

// ---------------------------------------------------------------- faces

/**
 * New discharge of an interior face between cells a and b (b east or south of a): `qOld` its old value, `qNb`
 * the sum of the old values of its two neighbours along the flow direction. Returns (q', |q'|/h_f).
 */
fn interiorFace(qOld: f32, qNb: f32, a: u32, b: u32) -> vec2<f32> {
  let A = zn[a];
  let B = zn[b];
  let ha = h[a];
  let hb = h[b];
  // Depth form: zm = max(za, zb); flow depth = max(ηa, ηb) − zm and slope ηb − ηa from depth and bed differences.
  let zm = max(A.x, B.x);
  let hf = max(ha + (A.x - zm), hb + (B.x - zm));
  if (!(hf > P.hMin)) { return vec2<f32>(0.0, 0.0); }
  let deta = (B.x - A.x) + (hb - ha);
  let ir = exp2(log2(hf) * (-1.0 / 3.0)); // h_f^(−1/3)
  let Bq = P.theta * qOld + P.w * qNb - st.gdtdx * hf * deta;
  let G = st.gdt * 0.5 * (A.y + B.y) * ir;
  var qn: f32;
  if (P.implicit == 1u) {
    qn = (2.0 * Bq * hf) / (hf + sqrt(hf * hf + 4.0 * G * abs(Bq)));
  } else {
    qn = (Bq * hf * hf) / (hf * hf + G * abs(qOld));
  }
  return vec2<f32>(qn, abs(qn) / hf);
}

/**
 * New discharge of a boundary face of side s (0 north, 1 south, 2 east, 3 west) at cell i with inner neighbour
 * `inner` (or −1), old face value `qFace`, outward sign. Returns (q', |q'|/h_f of level faces).
 */
fn boundaryFace(s: u32, i: u32, inner: i32, qFace: f32, outSign: f32) -> vec2<f32> {
  let t = P.sideType[s];
  if (t == 0u) { return vec2<f32>(0.0, 0.0); }
  let Z = zn[i];
  if (Z.x >= WALL) { return vec2<f32>(0.0, 0.0); }
  let hi = h[i];
  var qOut = 0.0;
  var u = 0.0;
  if (t == 1u) {
    if (hi > P.hMin) {
      var Sl = P.sideSlope[s];
      if (Sl == 0.0 && inner >= 0) {
        let Zi = zn[u32(inner)];
        if (Zi.x < WALL) {
          let dz = Zi.x - Z.x;
          let bed = dz / P.dx;
          let surf = (dz + h[u32(inner)] - hi) / P.dx;
          Sl = max(bed, surf);
        }
      }
      if (Sl > 0.0) {
        qOut = exp2(log2(hi) * (5.0 / 3.0)) * sqrt(Sl) / sqrt(Z.y);
      } else {
        qOut = hi * sqrt(P.g * hi);
      }
    }
  } else {
    // level: a ghost cell outside with water level L and bed z_i.
    let dl = st.level[s] - Z.x; // L − z_i
    let hf = max(hi, dl);
    if (hf > P.hMin) {
      let qOld = outSign * qFace;
      let Bq = qOld - P.g * hf * st.dt * (dl - hi) / P.dx;
      let cf = P.g * st.dt * Z.y / exp2(log2(hf) * (7.0 / 3.0));
      if (P.implicit == 1u) {
        qOut = 2.0 * Bq / (1.0 + sqrt(1.0 + 4.0 * cf * abs(Bq)));
      } else {
        qOut = Bq / (1.0 + cf * abs(qOld));
      }
      u = abs(qOut) / hf;
    }
  }
  return vec2<f32>(outSign * qOut, u);
}

/** Cell (c, r): new values of its west and north faces (and the east / south boundary faces of the last column / row). Returns max |q|/h_f. */
fn faceCell(c: u32, r: u32) -> f32 {
  let nc = P.ncols;
  let nr = P.nrows;
  let i = r * nc + c;
  let nx1 = nc + 1u;
  let QY = nx1 * nr;
  var um = 0.0;
  // west x-face
  let fx = r * nx1 + c;
  var f: vec2<f32>;
  if (c == 0u) {
    f = boundaryFace(3u, i, select(-1, i32(i + 1u), nc > 1u), q[fx], -1.0);
  } else {
    f = interiorFace(q[fx], q[fx - 1u] + q[fx + 1u], i - 1u, i);
  }
  qN[fx] = f.x;
  um = max(um, f.y);
  if (c == nc - 1u) {
    f = boundaryFace(2u, i, select(-1, i32(i) - 1, nc > 1u), q[fx + 1u], 1.0);
    qN[fx + 1u] = f.x;
    um = max(um, f.y);
  }
  // north y-face
  let fy = QY + r * nc + c;
  if (r == 0u) {
    f = boundaryFace(0u, i, select(-1, i32(i + nc), nr > 1u), q[fy], -1.0);
  } else {
    f = interiorFace(q[fy], q[fy - nc] + q[fy + nc], i - nc, i);
  }
  qN[fy] = f.x;
  um = max(um, f.y);
  if (r == nr - 1u) {
    f = boundaryFace(1u, i, select(-1, i32(i) - i32(nc), nr > 1u), q[fy + nc], 1.0);
    qN[fy + nc] = f.x;
    um = max(um, f.y);
  }
  return um;
}

/** One thread per cell: `faceCell`; per-workgroup max |q|/h_f. */
@compute @workgroup_size(8, 8)
fn faces(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  if (S.on == 0.0) { return; }
  st = S;
  var um = 0.0;
  if (gid.x < P.ncols && gid.y < P.nrows) { um = faceCell(gid.x, gid.y); }
  storeMax(li, um, P.offU + wid.y * P.wgx + wid.x);
}

// ---------------------------------------------------------------- outflow limiting

/** Cell (c, r): the factor of its outgoing faces (1 unless it would lose more than it holds). */
fn limitCell(c: u32, r: u32) {
  let nc = P.ncols;
  let i = r * nc + c;
  let fx = r * (nc + 1u) + c;
  let fy = (nc + 1u) * P.nrows + r * nc + c;
  let qW = qN[fx];
  let qE = qN[fx + 1u];
  let qNo = qN[fy];
  let qS = qN[fy + nc];
  let outq = max(qE, 0.0) - min(qW, 0.0) + max(qS, 0.0) - min(qNo, 0.0);
  var f = 1.0;
  if (outq != 0.0) {
    let avail = h[i] + st.rainSure;
    let loss = outq * st.k;
    if (loss > avail) { f = (avail / loss) * P.limitKeep; }
  }
  fac[i] = f;
}

/** One thread per cell: `limitCell`. */
@compute @workgroup_size(8, 8)
fn limit(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (S.on == 0.0) { return; }
  st = S;
  if (gid.x < P.ncols && gid.y < P.nrows) { limitCell(gid.x, gid.y); }
}

// ---------------------------------------------------------------- continuity

/** Adds q·Δt·Δx of boundary face `b` to the out (q > 0) or in books. */
fn book(b: u32, qOut: f32) {
  let v = qOut * st.dt * P.dx;
  let at = P.offBooks + 2u * b;
  if (v > 0.0) { ctl[at] += v; } else if (v < 0.0) { ctl[at + 1u] -= v; }
}

/**
 * Cell (c, r): final (limited) values of its west and north faces — each face is scaled by its donor's factor, so
 * both cells see the same value — written to `q`; new depth from the flux divergence and the rain; max depth,
 * arrival time, boundary books. Returns the cell's new depth (0 for walls).
 */
fn continuityCell(c: u32, r: u32) -> f32 {
  let nc = P.ncols;
  let nr = P.nrows;
  let i = r * nc + c;
  let fx = r * (nc + 1u) + c;
  let QY = (nc + 1u) * nr;
  let fy = QY + r * nc + c;
  let fi = fac[i];
  var qW = qN[fx];
  var qE = qN[fx + 1u];
  var qNo = qN[fy];
  var qS = qN[fy + nc];
  // Donors: a face flowing east / south is scaled by the cell west / north of it, else by the other one.
  if (qW > 0.0) { if (c > 0u) { qW *= fac[i - 1u]; } } else { qW *= fi; }
  if (qE < 0.0) { if (c + 1u < nc) { qE *= fac[i + 1u]; } } else { qE *= fi; }
  if (qNo > 0.0) { if (r > 0u) { qNo *= fac[i - nc]; } } else { qNo *= fi; }
  if (qS < 0.0) { if (r + 1u < nr) { qS *= fac[i + nc]; } } else { qS *= fi; }
  q[fx] = qW;
  q[fy] = qNo;
  if (c == nc - 1u) { q[fx + 1u] = qE; }
  if (r == nr - 1u) { q[fy + nc] = qS; }
  // Books of the boundary faces (north, south, west, east; outward positive).
  if (r == 0u && P.sideType[0] != 0u) { book(c, -qNo); }
  if (r == nr - 1u && P.sideType[1] != 0u) { book(nc + c, qS); }
  if (c == 0u && P.sideType[3] != 0u) { book(2u * nc + r, -qW); }
  if (c == nc - 1u && P.sideType[2] != 0u) { book(2u * nc + nr + r, qE); }
  if (zn[i].x >= WALL) { return 0.0; }
  var src = st.rainUni;
  if (P.rainGridOn == 1u) { src += rain[i] * st.dt; }
  let div = qW - qE + qNo - qS;
  let hOld = h[i];
  if (div == 0.0 && src == 0.0) { return hOld; }
  let hs = hOld + src + st.k * div;
  h[i] = hs;
  var m = mx[i];
  if (hs > m.x) {
    m.x = hs;
    if (hs >= P.arrivalDepth && m.y < 0.0) { m.y = st.arrT; }
    mx[i] = m;
  }
  return hs;
}

/** One thread per cell: `continuityCell`; per-workgroup max depth. */
@compute @workgroup_size(8, 8)
fn continuity(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  if (S.on == 0.0) { return; }
  st = S;
  var hm = 0.0;
  if (gid.x < P.ncols && gid.y < P.nrows) { hm = continuityCell(gid.x, gid.y); }
  storeMax(li, hm, P.offH + wid.y * P.wgx + wid.x);
}

// ---------------------------------------------------------------- point inflows

/** The step's inflow volumes into their cells (after continuity, as on the CPU); returns their largest depth. */
fn inflowCells() -> f32 {
  var hm = 0.0;
  for (var j = 0u; j < P.nInflow; j++) {
    let i = bitcast<u32>(series[5u + P.nInflow + j].x);
    let d = ctl[P.offIn + j];
    let hs = h[i] + d;
    h[i] = hs;
    hm = max(hm, hs);
    var m = mx[i];
    if (hs > m.x) {
      m.x = hs;
      if (hs >= P.arrivalDepth && m.y < 0.0) { m.y = st.arrT; }
      mx[i] = m;
    }
  }
  return hm;
}

/** One thread: `inflowCells`, into the last h_max slot. */
@compute @workgroup_size(1)
fn inflows() {
  if (S.on == 0.0) { return; }
  st = S;
  ctl[P.offH + P.nPartC] = inflowCells();
}

// ---------------------------------------------------------------- all passes in one workgroup (small grids)

/**
 * Small grids, where a dispatch costs more than its work: one workgroup runs `P.fusedSteps` whole steps (control,
 * faces, limiting, continuity, inflows) in one dispatch, the cells strided over its 256 threads, with storage
 * barriers between the passes. Same cell functions, same results as the separate passes. Leaves its maxima in
 * partial slot 0 (the host sets nPartF = nPartC = 1).
 */
@compute @workgroup_size(256)
fn fused(@builtin(local_invocation_index) li: u32) {
  let n = P.ncols * P.nrows;
  for (var s = 0u; s < P.fusedSteps; s++) {
    if (li == 0u) {
      let on = controlStep(ctl[P.offU], max(ctl[P.offH], ctl[P.offH + 1u]));
      wOn = select(0u, 1u, on);
      wst = Step(ctl[0], ctl[1], ctl[2], ctl[3], ctl[4], ctl[5], ctl[6], ctl[7], vec4<f32>(ctl[8], ctl[9], ctl[10], ctl[11]), ctl[12], 0.0, 0.0, 0.0);
    }
    if (workgroupUniformLoad(&wOn) == 0u) { break; }
    st = wst;
    var um = 0.0;
    for (var i = li; i < n; i += WG) { um = max(um, faceCell(i % P.ncols, i / P.ncols)); }
    storageBarrier();
    for (var i = li; i < n; i += WG) { limitCell(i % P.ncols, i / P.ncols); }
    storageBarrier();
    var hm = 0.0;
    for (var i = li; i < n; i += WG) { hm = max(hm, continuityCell(i % P.ncols, i / P.ncols)); }
    storageBarrier();
    red[li] = um;
    red2[li] = hm;
    workgroupBarrier();
    for (var k = WG / 2u; k > 0u; k /= 2u) {
      if (li < k) {
        red[li] = max(red[li], red[li + k]);
        red2[li] = max(red2[li], red2[li + k]);
      }
      workgroupBarrier();
    }
    if (li == 0u) {
      ctl[P.offU] = red[0];
      ctl[P.offH] = red2[0];
      if (P.nInflow > 0u) { ctl[P.offH + 1u] = inflowCells(); }
    }
    storageBarrier();
  }
}
