/**
 * Underground utility networks with their topology kept (nodes joined by links), so hydraulics can run on them
 * (an EPANET .inp is written from a water network) and the tiler can draw them as pipes.
 * Coordinates are in the owning model's CRS: x, y metres; z = height above the ellipsoid of the pipe axis/node.
 */
export type NetworkKind = 'water' | 'drainage' | 'gas';

/** A network node: junction, reservoir, tank, manhole, hydrant, regulator... */
export interface NetworkNode {
  id: string;
  /** "junction" | "reservoir" | "tank" | "hydrant" | "manhole" | "outfall" | "regulator" | "source" ... */
  kind: string;
  x: number;
  y: number;
  /** Elevation of the node (invert for manholes, centre for junctions), ellipsoidal metres. */
  z: number;
  /** Node attributes (demand L/s, rim level, invert level, head, tank levels...). */
  attributes: Record<string, string | number | boolean | null>;
}

/** A network link: pipe, valve, pump, regulator between two nodes. */
export interface NetworkLink {
  id: string;
  /** "pipe" | "valve" | "pump" ... */
  kind: string;
  from: string;
  to: string;
  /** Intermediate vertices (x, y, z), optional. */
  vertices?: [number, number, number][];
  /** Attributes (diameter mm, length m, material, roughness, slope, status...). */
  attributes: Record<string, string | number | boolean | null>;
}

/** A network of one kind. */
export interface PipeNetwork {
  kind: NetworkKind;
  nodes: NetworkNode[];
  links: NetworkLink[];
}
