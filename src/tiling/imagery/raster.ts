/**
 * A small anti-aliased polygon rasteriser for ground imagery: exact horizontal coverage on several
 * sub-scanlines per pixel row (even-odd within a polygon, summed and clamped across polygons of a layer),
 * and "over" compositing of layer colours into an RGB float buffer.
 */

/** A polygon in pixel coordinates: rings as flat [x0, y0, x1, y1, ...] arrays (outer ring first, then holes). */
export interface PixelPolygon {
  rings: Float64Array[];
  /** Bounding box in pixels. */
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Builds a {@link PixelPolygon} from rings of flat xy arrays. */
export function pixelPolygon(rings: Float64Array[]): PixelPolygon {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const r of rings) {
    for (let i = 0; i < r.length; i += 2) {
      minX = Math.min(minX, r[i]);
      maxX = Math.max(maxX, r[i]);
      minY = Math.min(minY, r[i + 1]);
      maxY = Math.max(maxY, r[i + 1]);
    }
  }
  return { rings, minX, minY, maxX, maxY };
}

/** Coverage accumulation for one layer of a width × height tile. */
export class CoverageBuffer {
  readonly width: number;
  readonly height: number;
  /** Per-pixel coverage, may exceed 1 where polygons overlap (clamped when compositing). */
  readonly cov: Float32Array;
  /** Rows touched since the last clear (inclusive range). */
  rowMin = Infinity;
  rowMax = -Infinity;
  /** Per row: first and one-past-last touched column. */
  readonly colStart: Int32Array;
  readonly colEnd: Int32Array;
  private readonly diff: Float32Array;
  private readonly xs: number[] = [];

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.cov = new Float32Array(width * height);
    this.diff = new Float32Array(width + 2);
    this.colStart = new Int32Array(height).fill(width);
    this.colEnd = new Int32Array(height);
  }

  /** Zeroes the touched pixels. */
  clear(): void {
    for (let r = this.rowMin; r <= this.rowMax; r++) {
      if (this.colEnd[r] > this.colStart[r]) this.cov.fill(0, r * this.width + this.colStart[r], r * this.width + this.colEnd[r]);
      this.colStart[r] = this.width;
      this.colEnd[r] = 0;
    }
    this.rowMin = Infinity;
    this.rowMax = -Infinity;
  }

  /** Adds the coverage of one polygon (even-odd), sampled on `sub` sub-scanlines per pixel row. */
  addPolygon(p: PixelPolygon, sub = 4): void {
    const W = this.width, H = this.height;
    if (p.maxX <= 0 || p.minX >= W || p.maxY <= 0 || p.minY >= H) return;
    const r0 = Math.max(0, Math.floor(p.minY)), r1 = Math.min(H - 1, Math.ceil(p.maxY) - 1);
    const wgt = 1 / sub;
    const diff = this.diff;
    const xs = this.xs;
    for (let row = r0; row <= r1; row++) {
      const c0 = Math.max(0, Math.floor(p.minX)), c1 = Math.min(W, Math.ceil(p.maxX) + 1);
      diff.fill(0, c0, Math.min(W + 2, c1 + 2));
      let any = false;
      // Partial-pixel contributions go straight into the row; full pixels through the difference array.
      const base = row * W;
      for (let s = 0; s < sub; s++) {
        const y = row + (s + 0.5) * wgt;
        if (y < p.minY || y >= p.maxY) continue;
        xs.length = 0;
        for (const ring of p.rings) {
          const n = ring.length;
          for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
            const ya = ring[j + 1], yb = ring[i + 1];
            if ((ya <= y && yb > y) || (yb <= y && ya > y)) {
              const xa = ring[j], xb = ring[i];
              xs.push(xa + ((y - ya) * (xb - xa)) / (yb - ya));
            }
          }
        }
        if (xs.length < 2) continue;
        xs.sort((a, b) => a - b);
        for (let k = 0; k + 1 < xs.length; k += 2) {
          let x0 = xs[k], x1 = xs[k + 1];
          if (x1 <= 0 || x0 >= W) continue;
          x0 = Math.max(0, x0);
          x1 = Math.min(W, x1);
          if (x1 <= x0) continue;
          any = true;
          const i0 = Math.floor(x0), i1 = Math.floor(x1);
          if (i0 === i1) {
            this.cov[base + i0] += (x1 - x0) * wgt;
          } else {
            this.cov[base + i0] += (i0 + 1 - x0) * wgt;
            diff[i0 + 1] += wgt;
            diff[i1] -= wgt;
            if (i1 < W) this.cov[base + i1] += (x1 - i1) * wgt;
          }
        }
      }
      if (!any) continue;
      let run = 0;
      for (let i = c0; i < c1; i++) {
        run += diff[i];
        if (run !== 0) this.cov[base + i] += run;
      }
      if (c0 < this.colStart[row]) this.colStart[row] = c0;
      if (c1 > this.colEnd[row]) this.colEnd[row] = c1;
      if (row < this.rowMin) this.rowMin = row;
      if (row > this.rowMax) this.rowMax = row;
    }
  }
}

/** An RGB float image (0..1 per channel) being painted. */
export class ColorBuffer {
  readonly width: number;
  readonly height: number;
  readonly rgb: Float32Array;

  constructor(width: number, height: number, background: [number, number, number]) {
    this.width = width;
    this.height = height;
    this.rgb = new Float32Array(width * height * 3);
    this.reset(background);
  }

  /** Fills the whole image with one colour. */
  reset(background: [number, number, number]): void {
    const rgb = this.rgb;
    rgb[0] = background[0];
    rgb[1] = background[1];
    rgb[2] = background[2];
    let filled = 3;
    while (filled < rgb.length) {
      const n = Math.min(filled, rgb.length - filled);
      rgb.copyWithin(filled, 0, n);
      filled += n;
    }
  }

  /** Paints `color` over the image with per-pixel alpha = min(1, coverage) · opacity. */
  composite(c: CoverageBuffer, color: [number, number, number], opacity = 1): void {
    const rgb = this.rgb, cov = c.cov;
    for (let r = c.rowMin; r <= c.rowMax; r++) {
      const end = r * this.width + c.colEnd[r];
      for (let i = r * this.width + c.colStart[r]; i < end; i++) {
        const cv = cov[i];
        if (cv <= 0) continue;
        const o = 3 * i;
        if (cv >= 0.9999 && opacity === 1) {
          rgb[o] = color[0];
          rgb[o + 1] = color[1];
          rgb[o + 2] = color[2];
          continue;
        }
        const a = (cv >= 1 ? 1 : cv) * opacity;
        rgb[o] += (color[0] - rgb[o]) * a;
        rgb[o + 1] += (color[1] - rgb[o + 1]) * a;
        rgb[o + 2] += (color[2] - rgb[o + 2]) * a;
      }
    }
  }
}

/** Parses "#rrggbb" to 0..1 floats. */
export function hexColor(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`invalid colour "${hex}" (expected #rrggbb)`);
  return [parseInt(m[1], 16) / 255, parseInt(m[2], 16) / 255, parseInt(m[3], 16) / 255];
}

/** Mixes two colours: a · (1 − t) + b · t. */
export function mixColor(a: [number, number, number], b: [number, number, number], t: number): [number, number, number] {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/**
 * Outline quads of a polyline of width `width` (square caps so consecutive segments overlap at joins),
 * in the polyline's own coordinates, as flat 4-point rings.
 */
export function strokeQuads(points: ArrayLike<number>, width: number, closed: boolean): Float64Array[] {
  const out: Float64Array[] = [];
  const n = points.length / 2;
  const hw = width / 2;
  const segs = closed ? n : n - 1;
  for (let s = 0; s < segs; s++) {
    const ax = points[2 * s], ay = points[2 * s + 1];
    const b = (s + 1) % n;
    const bx = points[2 * b], by = points[2 * b + 1];
    const len = Math.hypot(bx - ax, by - ay);
    if (!(len > 0)) continue;
    const ux = (bx - ax) / len, uy = (by - ay) / len;
    const nx = -uy * hw, ny = ux * hw;
    const ex = ux * hw, ey = uy * hw;
    out.push(Float64Array.of(ax - ex + nx, ay - ey + ny, bx + ex + nx, by + ey + ny, bx + ex - nx, by + ey - ny, ax - ex - nx, ay - ey - ny));
  }
  return out;
}

/** Splits a polyline into dashes of `dash` length separated by `gap` (flat xy arrays). */
export function dashPolyline(points: ArrayLike<number>, dash: number, gap: number): Float64Array[] {
  const out: Float64Array[] = [];
  let cur: number[] = [];
  let onDash = true;
  let left = dash;
  for (let i = 0; i + 3 < points.length; i += 2) {
    let ax = points[i], ay = points[i + 1];
    const bx = points[i + 2], by = points[i + 3];
    let len = Math.hypot(bx - ax, by - ay);
    if (onDash && cur.length === 0) cur.push(ax, ay);
    while (len > 0) {
      const step = Math.min(left, len);
      const t = step / len;
      const nx = ax + (bx - ax) * t, ny = ay + (by - ay) * t;
      if (onDash) cur.push(nx, ny);
      ax = nx;
      ay = ny;
      len -= step;
      left -= step;
      if (left <= 1e-12) {
        if (onDash) {
          if (cur.length >= 4) out.push(Float64Array.from(cur));
          cur = [];
        } else cur = [ax, ay];
        onDash = !onDash;
        left = onDash ? dash : gap;
      }
    }
  }
  if (onDash && cur.length >= 4) out.push(Float64Array.from(cur));
  return out;
}
