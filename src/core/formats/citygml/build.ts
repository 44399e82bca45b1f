import type { AttributeValue, CityFeature, FeatureCollectionModel, FeatureLod, MeshPart, SurfaceSemantic, TextureImage } from '../../model/feature.js';
import type { CoordinateTransform } from '../../geo/projection.js';
import type { NetworkKind, NetworkLink, NetworkNode, PipeNetwork } from '../../model/network.js';
import { triangulatePolygon3D, newellNormal } from '../../geometry/triangulate.js';
import { MeshBuilder, addTube, type Vec3 } from '../../geometry/mesh.js';
import type { CityGmlDocument, RawCityObject, RawSurface } from './types.js';
import { isRelief } from './parser.js';

/**
 * Turns a parsed CityGML document into the twin's models: a city layer (buildings and other objects), a pipes layer
 * with its networks (PLATEAU UtilityNetwork), a flood-risk layer (WaterBody with uro:floodingRiskAttribute) and
 * the TIN of relief features, all in one metric model frame.
 */

/** The metric frame the model is built in (see core/crs modelFrameFor). */
export interface CityGmlFrame {
  /** CRS of the model positions. */
  crs: CoordinateTransform;
  /** Source coordinates (file axis order) → model coordinates. */
  convert(x: number, y: number, z: number): [number, number, number];
}

/** Options of {@link buildCityGmlModels}. */
export interface CityGmlBuildOptions {
  frame: CityGmlFrame;
  /** LoD to keep ("1", "2"...): the highest available LoD ≤ it per object (the lowest if none is ≤). Default: all LoDs ≥ 1 (LoD0 only when it is all there is). */
  lod?: string;
  /** Loaded texture images by imageURI; a missing or null entry leaves that texture's surfaces untextured. */
  textures?: Map<string, TextureImage | null>;
  /** Model name prefix. */
  name?: string;
  /** Called for every object skipped (instead of a warning). */
  onSkip?: (id: string, reason: string) => void;
}

/** A triangulated irregular network in model coordinates. */
export interface TinSurface {
  crs: CoordinateTransform;
  /** 9 values per triangle (x, y, z of three corners). */
  triangles: Float64Array;
  /** Ids of the relief features it came from. */
  ids: string[];
}

/** The models read from one CityGML file. */
export interface CityGmlModels {
  /** Buildings, bridges, roads, plain water bodies... (null when none). */
  city: FeatureCollectionModel | null;
  /** Utility network objects as solids or tubes (null when none). */
  pipes: FeatureCollectionModel | null;
  /** Networks (topology) rebuilt from the pipes' centre lines. */
  networks: PipeNetwork[];
  /** Flood-risk water bodies (null when none). */
  flood: FeatureCollectionModel | null;
  /** Relief TIN (null when none). */
  tin: TinSurface | null;
  /** Objects per type, e.g. { Building: 13, BuildingPart: 2 }. */
  counts: Record<string, number>;
  /** Texture URIs that were used but not supplied. */
  missingTextures: string[];
  warnings: string[];
}

const PIPE_TYPES = /(Pipe|Cable|Duct)$|^(Manhole|Handhole|Appurtenance)$/;
const BUILDING_LIKE = /^(Building|BuildingPart|Bridge|BridgePart|Tunnel|TunnelPart|BuildingInstallation)$/;

/** Default semantic of an object type's plain (non-thematic) surfaces; 'auto' = by normal (roof/wall/ground). */
function defaultSemantic(obj: RawCityObject): SurfaceSemantic | 'auto' {
  const t = obj.type;
  if (BUILDING_LIKE.test(t)) return 'auto';
  if (t === 'WaterBody' || /^Water(Surface|GroundSurface|ClosureSurface)$/.test(t)) return 'water';
  if (PIPE_TYPES.test(t)) return 'pipe';
  if (/^(Road|Track|Railway|Square|TrafficArea|AuxiliaryTrafficArea|TransportationComplex)$/.test(t)) return 'road';
  if (/Vegetation|PlantCover|SolitaryVegetationObject/.test(t)) return 'vegetation';
  if (isRelief(t)) return 'terrain';
  return 'generic';
}

/** Whether an object carries a flood-risk attribute (PLATEAU fld). */
export function isFloodRisk(obj: RawCityObject): boolean {
  return obj.type === 'WaterBody' && Object.keys(obj.attributes).some((k) => /FloodingRisk/i.test(k));
}

/** Network kind of a utility object. */
function networkKind(type: string): NetworkKind | null {
  if (/^Water/.test(type)) return 'water';
  if (/^Sewer/.test(type)) return 'drainage';
  if (/Gas/.test(type)) return 'gas';
  return null;
}

/** Pipe diameter in millimetres from the PLATEAU attributes (outer first; "Diamiter" is the schema's spelling). */
export function pipeDiameterMm(attrs: Record<string, AttributeValue>): number | undefined {
  for (const k of ['outerDiamiter', 'outerDiameter', 'innerDiamiter', 'innerDiameter', 'diameter', 'nominalDiameter']) {
    const v = attrs[k];
    if (typeof v === 'number' && v > 0) return v;
  }
  return undefined;
}

/** Builds the models. Objects whose geometry cannot be converted are skipped with a warning. */
export function buildCityGmlModels(doc: CityGmlDocument, options: CityGmlBuildOptions): CityGmlModels {
  const { frame } = options;
  const warnings: string[] = [];
  const counts: Record<string, number> = {};
  const missing = new Set<string>();
  const city: CityFeature[] = [];
  const pipes: CityFeature[] = [];
  const flood: CityFeature[] = [];
  const usedTextures: Record<string, TextureImage> = {};
  const tinParts: number[][] = [];
  const tinIds: string[] = [];
  const networkLines: { obj: RawCityObject; line: number[] }[] = [];
  const networkPoints: { obj: RawCityObject; p: number[]; fromSurfaces?: boolean }[] = [];
  let lodFallbacks = 0;

  const conv = (c: ArrayLike<number>, dim: number, i: number): Vec3 => {
    const p = frame.convert(c[i * dim], c[i * dim + 1], dim > 2 ? c[i * dim + 2] : 0);
    return [p[0], p[1], p[2]];
  };

  for (const obj of doc.objects) {
    counts[obj.type] = (counts[obj.type] ?? 0) + 1;
    try {
      if (isRelief(obj.type)) {
        if (obj.triangles.length) {
          const dim = obj.triangleDim;
          const out: number[] = [];
          for (let i = 0; i < obj.triangles.length / dim; i++) out.push(...conv(obj.triangles, dim, i));
          if (out.some((v) => !Number.isFinite(v))) throw new Error('a TIN vertex does not convert to a finite position');
          tinParts.push(out);
          tinIds.push(obj.id);
        }
        continue;
      }
      const feature = buildFeature(obj);
      if (PIPE_TYPES.test(obj.type)) {
        pipes.push(feature);
        for (const l of obj.lines) if (l.lod === 0 || obj.lines.length === 1) networkLines.push({ obj, line: flatConv(l.coords, l.dim) });
        for (const p of obj.points) networkPoints.push({ obj, p: conv(p.coords, p.dim, 0) });
        // A structure (manhole, handhole...) drawn only as surfaces still is a network node: at their top centre.
        if (obj.lines.length === 0 && obj.points.length === 0) {
          const top = topCentre(feature);
          if (top) networkPoints.push({ obj, p: top, fromSurfaces: true });
        }
      } else if (isFloodRisk(obj)) flood.push(feature);
      else city.push(feature);
    } catch (err) {
      const reason = `${doc.fileName}:${obj.line}:${obj.column}: ${obj.type} gml:id=${obj.id} skipped: ${(err as Error).message}`;
      if (options.onSkip) options.onSkip(obj.id, reason);
      else warnings.push(reason);
    }
  }

  function flatConv(c: number[], dim: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < c.length / dim; i++) out.push(...conv(c, dim, i));
    return out;
  }

  function chooseLods(obj: RawCityObject): number[] {
    const available = new Set<number>();
    for (const s of obj.surfaces) available.add(s.lod);
    const lods = [...available].sort((a, b) => a - b);
    if (options.lod !== undefined) {
      const want = Math.floor(Number(options.lod));
      const below = lods.filter((l) => l <= want);
      const pick = below.length ? [below[below.length - 1]] : lods.length ? [lods[0]] : [];
      if (pick.length && pick[0] !== want) lodFallbacks++;
      return pick;
    }
    const above0 = lods.filter((l) => l >= 1);
    return above0.length ? above0 : lods;
  }

  function buildFeature(obj: RawCityObject): CityFeature {
    const attributes: Record<string, AttributeValue> = { gmlId: obj.id, cityObjectType: obj.type, ...obj.attributes };
    if (obj.parentId) attributes.parent = obj.parentId;
    const lods: FeatureLod[] = [];
    const def = defaultSemantic(obj);
    for (const lod of chooseLods(obj)) {
      let surfaces = obj.surfaces.filter((s) => s.lod === lod);
      // Thematic surfaces and a solid of the same LoD describe the same shell: keep the thematic ones.
      if (surfaces.some((s) => s.semantic) && surfaces.some((s) => !s.semantic)) surfaces = surfaces.filter((s) => s.semantic);
      const parts = surfacesToParts(surfaces, def);
      if (parts.length) lods.push({ lod: String(lod), parts });
    }
    if (PIPE_TYPES.test(obj.type)) {
      const dia = pipeDiameterMm(obj.attributes);
      if (dia !== undefined) attributes.diameter = dia;
      const kind = networkKind(obj.type);
      if (kind) attributes.network = kind;
      if (lods.length === 0 && obj.lines.length) {
        // No solid given: a tube along the centre line.
        const b = new MeshBuilder();
        const r = (dia ?? 300) / 2000;
        if (dia === undefined) warnings.push(`${doc.fileName}:${obj.line}:${obj.column}: ${obj.type} gml:id=${obj.id} has no diameter; drawn as a 300 mm tube`);
        for (const l of obj.lines) {
          const pts: Vec3[] = [];
          for (let i = 0; i < l.coords.length / l.dim; i++) pts.push(conv(l.coords, l.dim, i));
          addTube(b, pts, r, 12, 'pipe');
        }
        if (!b.isEmpty) lods.push({ lod: '1', parts: b.toParts() });
      }
    }
    return { id: obj.id, type: obj.type, attributes, lods };
  }

  function surfacesToParts(surfaces: RawSurface[], def: SurfaceSemantic | 'auto'): MeshPart[] {
    // Group by semantic + colour + texture.
    const groups = new Map<string, MeshPart>();
    for (const s of surfaces) {
      const rings: Vec3[][] = s.rings.map((r) => {
        const pts: Vec3[] = [];
        for (let i = 0; i < r.length / s.dim; i++) pts.push(conv(r, s.dim, i));
        return pts;
      });
      if (rings.some((r) => r.some((p) => !Number.isFinite(p[0]) || !Number.isFinite(p[1]) || !Number.isFinite(p[2])))) {
        throw new Error(`polygon ${s.ids[0] ?? ''} has a vertex that does not convert to a finite position`);
      }
      const tri = triangulatePolygon3D(rings);
      if (tri.length === 0) continue;
      let semantic: SurfaceSemantic;
      if (s.semantic) semantic = s.semantic;
      else if (def === 'auto') {
        const n = newellNormal(rings[0]);
        const len = Math.hypot(n[0], n[1], n[2]);
        const nz = len > 0 ? n[2] / len : 0;
        semantic = nz > 0.3 ? 'roof' : nz < -0.3 ? 'ground' : 'wall';
      } else semantic = def;
      let color: [number, number, number, number] | undefined;
      for (const id of s.ids) {
        const m = doc.materials.get(id);
        if (m) {
          color = m.color;
          break;
        }
      }
      // Texture: every ring must have coordinates of the same texture, one pair per point.
      let texKey: string | undefined;
      let uvs: number[] | undefined;
      const tc0 = s.ringIds[0] ? doc.texCoords.get(s.ringIds[0]) : undefined;
      if (tc0) {
        const tex = doc.textures[tc0.texture];
        const img = options.textures?.get(tex.uri);
        if (!img) missing.add(tex.uri);
        else {
          const all: number[] = [];
          let ok = true;
          for (let r = 0; r < rings.length && ok; r++) {
            const id = s.ringIds[r];
            const tc = id ? doc.texCoords.get(id) : undefined;
            if (!tc || tc.texture !== tc0.texture) ok = false;
            else {
              let st = tc.st;
              if (st.length === (rings[r].length + 1) * 2) st = st.slice(0, rings[r].length * 2);
              if (st.length !== rings[r].length * 2) ok = false;
              else for (let i = 0; i < st.length; i += 2) all.push(st[i], 1 - st[i + 1]);
            }
          }
          if (ok) {
            texKey = tex.uri;
            uvs = all;
            usedTextures[tex.uri] = img;
          }
        }
      }
      const key = `${semantic}|${color?.join(',') ?? ''}|${texKey ?? ''}`;
      let part = groups.get(key);
      if (!part) {
        part = { semantic, positions: [], indices: [] };
        if (color) part.color = color;
        if (texKey) {
          part.texture = texKey;
          part.uvs = [];
        }
        groups.set(key, part);
      }
      const base = part.positions.length / 3;
      for (const r of rings) for (const p of r) part.positions.push(p[0], p[1], p[2]);
      for (const i of tri) part.indices.push(base + i);
      if (uvs && part.uvs) for (const v of uvs) part.uvs.push(v);
    }
    return [...groups.values()];
  }

  const name = options.name ?? doc.fileName;
  const model = (features: CityFeature[], suffix: string): FeatureCollectionModel | null =>
    features.length
      ? {
          name: suffix ? `${name} (${suffix})` : name,
          crs: frame.crs,
          features,
          textures: suffix === '' && Object.keys(usedTextures).length ? usedTextures : undefined,
          warnings,
        }
      : null;

  // Structures (handholes, appurtenances) belong to the network of the pipes in the same file.
  const fileKind = pipes.map((f) => f.attributes.network).find((k) => typeof k === 'string');
  if (fileKind) for (const f of pipes) if (f.attributes.network === undefined) f.attributes.network = fileKind;

  let tin: TinSurface | null = null;
  if (tinParts.length) {
    const total = tinParts.reduce((a, p) => a + p.length, 0);
    const triangles = new Float64Array(total);
    let o = 0;
    for (const p of tinParts) {
      triangles.set(p, o);
      o += p.length;
    }
    tin = { crs: frame.crs, triangles, ids: tinIds };
  }
  if (lodFallbacks > 0) warnings.push(`${doc.fileName}: ${lodFallbacks} objects have no LoD ${options.lod} geometry; the nearest LoD (highest below, else lowest) was imported instead`);
  for (const uri of missing) warnings.push(`${doc.fileName}: texture ${uri} was not found; its surfaces are left untextured`);

  return {
    city: model(city, ''),
    pipes: model(pipes, 'pipes'),
    networks: buildNetworks(networkLines, networkPoints),
    flood: model(flood, 'flood risk'),
    tin,
    counts,
    missingTextures: [...missing],
    warnings,
  };
}

/** Centre (x, y) and top (z) of a feature's finest LoD, model coordinates; undefined without geometry. */
function topCentre(f: CityFeature): number[] | undefined {
  const lod = f.lods[f.lods.length - 1];
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (const part of lod?.parts ?? []) {
    const q = part.positions;
    for (let i = 0; i < q.length; i += 3) {
      if (q[i] < x0) x0 = q[i];
      if (q[i] > x1) x1 = q[i];
      if (q[i + 1] < y0) y0 = q[i + 1];
      if (q[i + 1] > y1) y1 = q[i + 1];
      if (q[i + 2] > z1) z1 = q[i + 2];
    }
  }
  return Number.isFinite(x0) && Number.isFinite(z1) ? [(x0 + x1) / 2, (y0 + y1) / 2, z1] : undefined;
}

/**
 * Rebuilds pipe networks from centre lines: line ends closer than 5 cm share a node; a manhole / handhole /
 * appurtenance point within 0.5 m of a line end becomes that node (keeping its gml:id).
 */
function buildNetworks(lines: { obj: RawCityObject; line: number[] }[], points: { obj: RawCityObject; p: number[]; fromSurfaces?: boolean }[]): PipeNetwork[] {
  const byKind = new Map<NetworkKind, PipeNetwork>();
  const nodeLists = new Map<NetworkKind, NetworkNode[]>();
  const get = (kind: NetworkKind) => {
    let n = byKind.get(kind);
    if (!n) {
      n = { kind, nodes: [], links: [] };
      byKind.set(kind, n);
      nodeLists.set(kind, n.nodes);
    }
    return n;
  };
  const kindOfFile: NetworkKind | null = lines.map((l) => networkKind(l.obj.type)).find((k) => k) ?? null;
  const findNode = (net: PipeNetwork, x: number, y: number, tol: number) =>
    net.nodes.find((n) => Math.hypot(n.x - x, n.y - y) <= tol);
  for (const { obj, line } of lines) {
    const kind = networkKind(obj.type) ?? kindOfFile;
    if (!kind) continue;
    const net = get(kind);
    const n = line.length / 3;
    if (n < 2) continue;
    const ends = [0, n - 1].map((i) => {
      const x = line[i * 3], y = line[i * 3 + 1], z = line[i * 3 + 2];
      let node = findNode(net, x, y, 0.05);
      if (!node) {
        node = { id: `${obj.id}#${i === 0 ? 'start' : 'end'}`, kind: 'junction', x, y, z, attributes: {} };
        net.nodes.push(node);
      }
      return node;
    });
    const vertices: [number, number, number][] = [];
    for (let i = 1; i < n - 1; i++) vertices.push([line[i * 3], line[i * 3 + 1], line[i * 3 + 2]]);
    const attrs: NetworkLink['attributes'] = {};
    const dia = pipeDiameterMm(obj.attributes);
    if (dia !== undefined) attrs.diameter = dia;
    let length = 0;
    for (let i = 1; i < n; i++) length += Math.hypot(line[i * 3] - line[i * 3 - 3], line[i * 3 + 1] - line[i * 3 - 2], line[i * 3 + 2] - line[i * 3 - 1]);
    attrs.length = Math.round(length * 1000) / 1000;
    for (const k of ['depth', 'minDepth', 'maxDepth', 'year']) {
      const v = obj.attributes[k];
      if (v !== undefined) attrs[k] = v;
    }
    net.links.push({ id: obj.id, kind: 'pipe', from: ends[0].id, to: ends[1].id, vertices: vertices.length ? vertices : undefined, attributes: attrs });
  }
  // Structures with a point geometry first: a position derived from surfaces only takes a line end nobody claimed.
  const ordered = [...points.filter((x) => !x.fromSurfaces), ...points.filter((x) => x.fromSurfaces)];
  for (const { obj, p, fromSurfaces } of ordered) {
    const kind = networkKind(obj.type) ?? kindOfFile;
    if (!kind) continue;
    const net = get(kind);
    const nodeKind = obj.type === 'Manhole' ? 'manhole' : obj.type === 'Handhole' ? 'handhole' : obj.type.toLowerCase();
    const near = findNode(net, p[0], p[1], 0.5);
    if (near && near.kind === 'junction') {
      // Rename the junction after the structure standing on it, in links too.
      for (const l of net.links) {
        if (l.from === near.id) l.from = obj.id;
        if (l.to === near.id) l.to = obj.id;
      }
      near.id = obj.id;
      near.kind = nodeKind;
      near.attributes = { ...near.attributes, type: obj.type };
    } else {
      const attributes: NetworkNode['attributes'] = { type: obj.type };
      if (fromSurfaces) attributes.position = 'top centre of its surfaces (no point geometry)';
      net.nodes.push({ id: obj.id, kind: nodeKind, x: p[0], y: p[1], z: p[2], attributes });
    }
  }
  return [...byKind.values()];
}
