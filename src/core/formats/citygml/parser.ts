import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { AttributeValue, SurfaceSemantic } from '../../model/feature.js';
import type { CityGmlDocument, RawCityObject, RawMaterial, RawSurface, RawTexCoords, RawTexture } from './types.js';

/**
 * Streaming CityGML 1.0 / 2.0 reader (PLATEAU i-UR "uro" ADE included). It never builds a DOM: text arrives in
 * chunks through `write()`, each city object is gathered while its element is open and stored in a compact raw
 * form ({@link RawCityObject}). Geometry stays in the file's CRS and axis order.
 */

/** Options of {@link CityGmlStreamParser}. */
export interface CityGmlParseOptions {
  /** File name used in every message (errors say `file:line:column`). */
  fileName: string;
  /**
   * Throw on the first XML well-formedness error. When false (default) the objects completed before the error are
   * kept and a warning names the position; the parser throws only if nothing was read.
   */
  strict?: boolean;
  /** Called for every warning as it happens (they are also collected in the document). */
  onWarning?: (message: string) => void;
  /** Called for every object skipped because it is broken (instead of a warning). */
  onSkip?: (id: string, reason: string) => void;
  /** Called for every completed object (e.g. progress reporting). */
  onObject?: (object: RawCityObject, index: number) => void;
}

/** An error in a CityGML file; the message names the file, line:column and the element. */
export class CityGmlError extends Error {
  constructor(
    message: string,
    /** File name. */
    readonly file: string,
    /** 1-based line. */
    readonly line: number,
    /** 1-based column. */
    readonly column: number,
  ) {
    super(message);
    this.name = 'CityGmlError';
  }
}

/** Elements whose direct children are city objects. */
const OBJECT_CONTAINERS = new Set(['cityObjectMember', 'featureMember', 'featureMembers', 'consistsOfBuildingPart', 'consistsOfBridgePart', 'consistsOfTunnelPart']);

/** Thematic surfaces → semantic. */
const SEMANTICS: Record<string, SurfaceSemantic> = {
  RoofSurface: 'roof',
  WallSurface: 'wall',
  GroundSurface: 'ground',
  ClosureSurface: 'closure',
  OuterCeilingSurface: 'ceiling',
  OuterFloorSurface: 'floor',
  FloorSurface: 'floor',
  CeilingSurface: 'ceiling',
  InteriorWallSurface: 'wall',
  Window: 'window',
  Door: 'door',
};

/** Geometry property names that carry no usable surface geometry for the twin. */
const SKIPPED_PROPERTIES = /TerrainIntersection$|^lod\dImplicitRepresentation$/;

/** gen: attribute element → value type. */
const GENERIC_TYPES: Record<string, 'number' | 'string'> = {
  stringAttribute: 'string',
  intAttribute: 'number',
  doubleAttribute: 'number',
  measureAttribute: 'number',
  dateAttribute: 'string',
  uriAttribute: 'string',
};

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface Frame {
  local: string;
  prefix: string;
  hasChild: boolean;
  /** Text gathered for this element (only where needed). */
  text: string | null;
  /** Things this frame pushed, popped on close. */
  pushedObject?: boolean;
  pushedLod?: boolean;
  pushedSem?: boolean;
  pushedId?: boolean;
  pushedDim?: boolean;
  pushedClass?: boolean;
  skip?: boolean;
  codeSpace?: boolean;
  /** gen:*Attribute name. */
  genName?: string;
  genType?: 'number' | 'string';
  line: number;
  column: number;
}

interface ObjState {
  obj: RawCityObject;
  /** Instance counters of nested data-type classes (for unique attribute keys). */
  classCount: Map<string, number>;
  /** Stack of the current class keys ("BuildingDetailAttribute", "BuildingTsunamiRiskAttribute_2"...). */
  classes: string[];
  /** Pending key/value of a KeyValuePairAttribute. */
  kv?: { key?: string; value?: AttributeValue };
  /** generic attribute set names. */
  genSets: string[];
  broken?: string;
}

/** A streaming CityGML reader: feed text with `write()`, finish with `close()`. */
export class CityGmlStreamParser {
  private readonly sax: SaxesParser<{ position: true; xmlns: false }>;
  private readonly opts: CityGmlParseOptions;
  private readonly doc: CityGmlDocument;
  private readonly frames: Frame[] = [];
  private readonly objs: ObjState[] = [];
  private readonly lods: number[] = [];
  private readonly sems: SurfaceSemantic[] = [];
  private readonly ids: string[] = [];
  private readonly dims: number[] = [];
  private skipDepth = 0;
  private appearanceDepth = 0;
  private fatal: CityGmlError | null = null;
  private counter = 0;
  private implicit = 0;
  // Current geometry being read.
  private polygon: { ids: string[]; rings: Float64Array[]; ringIds: (string | undefined)[]; dim: number; triangle: boolean } | null = null;
  private ringId: string | undefined;
  private coords: number[] | null = null;
  private coordsDim = 3;
  private line: { coords: number[]; dim: number } | null = null;
  private point: { coords: number[]; dim: number } | null = null;
  // Appearance state.
  private texture: { index: number; uri?: string; mime?: string; pending: { ring: string; st: number[] }[] } | null = null;
  private material: { color: [number, number, number]; transparency: number; targets: string[] } | null = null;
  private envelopeCorner: 'lower' | 'upper' | null = null;

  constructor(options: CityGmlParseOptions) {
    this.opts = options;
    this.doc = {
      fileName: options.fileName,
      version: 'unknown',
      srsDimension: 3,
      objects: [],
      textures: [],
      texCoords: new Map(),
      materials: new Map(),
      warnings: [],
    };
    this.sax = new SaxesParser<{ position: true; xmlns: false }>({ position: true, xmlns: false });
    this.sax.on('error', (err) => {
      if (this.fatal) return;
      const msg = err.message.replace(/^(?:[^:\n]*:)?\d+:\d+: /, '');
      this.fatal = new CityGmlError(`${this.where()}: XML error: ${msg}${this.inElement()}`, options.fileName, this.sax.line, this.sax.column + 1);
    });
    this.sax.on('opentag', (tag) => {
      if (!this.fatal) this.openTag(tag);
    });
    this.sax.on('closetag', () => {
      if (!this.fatal) this.closeTag();
    });
    this.sax.on('text', (t) => {
      if (this.fatal) return;
      const f = this.frames[this.frames.length - 1];
      if (f && f.text !== null) f.text += t;
    });
    this.sax.on('cdata', (t) => {
      const f = this.frames[this.frames.length - 1];
      if (f && f.text !== null) f.text += t;
    });
  }

  /** Feeds the next chunk of text. Throws a CityGmlError in strict mode on malformed XML. */
  write(chunk: string): void {
    if (this.fatal) {
      if (this.opts.strict) throw this.fatal;
      return;
    }
    this.sax.write(chunk);
    if (this.fatal && this.opts.strict) throw this.fatal;
  }

  /** Ends the input and returns what was read. */
  close(): CityGmlDocument {
    if (this.implicit > 0) {
      this.warn(`${this.opts.fileName}: ${this.implicit} implicit geometries (lodNImplicitRepresentation: shared prototype + transform) are not supported and were left out`);
    }
    if (!this.fatal) {
      this.sax.close();
      if (!this.fatal && this.frames.length > 0) {
        this.fatal = new CityGmlError(`${this.where()}: XML error: the file ends inside an element${this.inElement()}`, this.opts.fileName, this.sax.line, this.sax.column + 1);
      }
    }
    if (this.fatal) {
      if (this.opts.strict || this.doc.objects.length === 0) throw this.fatal;
      const open = this.objs.length ? ` (object ${this.objs[0].obj.type} gml:id=${this.objs[0].obj.id} is incomplete and skipped)` : '';
      this.warn(`${this.fatal.message}; the ${this.doc.objects.length} objects read before it are kept${open}`);
    }
    return this.doc;
  }

  /** The error that stopped reading, if any (non-strict mode). */
  get error(): CityGmlError | null {
    return this.fatal;
  }

  private where(line = this.sax.line, column = this.sax.column + 1): string {
    return `${this.opts.fileName}:${line}:${column}`;
  }

  private inElement(): string {
    const top = this.objs[this.objs.length - 1];
    const f = this.frames[this.frames.length - 1];
    const el = f ? ` in <${f.prefix ? f.prefix + ':' : ''}${f.local}>` : '';
    return top ? `${el} of ${top.obj.type} gml:id=${top.obj.id}` : el;
  }

  private warn(message: string): void {
    this.doc.warnings.push(message);
    this.opts.onWarning?.(message);
  }

  private openTag(tag: SaxesTagPlain): void {
    const name = tag.name;
    const colon = name.indexOf(':');
    const prefix = colon >= 0 ? name.slice(0, colon) : '';
    const local = colon >= 0 ? name.slice(colon + 1) : name;
    const attrs = tag.attributes as Record<string, string>;
    const parent = this.frames[this.frames.length - 1];
    if (parent) parent.hasChild = true;
    const frame: Frame = { local, prefix, hasChild: false, text: null, line: this.sax.line, column: this.sax.column + 1 };
    this.frames.push(frame);

    if (this.frames.length === 1) {
      for (const [k, v] of Object.entries(attrs)) {
        if (!k.startsWith('xmlns')) continue;
        const m = /citygml\/(\d\.\d)$/.exec(v);
        if (m && (k === 'xmlns' || k === 'xmlns:core')) this.doc.version = m[1];
      }
      return;
    }
    if (this.skipDepth > 0) {
      frame.skip = true;
      this.skipDepth++;
      return;
    }
    const dimAttr = attrs.srsDimension;
    if (dimAttr !== undefined) {
      const d = Number(dimAttr);
      if (d === 2 || d === 3) {
        this.dims.push(d);
        frame.pushedDim = true;
      }
    }
    if (attrs.srsName && !this.doc.srsName) this.doc.srsName = detachedCopy(attrs.srsName);

    // Appearances (global appearanceMember or an object's app:appearance).
    if (this.appearanceDepth > 0 || local === 'appearanceMember' || (local === 'appearance' && prefix !== 'gml')) {
      this.appearanceDepth++;
      this.openAppearance(local, attrs, frame);
      return;
    }

    const top = this.objs[this.objs.length - 1];
    // Envelope of the CityModel.
    if (!top) {
      if (local === 'lowerCorner' || local === 'upperCorner') {
        this.envelopeCorner = local === 'lowerCorner' ? 'lower' : 'upper';
        frame.text = '';
      }
      if (local === 'Envelope' && dimAttr) this.doc.srsDimension = Number(dimAttr) === 2 ? 2 : 3;
    }

    // A new city object?
    if (parent && OBJECT_CONTAINERS.has(parent.local)) {
      const rawId = attrs['gml:id'] ?? attrs['id'];
      const id = rawId !== undefined ? detachedCopy(rawId) : `${local}_${++this.counter}`;
      const obj: RawCityObject = {
        id,
        type: local,
        prefix,
        parentId: top?.obj.id,
        line: frame.line,
        column: frame.column,
        attributes: {},
        surfaces: [],
        lines: [],
        points: [],
        triangles: [],
        triangleDim: 3,
      };
      this.objs.push({ obj, classCount: new Map(), classes: [], genSets: [] });
      frame.pushedObject = true;
      return;
    }
    if (!top) return;
    if (OBJECT_CONTAINERS.has(local)) return;

    // Geometry context.
    if (SKIPPED_PROPERTIES.test(local) && prefix !== 'gml') {
      if (local.endsWith('ImplicitRepresentation')) this.implicit++;
      frame.skip = true;
      this.skipDepth = 1;
      return;
    }
    if (local === 'boundedBy' && prefix === 'gml') {
      frame.skip = true;
      this.skipDepth = 1;
      return;
    }
    const lodMatch = /^lod(\d)/.exec(local);
    if (lodMatch && this.lods.length === 0) {
      this.lods.push(Number(lodMatch[1]));
      frame.pushedLod = true;
      return;
    }
    if (local === 'tin' && prefix !== 'gml' && this.lods.length === 0) {
      const lodAttr = top.obj.attributes.lod;
      this.lods.push(typeof lodAttr === 'number' ? lodAttr : 1);
      frame.pushedLod = true;
      return;
    }
    const sem = SEMANTICS[local];
    if (sem) {
      this.sems.push(sem);
      frame.pushedSem = true;
      const id = attrs['gml:id'];
      if (id) {
        this.ids.push(detachedCopy(id));
        frame.pushedId = true;
      }
      return;
    }
    if (this.lods.length > 0 || prefix === 'gml') {
      this.openGeometry(local, attrs, frame, top);
      return;
    }
    if (this.sems.length > 0) return; // attributes of thematic surfaces are not kept

    // Attributes.
    if (local in GENERIC_TYPES) {
      frame.genName = attrs.name !== undefined ? detachedCopy(attrs.name) : undefined;
      frame.genType = GENERIC_TYPES[local];
      return;
    }
    if (local === 'genericAttributeSet') {
      top.genSets.push(detachedCopy(attrs.name ?? 'set'));
      frame.pushedClass = true;
      frame.genName = '__set__';
      return;
    }
    if (local === 'value' && parent?.genName !== undefined) {
      frame.text = '';
      return;
    }
    if (/^[A-Z]/.test(local)) {
      const n = (top.classCount.get(local) ?? 0) + 1;
      top.classCount.set(local, n);
      top.classes.push(n > 1 ? `${local}_${n}` : local);
      frame.pushedClass = true;
      if (local === 'KeyValuePairAttribute') top.kv = {};
    }
    frame.text = '';
    if (attrs.codeSpace !== undefined) frame.codeSpace = true;
  }

  private openGeometry(local: string, attrs: Record<string, string>, frame: Frame, top: ObjState): void {
    const id = attrs['gml:id'] !== undefined ? detachedCopy(attrs['gml:id']) : undefined;
    switch (local) {
      case 'Polygon':
      case 'Triangle':
      case 'Rectangle':
        this.polygon = { ids: id ? [id, ...this.ids.slice().reverse()] : this.ids.slice().reverse(), rings: [], ringIds: [], dim: this.dim(), triangle: local === 'Triangle' };
        return;
      case 'LinearRing':
        this.ringId = id;
        return;
      case 'LineString':
        this.line = { coords: [], dim: this.dim() };
        return;
      case 'Point':
        this.point = { coords: [], dim: this.dim() };
        return;
      case 'posList':
      case 'pos':
      case 'coordinates':
        frame.text = '';
        if (local !== 'pos' || !this.coords) this.coords = local === 'pos' ? [] : null;
        this.coordsDim = this.dim();
        return;
      case 'name':
      case 'description':
        if (this.lods.length === 0 && this.sems.length === 0 && top.classes.length === 0) {
          frame.text = '';
          if (attrs.codeSpace !== undefined) frame.codeSpace = true;
        }
        return;
      default:
        if (id) {
          this.ids.push(id);
          frame.pushedId = true;
        }
    }
  }

  private openAppearance(local: string, attrs: Record<string, string>, frame: Frame): void {
    switch (local) {
      case 'ParameterizedTexture':
        this.texture = { index: -1, pending: [] };
        return;
      case 'X3DMaterial':
        this.material = { color: [0.8, 0.8, 0.8], transparency: 0, targets: [] };
        return;
      case 'GeoreferencedTexture':
        this.warn(`${this.where(frame.line, frame.column)}: GeoreferencedTexture is not supported; its surfaces keep their colours`);
        return;
      case 'imageURI':
      case 'mimeType':
      case 'diffuseColor':
      case 'transparency':
        frame.text = '';
        return;
      case 'target':
        if (this.material) frame.text = '';
        if (this.texture) frame.text = '';
        return;
      case 'textureCoordinates':
        frame.text = '';
        (frame as Frame & { ring?: string }).ring = attrs.ring;
        return;
    }
  }

  private dim(): number {
    return this.dims.length ? this.dims[this.dims.length - 1] : this.doc.srsDimension;
  }

  private closeTag(): void {
    const frame = this.frames.pop()!;
    if (frame.pushedDim) this.dims.pop();
    if (frame.skip) {
      this.skipDepth--;
      return;
    }
    if (this.appearanceDepth > 0) {
      this.appearanceDepth--;
      this.closeAppearance(frame);
      return;
    }
    if (this.envelopeCorner && (frame.local === 'lowerCorner' || frame.local === 'upperCorner')) {
      const v = parseNumbers(frame.text ?? '');
      const env = (this.doc.envelope ??= { lower: [], upper: [] });
      env[this.envelopeCorner] = v;
      this.envelopeCorner = null;
      return;
    }
    const top = this.objs[this.objs.length - 1];
    if (frame.pushedObject) {
      const st = this.objs.pop()!;
      if (st.broken) {
        const reason = `${this.where(st.obj.line, st.obj.column)}: ${st.obj.type} gml:id=${st.obj.id} skipped: ${st.broken}`;
        if (this.opts.onSkip) this.opts.onSkip(st.obj.id, reason);
        else this.warn(reason);
      } else {
        this.doc.objects.push(st.obj);
        this.opts.onObject?.(st.obj, this.doc.objects.length - 1);
      }
      return;
    }
    if (!top) return;
    if (frame.pushedLod) this.lods.pop();
    if (frame.pushedSem) this.sems.pop();
    if (frame.pushedId) this.ids.pop();
    if (frame.pushedLod || frame.pushedSem) return;
    if (this.lods.length > 0 || frame.prefix === 'gml') {
      this.closeGeometry(frame, top);
      if (frame.prefix === 'gml' && this.lods.length === 0 && frame.local === 'name') this.closeAttribute(frame, top);
      else if (frame.prefix === 'gml' && this.lods.length === 0 && frame.local === 'description') this.closeAttribute(frame, top);
      return;
    }
    if (this.sems.length > 0) return;
    this.closeAttribute(frame, top);
  }

  private closeGeometry(frame: Frame, top: ObjState): void {
    if (top.broken) return;
    const local = frame.local;
    if (local === 'posList' || local === 'pos' || local === 'coordinates') {
      const text = frame.text ?? '';
      const v = local === 'coordinates' ? parseNumbers(text.replace(/,/g, ' ')) : parseNumbers(text);
      if (v.some((x) => !Number.isFinite(x))) {
        top.broken = `<${frame.prefix}:${local}> at line ${frame.line} holds a value that is not a number`;
        return;
      }
      const dim = this.coordsDim;
      if (local === 'pos') {
        if (v.length !== dim && v.length !== 2 && v.length !== 3) {
          top.broken = `<gml:pos> at line ${frame.line} has ${v.length} values`;
          return;
        }
        (this.coords ??= []).push(...(v.length === dim ? v : v.length === 2 ? [...v, 0].slice(0, dim) : v.slice(0, dim)));
      } else {
        if (v.length % dim !== 0) {
          top.broken = `<${frame.prefix}:${local}> at line ${frame.line} has ${v.length} values, not a multiple of srsDimension ${dim}`;
          return;
        }
        this.coords = v;
      }
      if (this.point && !this.polygon && !this.line) {
        this.point.coords = this.coords;
      }
      if (this.line && !this.polygon) this.line.coords = this.coords;
      return;
    }
    if (local === 'LinearRing') {
      const c = this.coords ?? [];
      this.coords = null;
      if (!this.polygon) return;
      const dim = this.polygon.rings.length ? this.polygon.dim : this.coordsDim;
      let n = c.length / dim;
      // Drop the closing point.
      if (n > 1) {
        let same = true;
        for (let k = 0; k < dim; k++) if (c[k] !== c[(n - 1) * dim + k]) same = false;
        if (same) n--;
      }
      if (n < 3) {
        if (this.polygon.rings.length === 0) {
          this.polygon.rings.push(new Float64Array(0)); // marks a degenerate outer ring: polygon dropped below
          this.polygon.ringIds.push(this.ringId);
        }
        this.ringId = undefined;
        return;
      }
      this.polygon.dim = dim;
      this.polygon.rings.push(Float64Array.from(c.length === n * dim ? c : c.slice(0, n * dim)));
      this.polygon.ringIds.push(this.ringId);
      this.ringId = undefined;
      return;
    }
    if (local === 'Polygon' || local === 'Triangle' || local === 'Rectangle') {
      const p = this.polygon;
      this.polygon = null;
      if (!p || p.rings.length === 0 || p.rings[0].length === 0) return;
      const lod = this.lods.length ? this.lods[this.lods.length - 1] : -1;
      if (isRelief(top.obj.type)) {
        if (p.triangle && p.rings[0].length === 3 * p.dim) {
          top.obj.triangleDim = p.dim;
          for (const v of p.rings[0]) top.obj.triangles.push(v);
          return;
        }
      }
      if (lod < 0) return;
      const surface: RawSurface = {
        lod,
        semantic: this.sems.length ? this.sems[this.sems.length - 1] : null,
        ids: p.ids,
        rings: p.rings,
        ringIds: p.ringIds,
        dim: p.dim,
      };
      top.obj.surfaces.push(surface);
      return;
    }
    if (local === 'LineString') {
      const l = this.line;
      this.line = null;
      this.coords = null;
      const lod = this.lods.length ? this.lods[this.lods.length - 1] : -1;
      if (l && lod >= 0 && l.coords.length >= 2 * l.dim) top.obj.lines.push({ lod, coords: l.coords, dim: l.dim });
      return;
    }
    if (local === 'Point') {
      const p = this.point;
      this.point = null;
      this.coords = null;
      const lod = this.lods.length ? this.lods[this.lods.length - 1] : -1;
      if (p && lod >= 0 && p.coords.length >= p.dim) top.obj.points.push({ lod, coords: p.coords.slice(0, p.dim), dim: p.dim });
    }
  }

  private closeAttribute(frame: Frame, top: ObjState): void {
    const parent = this.frames[this.frames.length - 1];
    if (frame.pushedClass) {
      if (frame.genName === '__set__') top.genSets.pop();
      else {
        const cls = top.classes.pop();
        if (frame.local === 'KeyValuePairAttribute' && top.kv) {
          if (top.kv.key !== undefined && top.kv.value !== undefined) top.obj.attributes[`${cls}.${top.kv.key}`] = top.kv.value;
          top.kv = undefined;
        }
      }
      return;
    }
    if (frame.genName !== undefined) return; // the gen:value child stored it
    if (frame.local === 'value' && parent?.genName !== undefined) {
      const name = parent.genName ?? 'value';
      const key = top.genSets.length ? `${top.genSets.join('.')}.${name}` : name;
      const text = detachedCopy((frame.text ?? '').trim());
      top.obj.attributes[key] = parent.genType === 'number' && NUMERIC.test(text) ? Number(text) : text;
      return;
    }
    if (frame.hasChild || frame.text === null) return;
    const text = detachedCopy(frame.text.trim());
    if (text === '') return;
    const value: AttributeValue = frame.codeSpace ? text : NUMERIC.test(text) ? Number(text) : text === 'true' ? true : text === 'false' ? false : text;
    if (top.kv && top.classes[top.classes.length - 1]?.startsWith('KeyValuePairAttribute')) {
      if (frame.local === 'key') top.kv.key = text;
      else top.kv.value = value;
      return;
    }
    const cls = top.classes[top.classes.length - 1];
    const key = cls ? `${cls}.${frame.local}` : frame.local;
    if (!(key in top.obj.attributes)) top.obj.attributes[key] = value;
  }

  private closeAppearance(frame: Frame): void {
    const text = frame.text;
    switch (frame.local) {
      case 'imageURI':
        if (this.texture) this.texture.uri = detachedCopy((text ?? '').trim());
        return;
      case 'mimeType':
        if (this.texture) this.texture.mime = (text ?? '').trim();
        return;
      case 'diffuseColor':
        if (this.material) {
          const v = parseNumbers(text ?? '');
          if (v.length >= 3 && v.every(Number.isFinite)) this.material.color = [v[0], v[1], v[2]];
        }
        return;
      case 'transparency':
        if (this.material) {
          const t = Number((text ?? '').trim());
          if (Number.isFinite(t)) this.material.transparency = t;
        }
        return;
      case 'target':
        if (this.material && text) {
          const t = detachedCopy(text.trim().replace(/^#/, ''));
          if (t) this.material.targets.push(t);
        }
        return;
      case 'textureCoordinates': {
        const ring = detachedCopy(((frame as Frame & { ring?: string }).ring ?? '').replace(/^#/, ''));
        if (!this.texture || !ring) return;
        const st = parseNumbers(text ?? '');
        if (st.length % 2 !== 0 || st.some((x) => !Number.isFinite(x))) {
          this.warn(`${this.where(frame.line, frame.column)}: textureCoordinates of ring ${ring} are malformed; ring left untextured`);
          return;
        }
        this.texture.pending.push({ ring, st });
        return;
      }
      case 'ParameterizedTexture': {
        const t = this.texture;
        this.texture = null;
        if (!t || !t.uri) return;
        const tex: RawTexture = { uri: t.uri, mimeType: normaliseMime(t.mime, t.uri) };
        let index = this.doc.textures.findIndex((x) => x.uri === tex.uri);
        if (index < 0) index = this.doc.textures.push(tex) - 1;
        for (const p of t.pending) {
          if (this.doc.texCoords.has(p.ring)) continue;
          const tc: RawTexCoords = { texture: index, st: p.st };
          this.doc.texCoords.set(p.ring, tc);
        }
        return;
      }
      case 'X3DMaterial': {
        const m = this.material;
        this.material = null;
        if (!m) return;
        const mat: RawMaterial = { color: [m.color[0], m.color[1], m.color[2], 1 - m.transparency] };
        for (const t of m.targets) if (!this.doc.materials.has(t)) this.doc.materials.set(t, mat);
        return;
      }
    }
  }
}

const OWN_ENCODER = new TextEncoder();
const OWN_DECODER = new TextDecoder();
/** Scratch bytes for {@link detachedCopy} (UTF-8 needs at most 3 bytes per UTF-16 code unit). */
let ownBytes = new Uint8Array(1024);

/**
 * A copy of a string that does not share memory with the parser's input chunk. V8 keeps substrings as views of
 * their parent, so an id kept from each chunk would retain every chunk (the whole file) otherwise. A round trip
 * through UTF-8 with the standard TextEncoder/TextDecoder (core runs in browsers and workers too: no Node Buffer)
 * gives a new flat string with the same text.
 */
export function detachedCopy(s: string): string {
  if (s.length === 0) return s;
  if (ownBytes.length < s.length * 3) ownBytes = new Uint8Array(s.length * 3);
  const { written } = OWN_ENCODER.encodeInto(s, ownBytes);
  return OWN_DECODER.decode(ownBytes.subarray(0, written));
}

/** Whether an object type is a relief (its triangles form a TIN). */
export function isRelief(type: string): boolean {
  return type === 'ReliefFeature' || type === 'TINRelief';
}

function normaliseMime(mime: string | undefined, uri: string): string {
  const m = (mime ?? '').toLowerCase();
  if (m === 'image/jpg' || m === 'image/jpeg') return 'image/jpeg';
  if (m === 'image/png') return 'image/png';
  return /\.png$/i.test(uri) ? 'image/png' : 'image/jpeg';
}

/** Parses whitespace-separated numbers; a token that is not a number gives NaN. */
export function parseNumbers(text: string): number[] {
  const out: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    while (i < n && (c === 32 || c === 10 || c === 13 || c === 9)) c = text.charCodeAt(++i);
    if (i >= n) break;
    const start = i;
    while (i < n && !(c === 32 || c === 10 || c === 13 || c === 9)) c = text.charCodeAt(++i);
    out.push(Number(text.slice(start, i)));
  }
  return out;
}

/** Parses a whole CityGML text (convenience for small files and tests). */
export function parseCityGml(text: string, options: CityGmlParseOptions): CityGmlDocument {
  const p = new CityGmlStreamParser(options);
  const step = 1 << 20;
  for (let i = 0; i < text.length; i += step) p.write(text.slice(i, i + step));
  return p.close();
}
