/**
 * Builds 3D Tiles style JSON (the declarative Cesium3DTileStyle language) from what the user chose: colour by an
 * attribute (numeric ramp or categories), opacity, the selected feature, hidden feature ids and an isolated storey.
 * Pure: no Cesium import, so it is unit-tested in Node; the viewer passes the result to `new Cesium3DTileStyle(json)`.
 */
import type { LegendEntry } from '../../core/scene/catalog.js';

/** One legend row: a colour and its label (already in the UI language, or a value). */
export interface LegendClass {
  color: string;
  label: string;
  /** Numeric class bounds [min, max) (the last class includes max). */
  range?: [number, number];
  /** Category value matched. */
  value?: string;
}

/** What the style is built from. */
export interface StyleInput {
  /** Feature property holding the id (e.g. "id"). */
  idProperty: string;
  /** 0..1 */
  opacity: number;
  /** Colour classes from `numericClasses`/`categoryClasses`, with the attribute they apply to; null = own colours. */
  colorBy: { attribute: string; kind: 'numeric' | 'category'; classes: LegendClass[] } | null;
  /** Id of the selected feature, highlighted. */
  selectedId: string | null;
  /** Feature ids to hide (e.g. replaced by a BIM model). */
  hiddenIds: string[];
  /** Show only features whose `property` equals `value` (BIM storey isolation). */
  isolate: { property: string; value: string } | null;
  /** Extra colour conditions from tools (e.g. flooded buildings), applied after the selection, before the classes. */
  extraConditions?: [string, string][];
}

/** The 3D Tiles style JSON; a part is left out when it would not change anything. */
export interface StyleJson {
  show?: string;
  color?: { conditions: [string, string][] };
}

/** Highlight colour of the selected feature. */
export const HIGHLIGHT_COLOR = '#ff2fd0';

/** A sequential ramp (dark blue → yellow), 6 classes. */
export const NUMERIC_RAMP = ['#2b5b9e', '#2f8fb8', '#35b7a0', '#8fd16a', '#e8d84e', '#f29a3a'];

/** A categorical palette for attributes without a legend. */
export const CATEGORY_PALETTE = ['#6aa6e8', '#e8706a', '#f2d16b', '#7fcf7a', '#a58bd6', '#5fd3c9', '#f29bd0', '#c9a36a', '#9aa5b1', '#e89a4e'];

/** Quotes a string as a style-language literal. */
export function literal(s: string): string {
  return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

/** A property reference `${name}` (names with odd characters use `feature['name']`). */
export function prop(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? '${' + name + '}' : `\${feature[${literal(name)}]}`;
}

/** A colour literal with alpha. */
function colorExpr(hex: string, alpha: number): string {
  return `color(${literal(hex)}, ${Number(alpha.toFixed(3))})`;
}

/** Rounds a class bound for display. */
function nice(v: number): number {
  const mag = Math.abs(v);
  return mag >= 100 ? Math.round(v) : mag >= 1 ? Math.round(v * 10) / 10 : Math.round(v * 1000) / 1000;
}

/**
 * Equal-interval numeric classes over [min, max] (ramp colours). A constant attribute gives one class.
 * Throws when min/max are not finite (no values seen).
 */
export function numericClasses(min: number, max: number, ramp: string[] = NUMERIC_RAMP): LegendClass[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new Error('numericClasses: no numeric values to classify');
  if (max <= min) return [{ color: ramp[0], label: `${nice(min)}`, range: [min, max] }];
  const n = ramp.length;
  const step = (max - min) / n;
  return ramp.map((color, i) => {
    const lo = min + step * i;
    const hi = i === n - 1 ? max : min + step * (i + 1);
    return { color, label: `${nice(lo)} – ${nice(hi)}`, range: [lo, hi] as [number, number] };
  });
}

/**
 * Quantile numeric classes: breaks at equal shares of the values, so each ramp colour covers about as many features
 * (heights of a city are skewed: equal intervals would paint most buildings one colour). Repeated breaks merge.
 * Throws when there are no finite values.
 */
export function quantileClasses(values: number[], ramp: string[] = NUMERIC_RAMP): LegendClass[] {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) throw new Error('quantileClasses: no numeric values to classify');
  const min = v[0];
  const max = v[v.length - 1];
  if (max === min) return [{ color: ramp[0], label: `${nice(min)}`, range: [min, max] }];
  const n = ramp.length;
  const breaks: number[] = [min];
  for (let i = 1; i < n; i++) {
    const b = v[Math.floor((i * v.length) / n)];
    if (b > breaks[breaks.length - 1] && b < max) breaks.push(b);
  }
  breaks.push(max);
  const k = breaks.length - 1;
  // Spread the ramp over the classes that remain.
  return Array.from({ length: k }, (_, i) => {
    const color = ramp[k === 1 ? 0 : Math.round((i * (n - 1)) / (k - 1))];
    return { color, label: `${nice(breaks[i])} – ${nice(breaks[i + 1])}`, range: [breaks[i], breaks[i + 1]] as [number, number] };
  });
}

/**
 * Category classes: values that match a legend entry (by its zh or en label) take its colour; others get palette
 * colours in sorted order. `lang` picks the label shown.
 */
export function categoryClasses(values: string[], legend: LegendEntry[] | undefined, lang: 'zh' | 'en'): LegendClass[] {
  const distinct = [...new Set(values)].sort();
  const out: LegendClass[] = [];
  const used = new Set<string>();
  let next = 0;
  for (const entry of legend ?? []) {
    const v = distinct.find((d) => d === entry.label.zh || d === entry.label.en);
    if (v !== undefined) {
      out.push({ color: entry.color, label: entry.label[lang], value: v });
      used.add(v);
    }
  }
  for (const v of distinct) {
    if (used.has(v)) continue;
    out.push({ color: CATEGORY_PALETTE[next++ % CATEGORY_PALETTE.length], label: v, value: v });
  }
  return out;
}

/**
 * Builds the style JSON. Order of colour conditions: selection first, then classes, then the default. Returns null
 * when the style would change nothing (no colour, opacity 1, nothing hidden): styling every feature costs load time.
 */
export function buildStyleJson(input: StyleInput): StyleJson | null {
  const a = Math.min(1, Math.max(0, input.opacity));
  const id = prop(input.idProperty);
  const conditions: [string, string][] = [];
  if (input.selectedId !== null) conditions.push([`${id} === ${literal(input.selectedId)}`, colorExpr(HIGHLIGHT_COLOR, a)]);
  for (const c of input.extraConditions ?? []) conditions.push(c);
  if (input.colorBy) {
    const p = prop(input.colorBy.attribute);
    if (input.colorBy.kind === 'numeric') {
      const cls = input.colorBy.classes;
      // Walk from the top class down so each condition needs one comparison.
      for (let i = cls.length - 1; i >= 1; i--) {
        const lo = cls[i].range?.[0];
        if (lo === undefined) continue;
        conditions.push([`${p} >= ${lo}`, colorExpr(cls[i].color, a)]);
      }
      if (cls.length) conditions.push([`${p} !== undefined && ${p} !== null`, colorExpr(cls[0].color, a)]);
    } else {
      for (const c of input.colorBy.classes) {
        if (c.value !== undefined) conditions.push([`${p} === ${literal(c.value)}`, colorExpr(c.color, a)]);
      }
    }
  }
  conditions.push(['true', colorExpr('#ffffff', a)]);

  const shows: string[] = [];
  if (input.hiddenIds.length) shows.push(input.hiddenIds.map((h) => `${id} !== ${literal(h)}`).join(' && '));
  if (input.isolate) shows.push(`${prop(input.isolate.property)} === ${literal(input.isolate.value)}`);
  const out: StyleJson = {};
  if (shows.length) out.show = shows.map((s) => `(${s})`).join(' && ');
  if (conditions.length > 1 || a < 1) out.color = { conditions };
  return out.show === undefined && out.color === undefined ? null : out;
}
