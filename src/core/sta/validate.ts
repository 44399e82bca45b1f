/**
 * Validation of incoming observation payloads (MQTT, HTTP POST): bad JSON, wrong types, NaN, unknown datastreams
 * and oversized payloads are rejected with a reason; nothing is thrown.
 */
import type { Datastream, ObservationKind } from './types.js';

/** Why a payload was rejected (stable codes for counting). */
export type RejectCode = 'oversized' | 'bad-json' | 'bad-topic' | 'not-object' | 'unknown-datastream' | 'bad-result' | 'bad-time';

/** A validated observation ready to be sequenced and stored. */
export interface IncomingObservation {
  ds: number;
  t: number;
  result: unknown;
}

/** Outcome of validating one payload. */
export type ValidationResult = { ok: true; obs: IncomingObservation } | { ok: false; code: RejectCode; reason: string };

/** Validation limits. */
export interface ValidationLimits {
  /** Largest accepted payload in bytes. */
  maxBytes: number;
  /** Largest accepted JSON result (complex observations), in characters. */
  maxResultChars: number;
  /** Observations whose phenomenonTime is further in the future than this (ms) are rejected. */
  maxFutureMs: number;
}

/** Default limits: 16 KiB payloads, 8 KiB results, 1 day in the future. */
export const DEFAULT_LIMITS: ValidationLimits = { maxBytes: 16 * 1024, maxResultChars: 8 * 1024, maxFutureMs: 86_400_000 };

const TOPIC_DS_RE = /^v1\.1\/Datastreams\((\d+)\)\/Observations$/;

/** Datastream id named by an STA MQTT topic `v1.1/Datastreams(7)/Observations`, `null` for `v1.1/Observations`, or undefined if the topic is not an ingest topic. */
export function datastreamOfTopic(topic: string): number | null | undefined {
  const m = TOPIC_DS_RE.exec(topic);
  if (m) return Number(m[1]);
  if (topic === 'v1.1/Observations') return null;
  return undefined;
}

const reject = (code: RejectCode, reason: string): ValidationResult => ({ ok: false, code, reason });

/** Checks a result value against a datastream's observation kind; returns an error text or undefined. */
export function checkResult(kind: ObservationKind, result: unknown, limits: ValidationLimits = DEFAULT_LIMITS): string | undefined {
  switch (kind) {
    case 'measurement':
      if (typeof result !== 'number') return `result must be a number for OM_Measurement, got ${result === null ? 'null' : typeof result}`;
      if (!Number.isFinite(result)) return 'result must be finite';
      return undefined;
    case 'truth':
      return typeof result === 'boolean' ? undefined : `result must be a boolean for OM_TruthObservation, got ${typeof result}`;
    case 'category':
      if (typeof result !== 'string') return `result must be a string for OM_CategoryObservation, got ${typeof result}`;
      return result.length > 256 ? 'result string longer than 256 characters' : undefined;
    case 'complex': {
      if (result === null || typeof result !== 'object' || Array.isArray(result)) return 'result must be a JSON object for OM_ComplexObservation';
      for (const [k, v] of Object.entries(result as Record<string, unknown>)) {
        if (typeof v === 'number' && !Number.isFinite(v)) return `result.${k} must be finite`;
      }
      if (JSON.stringify(result).length > limits.maxResultChars) return `result larger than ${limits.maxResultChars} characters`;
      return undefined;
    }
  }
}

/**
 * Validates one STA Observation payload. `topicDs` is the datastream named by the topic/URL (null when the body must name it).
 * `now` is the server time used when phenomenonTime is absent.
 */
export function validateObservation(
  payload: Uint8Array | string | unknown,
  topicDs: number | null,
  lookup: (id: number) => Datastream | undefined,
  now: number,
  limits: ValidationLimits = DEFAULT_LIMITS,
): ValidationResult {
  let body: unknown = payload;
  if (typeof payload === 'string' || payload instanceof Uint8Array) {
    const size = typeof payload === 'string' ? payload.length : payload.byteLength;
    if (size > limits.maxBytes) return reject('oversized', `payload of ${size} bytes exceeds ${limits.maxBytes}`);
    const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
    try {
      // JSON.parse rejects NaN/Infinity literals, which is what we want.
      body = JSON.parse(text);
    } catch (err) {
      return reject('bad-json', `invalid JSON: ${(err as Error).message}`);
    }
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return reject('not-object', 'payload must be a JSON object (an STA Observation)');
  const o = body as Record<string, unknown>;
  let dsId = topicDs;
  const dsRef = o.Datastream as Record<string, unknown> | undefined;
  if (dsRef !== undefined) {
    const id = dsRef && typeof dsRef === 'object' ? dsRef['@iot.id'] : undefined;
    if (typeof id !== 'number' || !Number.isInteger(id)) return reject('unknown-datastream', 'Datastream.@iot.id must be an integer');
    if (dsId !== null && id !== dsId) return reject('unknown-datastream', `Datastream.@iot.id ${id} differs from the topic's Datastreams(${dsId})`);
    dsId = id;
  }
  if (dsId === null) return reject('unknown-datastream', 'no datastream: publish to v1.1/Datastreams(<id>)/Observations or give Datastream.@iot.id');
  const ds = lookup(dsId);
  if (!ds) return reject('unknown-datastream', `unknown Datastream ${dsId}`);
  if (!('result' in o)) return reject('bad-result', 'missing result');
  const err = checkResult(ds.kind, o.result, limits);
  if (err) return reject('bad-result', `Datastream ${dsId}: ${err}`);
  let t = now;
  const pt = o.phenomenonTime;
  if (pt !== undefined && pt !== null) {
    if (typeof pt !== 'string') return reject('bad-time', 'phenomenonTime must be an ISO 8601 string');
    if (pt.includes('/')) return reject('bad-time', 'phenomenonTime intervals are not supported; give an instant');
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(pt)) return reject('bad-time', `phenomenonTime '${pt.slice(0, 40)}' is not ISO 8601`);
    t = Date.parse(pt);
    if (!Number.isFinite(t)) return reject('bad-time', `phenomenonTime '${pt.slice(0, 40)}' is not a valid time`);
    if (t > now + limits.maxFutureMs) return reject('bad-time', `phenomenonTime ${pt} is more than ${limits.maxFutureMs / 3.6e6} h in the future`);
  }
  return { ok: true, obs: { ds: dsId, t, result: o.result } };
}
