/**
 * Alarm states of live sensor values from per-property thresholds in a site's (or datastream's) properties.
 * Pure TypeScript.
 *
 * Accepted forms, first match wins:
 * - `thresholds: { <property>: { warning, alarm, direction? } }` (object or JSON text) — per observed property;
 * - `thresholds: "warning,alarm"` — two numbers, rising (direction from `direction`, default 'above');
 * - flat `warning`, `alarm` and `direction` ('above' = higher is worse, 'below' = lower is worse).
 */

/** Severity of a value. `unknown` = no value, not a number, or no thresholds. */
export type AlarmState = 'normal' | 'warning' | 'alarm' | 'unknown';

/** Thresholds of one property. */
export interface Thresholds {
  /** Value at which the state becomes 'warning'. */
  warning?: number;
  /** Value at which the state becomes 'alarm'. */
  alarm?: number;
  /** 'above' (default): values at or above the thresholds are bad; 'below': values at or below are bad. */
  direction: 'above' | 'below';
}

/** Severity order, lowest first (for sorting alarm lists). */
export const ALARM_RANK: Record<AlarmState, number> = { unknown: 0, normal: 1, warning: 2, alarm: 3 };

const num = (v: unknown): number | undefined => {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

const dir = (v: unknown): 'above' | 'below' => (String(v ?? '').toLowerCase() === 'below' ? 'below' : 'above');

/**
 * Reads the thresholds of `property` from a property bag. Returns null when there are none. Throws an Error naming
 * the field when `thresholds` is present but malformed (bad JSON, not numbers).
 */
export function thresholdsOf(props: Record<string, unknown>, property?: string): Thresholds | null {
  const direction = dir(props.direction);
  let t = props.thresholds;
  if (typeof t === 'string' && t.trim().startsWith('{')) {
    try {
      t = JSON.parse(t);
    } catch {
      throw new Error(`properties.thresholds: not valid JSON: '${t}'`);
    }
  }
  if (typeof t === 'string' && t.trim() !== '') {
    const parts = t.split(',').map((x) => Number(x.trim()));
    if (parts.length !== 2 || !parts.every(Number.isFinite)) throw new Error(`properties.thresholds: expected 'warning,alarm' numbers, got '${t}'`);
    return { warning: parts[0], alarm: parts[1], direction };
  }
  if (t && typeof t === 'object') {
    const bag = t as Record<string, unknown>;
    const own = (property !== undefined ? bag[property] : undefined) ?? ('warning' in bag || 'alarm' in bag ? bag : undefined);
    if (own && typeof own === 'object') {
      const o = own as Record<string, unknown>;
      const warning = num(o.warning);
      const alarm = num(o.alarm);
      if ((o.warning !== undefined && warning === undefined) || (o.alarm !== undefined && alarm === undefined)) {
        throw new Error(`properties.thresholds${property ? '.' + property : ''}: warning/alarm must be numbers`);
      }
      if (warning !== undefined || alarm !== undefined) return { warning, alarm, direction: o.direction === undefined ? direction : dir(o.direction) };
    }
  }
  const warning = num(props.warning);
  const alarm = num(props.alarm);
  if (warning === undefined && alarm === undefined) return null;
  return { warning, alarm, direction };
}

/** Classifies a value against thresholds. */
export function classify(value: unknown, th: Thresholds | null): AlarmState {
  if (typeof value !== 'number' || !Number.isFinite(value) || !th) return 'unknown';
  const worse = (limit: number | undefined) => limit !== undefined && (th.direction === 'below' ? value <= limit : value >= limit);
  if (worse(th.alarm)) return 'alarm';
  if (worse(th.warning)) return 'warning';
  return 'normal';
}

/** Display colours of the states (CSS), shared by the 3D symbols, panels and legend. */
export const ALARM_COLORS: Record<AlarmState, string> = {
  normal: '#3ee08f',
  warning: '#ffc21a',
  alarm: '#ff3b4e',
  unknown: '#8da3bd',
};
