import { Cartesian2, Cartesian3, SceneTransforms, type Scene } from 'cesium';

/** One label: where (ECEF, may be moved in place followed by {@link LabelOverlay.invalidate}) and what (`\n` lines). */
export interface OverlayLabel {
  position: Cartesian3;
  text: string;
  /**
   * What a click on the drawn text picks (the id its symbol gives a Cesium pick: a site's or cluster's pick id, a
   * drone's entity), see {@link LabelOverlay.pickAt}; unset: the label is not clickable.
   */
  pick?: unknown;
}

/** How a group of labels looks (sizes in CSS px at scale 1). */
export interface OverlayStyle {
  fontPx: number;
  bold?: boolean;
  /** Text colour (CSS); the outline is black. */
  fill: string;
  outlinePx: number;
  /** The text's bottom line sits this far above the point (0 with `middle`: centred on it). */
  offsetPx: number;
  baseline: 'bottom' | 'middle';
  /** Scale by camera distance: 1 up to `near` m, `farScale` from `far` m, linear between (Cesium's NearFarScalar). */
  near: number;
  far: number;
  farScale: number;
  /** Not drawn beyond this camera distance (m). */
  maxDistance: number;
}

interface Group {
  style: OverlayStyle;
  labels: OverlayLabel[];
  shown: boolean;
}

/**
 * Labels drawn on a 2D canvas over the scene instead of as Cesium labels. With software WebGL every glyph of a Cesium
 * label is a blended SDF quad drawn in two passes each frame — a hundred labels cost more than the rest of the scene
 * (bench/live-frame.bench.ts) — while this canvas is redrawn only when the view or a label changed and is otherwise
 * just composited. Labels stay on top of the scene (as the Cesium labels did, with depth test off); the canvas lets
 * pointer events through to the scene, and the viewer asks {@link LabelOverlay.pickAt} on a click so a click on a
 * label's text picks what the label names. Labels come in named groups (site names, cluster counts, drones).
 */
export class LabelOverlay {
  /** The overlay canvas (placed over the scene's canvas). */
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly groups = new Map<string, Group>();
  private dirty = true;
  private readonly lastView = new Float64Array(16);
  private readonly win = new Cartesian2();
  private readonly toLabel = new Cartesian3();
  /** Redraws done so far. */
  draws = 0;
  /** Text boxes of the clickable labels as last drawn (CSS px, drawing order: later ones on top). */
  private hits: { x0: number; y0: number; x1: number; y1: number; pick: unknown }[] = [];

  /** @param scene the scene whose canvas the overlay covers */
  constructor(private readonly scene: Scene) {
    const c = document.createElement('canvas');
    c.className = 'twin-label-overlay';
    c.setAttribute('aria-hidden', 'true');
    Object.assign(c.style, { position: 'absolute', left: '0', top: '0', width: '100%', height: '100%', pointerEvents: 'none' });
    scene.canvas.insertAdjacentElement('afterend', c);
    this.canvas = c;
    this.ctx = c.getContext('2d');
    scene.postRender.addEventListener(() => this.draw());
  }

  /** Sets (replaces) the labels of a group and its style; drawn at the next rendered frame. */
  setGroup(name: string, style: OverlayStyle, labels: OverlayLabel[]): void {
    const g = this.groups.get(name);
    this.groups.set(name, { style, labels, shown: g?.shown ?? true });
    this.invalidate();
  }

  /** The labels of a group (empty when unknown). */
  group(name: string): readonly OverlayLabel[] {
    return this.groups.get(name)?.labels ?? [];
  }

  /** Shows or hides a group. */
  setGroupVisible(name: string, show: boolean): void {
    const g = this.groups.get(name);
    if (!g || g.shown === show) return;
    g.shown = show;
    this.invalidate();
  }

  /**
   * The `pick` of the clickable label whose drawn text covers a window position (CSS px; the topmost one when labels
   * overlap), or undefined. Uses the boxes of the last drawing, i.e. what the user sees.
   */
  pickAt(x: number, y: number): unknown {
    for (let i = this.hits.length - 1; i >= 0; i--) {
      const b = this.hits[i];
      if (x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1) return b.pick;
    }
    return undefined;
  }

  /** The text boxes of the clickable labels as last drawn (CSS px), bottom-most first. */
  clickableBoxes(): readonly { x0: number; y0: number; x1: number; y1: number; pick: unknown }[] {
    return this.hits;
  }

  /** Redraws at the next rendered frame (a text or position changed). */
  invalidate(): void {
    this.dirty = true;
    this.scene.requestRender();
  }

  /** After each rendered frame: redraws when the view or a label changed, else does nothing. */
  private draw(): void {
    if (!this.ctx) return;
    const camera = this.scene.camera;
    const view = camera.viewMatrix;
    const w = this.scene.canvas.clientWidth;
    const h = this.scene.canvas.clientHeight;
    const dpr = window.devicePixelRatio || 1;
    const pw = Math.round(w * dpr);
    const ph = Math.round(h * dpr);
    let same = !this.dirty && this.canvas.width === pw && this.canvas.height === ph;
    for (let i = 0; i < 16 && same; i++) same = this.lastView[i] === view[i];
    if (same) return;
    this.dirty = false;
    for (let i = 0; i < 16; i++) this.lastView[i] = view[i];
    if (this.canvas.width !== pw || this.canvas.height !== ph) {
      this.canvas.width = pw;
      this.canvas.height = ph;
    }
    this.draws++;
    this.hits = [];
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.textAlign = 'center';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000';
    const eye = camera.positionWC;
    const dir = camera.directionWC;
    let font = '';
    for (const g of this.groups.values()) {
      if (!g.shown || !g.labels.length) continue;
      const st = g.style;
      ctx.textBaseline = st.baseline;
      ctx.fillStyle = st.fill;
      for (const l of g.labels) {
        const d = Cartesian3.subtract(l.position, eye, this.toLabel);
        if (Cartesian3.dot(d, dir) <= 0) continue; // behind the camera
        const dist = Cartesian3.magnitude(d);
        if (dist > st.maxDistance) continue;
        const p = SceneTransforms.worldToWindowCoordinates(this.scene, l.position, this.win);
        if (!p || p.x < -200 || p.y < -50 || p.x > w + 200 || p.y > h + 100) continue;
        const s = dist <= st.near ? 1 : dist >= st.far ? st.farScale : 1 + ((st.farScale - 1) * (dist - st.near)) / (st.far - st.near);
        const f = `${st.bold ? 'bold ' : ''}${(st.fontPx * s).toFixed(1)}px sans-serif`;
        if (f !== font) ctx.font = font = f;
        ctx.lineWidth = st.outlinePx * s;
        const lines = l.text.split('\n');
        const lineH = st.fontPx * 1.2 * s;
        let y = st.baseline === 'middle' ? p.y - ((lines.length - 1) * lineH) / 2 + (lines.length - 1) * lineH : p.y - st.offsetPx;
        const bottom = st.baseline === 'middle' ? y + lineH / 2 : y;
        let half = 0;
        for (let i = lines.length - 1; i >= 0; i--, y -= lineH) {
          ctx.strokeText(lines[i], p.x, y);
          ctx.fillText(lines[i], p.x, y);
          if (l.pick !== undefined) half = Math.max(half, ctx.measureText(lines[i]).width / 2);
        }
        if (l.pick !== undefined) {
          const pad = ctx.lineWidth / 2 + 2;
          this.hits.push({ x0: p.x - half - pad, x1: p.x + half + pad, y0: bottom - lines.length * lineH - pad, y1: bottom + pad, pick: l.pick });
        }
      }
    }
  }
}
