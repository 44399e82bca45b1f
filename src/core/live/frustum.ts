/**
 * A camera's view frustum in local East-North-Up metres from its pose (heading/pitch/fov/range site properties).
 * Pure math; the viewer turns ENU offsets into globe positions.
 */

/** Camera pose properties as scene.json sites carry them. */
export interface CameraSpec {
  /** Degrees clockwise from north. */
  heading: number;
  /** Degrees, negative = looking down. */
  pitch: number;
  /** Horizontal field of view (degrees, 1–170). */
  fov: number;
  /** Far distance along the view axis (m). */
  range: number;
  /** Width / height of the image (default 16/9). */
  aspect: number;
}

/** Reads a camera spec from site properties; throws naming the property when one is missing or out of range. */
export function cameraSpecOf(siteId: string, props: Record<string, unknown>): CameraSpec {
  const get = (k: string, dflt: number | undefined, lo: number, hi: number): number => {
    const raw = props[k];
    const v = raw === undefined || raw === null || raw === '' ? dflt : Number(raw);
    if (v === undefined || !Number.isFinite(v) || v < lo || v > hi) throw new Error(`camera ${siteId}: properties.${k} must be a number in [${lo}, ${hi}], got ${String(raw)}`);
    return v;
  };
  return {
    heading: get('heading', 0, -360, 360),
    pitch: get('pitch', 0, -90, 90),
    fov: get('fov', 60, 1, 170),
    range: get('range', 100, 0.1, 100_000),
    aspect: get('aspect', 16 / 9, 0.1, 10),
  };
}

/** ENU vector [east, north, up] in metres. */
export type Enu = [number, number, number];

/** Unit view direction, right and up vectors of a camera in ENU. */
export function cameraAxes(heading: number, pitch: number): { dir: Enu; right: Enu; up: Enu } {
  const h = (heading * Math.PI) / 180;
  const p = (pitch * Math.PI) / 180;
  const dir: Enu = [Math.sin(h) * Math.cos(p), Math.cos(h) * Math.cos(p), Math.sin(p)];
  const right: Enu = [Math.cos(h), -Math.sin(h), 0];
  // up = right × dir
  const up: Enu = [
    right[1] * dir[2] - right[2] * dir[1],
    right[2] * dir[0] - right[0] * dir[2],
    right[0] * dir[1] - right[1] * dir[0],
  ];
  return { dir, right, up };
}

/** The 4 far-plane corners (top-left, top-right, bottom-right, bottom-left) relative to the camera, in ENU metres. */
export function frustumCorners(c: CameraSpec): [Enu, Enu, Enu, Enu] {
  const { dir, right, up } = cameraAxes(c.heading, c.pitch);
  const tx = Math.tan(((c.fov / 2) * Math.PI) / 180) * c.range;
  const ty = tx / c.aspect;
  const at = (sx: number, sy: number): Enu => [0, 1, 2].map((i) => dir[i] * c.range + right[i] * sx * tx + up[i] * sy * ty) as Enu;
  return [at(-1, 1), at(1, 1), at(1, -1), at(-1, -1)];
}
