import type { CoordinateTransform } from '../geo/projection.js';
import type { AttributeValue, CityFeature, FeatureCollectionModel } from '../model/feature.js';
import type { StoreySpec } from '../scene/catalog.js';
import { MeshBuilder, addBox, addPrism, addTube, type Rgba, type Vec2, type Vec3 } from '../geometry/mesh.js';
import type { BuildingPlan } from './buildings.js';
import { ifcGuid, type Rng } from './random.js';

/** The BIM model of the demo's office tower and its storeys. */
export interface BimResult {
  model: FeatureCollectionModel;
  storeys: StoreySpec[];
}

const C: Record<string, Rgba> = {
  concrete: [0.75, 0.74, 0.72, 1],
  slab: [0.68, 0.68, 0.66, 1],
  glass: [0.55, 0.72, 0.82, 0.45],
  mullion: [0.42, 0.45, 0.5, 1],
  partition: [0.93, 0.92, 0.88, 1],
  door: [0.55, 0.38, 0.22, 1],
  space: [0.4, 0.75, 0.45, 0.3],
  stair: [0.62, 0.6, 0.58, 1],
  column: [0.8, 0.78, 0.74, 1],
  shaft: [0.7, 0.7, 0.74, 1],
  pipe: [0.85, 0.15, 0.12, 1],
  water: [0.2, 0.5, 0.9, 1],
  duct: [0.78, 0.8, 0.84, 1],
  lift: [0.5, 0.52, 0.56, 1],
};

/**
 * Builds the BIM elements of the 12-storey office tower (plus basement and roof) on the same footprint and base
 * as its city building. Rectangular footprint 33.6 m × 25.2 m (from the plan's rect), central core with stair,
 * lift shaft and toilets, perimeter curtain walls, columns, slabs with openings, rooms, doors, sprinkler/water
 * pipes and supply-air ducts. Element ids are IFC GlobalIds.
 */
export function buildBim(rng: Rng, crs: CoordinateTransform, plan: BuildingPlan, base: number, buildingId: string): BimResult {
  const rect = plan.rect!;
  const X0 = rect.cx - rect.w / 2, Y0 = rect.cy - rect.d / 2, W = rect.w, D = rect.d;
  const P = (u: number, v: number): Vec2 => [X0 + u, Y0 + v];
  const features: CityFeature[] = [];
  const storeys: StoreySpec[] = [{ id: 'B1', name: { en: 'Basement 1', zh: '地下1层' }, elevation: -4.5, height: 4.5 }];
  for (let i = 1; i <= plan.floors; i++) {
    storeys.push({ id: `L${String(i).padStart(2, '0')}`, name: { en: `Level ${i}`, zh: `${i}层` }, elevation: (i - 1) * plan.floorHeight, height: plan.floorHeight });
  }
  storeys.push({ id: 'RF', name: { en: 'Roof', zh: '屋面层' }, elevation: plan.floors * plan.floorHeight, height: 3 });
  const guids = new Set<string>();
  const add = (ifcClass: string, storey: StoreySpec, name: string, material: string, psets: Record<string, AttributeValue>, build: (b: MeshBuilder) => void, color: Rgba, semantic: 'wall' | 'floor' | 'window' | 'door' | 'generic' | 'pipe' | 'roof' = 'generic'): void => {
    const b = new MeshBuilder();
    build(b);
    if (b.isEmpty) return;
    let g = ifcGuid(rng);
    while (guids.has(g)) g = ifcGuid(rng);
    guids.add(g);
    const parts = b.toParts();
    for (const p of parts) {
      p.color = color;
      if (semantic !== 'generic') p.semantic = semantic;
    }
    features.push({
      id: g,
      type: ifcClass,
      group: storey.id,
      attributes: { ifcClass, name, globalId: g, storey: storey.id, storeyName: storey.name.en, material, building: buildingId, ...psets },
      lods: [{ lod: 'bim', parts }],
    });
  };
  // Core (stair + lift + toilets) in the middle, 8.4 m × 8.0 m.
  const core = { u0: W / 2 - 4.2, u1: W / 2 + 4.2, v0: D / 2 - 4.0, v1: D / 2 + 4.0 };
  const stair = { u0: core.u0 + 0.25, u1: core.u0 + 4.0, v0: core.v0 + 0.25, v1: core.v1 - 0.25 };
  const lift = { u0: core.u0 + 4.25, u1: core.u1 - 0.25, v0: core.v0 + 0.25, v1: core.v0 + 3.8 };
  const colU = [0.6, 0.6 + (W - 1.2) / 4, 0.6 + (W - 1.2) / 2, 0.6 + (3 * (W - 1.2)) / 4, W - 0.6];
  const colV = [0.6, 0.6 + (D - 1.2) / 3, 0.6 + (2 * (D - 1.2)) / 3, D - 0.6];
  const slabT = 0.25;
  const ceiling = 3.0;
  const wallBox = (b: MeshBuilder, u0: number, v0: number, u1: number, v1: number, t: number, z0: number, z1: number) => {
    // A wall along the segment (u0,v0)-(u1,v1) of thickness t.
    const [ax, ay] = P(u0, v0), [bx, by] = P(u1, v1);
    const L = Math.hypot(bx - ax, by - ay);
    addBox(b, (ax + bx) / 2, (ay + by) / 2, z0, L, t, z1, Math.atan2(by - ay, bx - ax), { top: 'wall', side: 'wall', bottom: 'wall' });
  };
  const rectRing = (u0: number, v0: number, u1: number, v1: number): Vec2[] => [P(u0, v0), P(u1, v0), P(u1, v1), P(u0, v1)];

  for (const s of storeys) {
    const z = base + s.elevation;
    const lvl = s.id;
    const isRoof = s.id === 'RF', isBase = s.id === 'B1', isGround = s.id === 'L01';
    // Slab with openings for the stair and lift shaft (the roof slab closes the lift shaft).
    add('IfcSlab', s, `${isRoof ? 'Roof slab' : 'Floor slab'} ${lvl}`, 'Concrete C35', {
      'Pset_SlabCommon.IsExternal': isRoof,
      'Pset_SlabCommon.LoadBearing': true,
      'Pset_SlabCommon.FireRating': 'REI 120',
      'Pset_SlabCommon.PitchAngle': 0,
      thickness: slabT,
    }, (b) => {
      const holes = isRoof ? [rectRing(stair.u0, stair.v0, stair.u1, stair.v1)] : isBase ? [] : [rectRing(stair.u0, stair.v0, stair.u1, stair.v1), rectRing(lift.u0, lift.v0, lift.u1, lift.v1)];
      addPrism(b, rectRing(0, 0, W, D), z - slabT, z, { top: 'floor', side: 'wall', bottom: 'ceiling' }, holes);
    }, C.slab, 'floor');
    if (isRoof) {
      // Parapet and roof plant.
      const sides: [number, number, number, number][] = [[0, 0.15, W, 0.15], [W - 0.15, 0, W - 0.15, D], [W, D - 0.15, 0, D - 0.15], [0.15, D, 0.15, 0]];
      sides.forEach(([u0, v0, u1, v1], i) => add('IfcWall', s, `Parapet ${['S', 'E', 'N', 'W'][i]}`, 'Concrete C30', {
        'Pset_WallCommon.IsExternal': true, 'Pset_WallCommon.LoadBearing': false, 'Pset_WallCommon.FireRating': 'EI 60', 'Pset_WallCommon.Reference': 'PAR-120',
      }, (b) => wallBox(b, u0, v0, u1, v1, 0.3, z, z + 1.2), C.concrete, 'wall'));
      add('IfcUnitaryEquipment', s, 'Rooftop air handling unit AHU-1', 'Galvanised steel', { 'Pset_UnitaryEquipmentTypeCommon.NominalAirFlowRate': 12.5, system: 'HVAC' }, (b) => addBox(b, ...P(W * 0.25, D * 0.3), z, 6, 3, z + 2.4, 0, 'generic'), C.duct);
      add('IfcUnitaryEquipment', s, 'Cooling tower CT-1', 'Galvanised steel', { 'Pset_UnitaryEquipmentTypeCommon.NominalAirFlowRate': 30, system: 'Chilled water' }, (b) => addBox(b, ...P(W * 0.78, D * 0.7), z, 4, 4, z + 3, 0, 'generic'), C.duct);
      add('IfcStair', s, 'Stair roof access', 'Concrete C30', { 'Pset_StairCommon.NumberOfRiser': 0, 'Pset_StairCommon.FireExit': true }, (b) => {
        // Stair head house over the stair opening.
        addPrism(b, rectRing(stair.u0 - 0.2, stair.v0 - 0.2, stair.u1 + 0.2, stair.v1 + 0.2), z, z + 3, { top: 'roof', side: 'wall', bottom: 'floor' }, [rectRing(stair.u0, stair.v0, stair.u1, stair.v1)]);
      }, C.stair);
      continue;
    }
    const top = z + s.height - slabT; // underside of the slab above
    // Columns.
    let ci = 0;
    for (const u of colU) {
      for (const v of colV) {
        if (u > core.u0 - 0.6 && u < core.u1 + 0.6 && v > core.v0 - 0.6 && v < core.v1 + 0.6) continue;
        ci++;
        add('IfcColumn', s, `Column ${lvl}-C${String(ci).padStart(2, '0')}`, 'Concrete C50', {
          'Pset_ColumnCommon.LoadBearing': true, 'Pset_ColumnCommon.IsExternal': false, 'Pset_ColumnCommon.FireRating': 'R 180', 'Pset_ColumnCommon.Reference': 'C700x700',
        }, (b) => addBox(b, ...P(u, v), z, 0.7, 0.7, top, 0, 'wall'), C.column);
      }
    }
    // Core walls (shear walls) with door openings modelled as separate wall pieces.
    const coreWalls: [number, number, number, number, string][] = [
      [core.u0, core.v0, core.u1, core.v0, 'S'], [core.u1, core.v0, core.u1, core.v1, 'E'], [core.u1, core.v1, core.u0, core.v1, 'N'], [core.u0, core.v1, core.u0, core.v0, 'W'],
    ];
    for (const [u0, v0, u1, v1, side] of coreWalls) {
      add('IfcWall', s, `Core wall ${side} ${lvl}`, 'Concrete C50', {
        'Pset_WallCommon.IsExternal': false, 'Pset_WallCommon.LoadBearing': true, 'Pset_WallCommon.FireRating': 'REI 120', 'Pset_WallCommon.Reference': 'SW-300',
      }, (b) => {
        if (side === 'S') {
          // Openings for the stair door and lift doors.
          wallBox(b, u0, v0, stair.u0 + 0.5, v0, 0.3, z, top);
          wallBox(b, stair.u0 + 1.6, v0, lift.u0 + 0.6, v0, 0.3, z, top);
          wallBox(b, lift.u0 + 1.8, v0, u1, v0, 0.3, z, top);
          wallBox(b, stair.u0 + 0.5, v0, stair.u0 + 1.6, v0, 0.3, z + 2.2, top);
          wallBox(b, lift.u0 + 0.6, v0, lift.u0 + 1.8, v0, 0.3, z + 2.2, top);
        } else wallBox(b, u0, v0, u1, v1, 0.3, z, top);
      }, C.concrete, 'wall');
    }
    // Lift shaft walls and a stair/lift separation.
    add('IfcWall', s, `Lift shaft ${lvl}`, 'Concrete C40', {
      'Pset_WallCommon.IsExternal': false, 'Pset_WallCommon.LoadBearing': true, 'Pset_WallCommon.FireRating': 'REI 120', 'Pset_WallCommon.Reference': 'LIFT-SHAFT',
      shaft: 'Lift L1',
    }, (b) => {
      wallBox(b, lift.u0 - 0.1, lift.v0, lift.u0 - 0.1, lift.v1 + 0.1, 0.2, z, top);
      wallBox(b, lift.u0 - 0.1, lift.v1 + 0.1, lift.u1, lift.v1 + 0.1, 0.2, z, top);
    }, C.shaft, 'wall');
    if (isGround) {
      add('IfcTransportElement', s, 'Passenger lift L1 car', 'Steel', { 'Pset_TransportElementCommon.CapacityPeople': 13, 'Pset_TransportElementCommon.CapacityWeight': 1000, PredefinedType: 'ELEVATOR' }, (b) => {
        const [x, y] = P((lift.u0 + lift.u1) / 2, (lift.v0 + lift.v1) / 2);
        addBox(b, x, y, z + 0.05, lift.u1 - lift.u0 - 0.6, lift.v1 - lift.v0 - 0.6, z + 2.5, 0, 'generic');
      }, C.lift);
    }
    // Stair: two flights with a landing.
    const h = s.height;
    const risers = Math.round(h / 0.17);
    const rise = h / risers;
    const half = Math.ceil(risers / 2);
    const flightW = (stair.u1 - stair.u0 - 0.2) / 2;
    const going = Math.min(0.28, (stair.v1 - stair.v0 - 1.6) / half);
    add('IfcStair', s, `Stair S1 ${lvl}`, 'Concrete C30', {
      'Pset_StairCommon.NumberOfRiser': risers, 'Pset_StairCommon.RiserHeight': Number(rise.toFixed(3)), 'Pset_StairCommon.TreadLength': Number(going.toFixed(3)), 'Pset_StairCommon.FireExit': true,
    }, (b) => {
      for (let k = 0; k < half; k++) {
        const v = stair.v0 + 0.2 + k * going;
        addBox(b, ...P(stair.u0 + 0.1 + flightW / 2, v + going / 2), z + k * rise, flightW, going, z + (k + 1) * rise, 0, 'generic');
      }
      const landV = stair.v0 + 0.2 + half * going;
      addBox(b, ...P((stair.u0 + stair.u1) / 2, (landV + stair.v1) / 2), z + half * rise - 0.2, stair.u1 - stair.u0, stair.v1 - landV, z + half * rise, 0, 'generic');
      for (let k = 0; k < risers - half; k++) {
        const v = landV - (k + 1) * going;
        addBox(b, ...P(stair.u1 - 0.1 - flightW / 2, v + going / 2), z + (half + k) * rise, flightW, going, z + (half + k + 1) * rise, 0, 'generic');
      }
    }, C.stair);
    // Exterior envelope: basement retaining walls; curtain wall bays above ground.
    const facade: [number, number, number, number, string][] = [[0, 0, W, 0, 'S'], [W, 0, W, D, 'E'], [W, D, 0, D, 'N'], [0, D, 0, 0, 'W']];
    if (isBase) {
      for (const [u0, v0, u1, v1, side] of facade) {
        add('IfcWall', s, `Retaining wall ${side}`, 'Concrete C40 waterproof', {
          'Pset_WallCommon.IsExternal': true, 'Pset_WallCommon.LoadBearing': true, 'Pset_WallCommon.FireRating': 'REI 120', 'Pset_WallCommon.Reference': 'RW-400', 'Pset_WallCommon.ThermalTransmittance': 1.2,
        }, (b) => {
          const t = 0.4;
          const du = Math.sign(u1 - u0), dv = Math.sign(v1 - v0);
          // Inset half the thickness towards the inside (left of the direction of travel for a CCW loop).
          const iu = -dv * (t / 2), iv = du * (t / 2);
          wallBox(b, u0 + iu, v0 + iv, u1 + iu, v1 + iv, t, z, top + slabT);
        }, C.concrete, 'wall');
      }
      add('IfcSpace', s, 'Car park B1', 'n/a', {
        'Pset_SpaceCommon.Area': Number((W * D * 0.7).toFixed(1)), 'Pset_SpaceCommon.IsExternal': false, 'Pset_SpaceCommon.PubliclyAccessible': false, longName: '地下停车库 Car park', occupancyType: 'Parking',
      }, (b) => addBox(b, ...P(W / 2, D * 0.25), z + 0.01, W - 1, D * 0.5 - 1, z + 0.11, 0, 'generic'), C.space);
      add('IfcSpace', s, 'Plant room B1', 'n/a', {
        'Pset_SpaceCommon.Area': Number(((core.u0 - 0.6) * (D * 0.5 - 0.6)).toFixed(1)), 'Pset_SpaceCommon.IsExternal': false, 'Pset_SpaceCommon.PubliclyAccessible': false, longName: '设备房 Plant room', occupancyType: 'Plant',
      }, (b) => addBox(b, ...P(core.u0 / 2, D * 0.75), z + 0.01, core.u0 - 1, D * 0.5 - 1, z + 0.11, 0, 'generic'), C.space);
    } else {
      for (const [u0, v0, u1, v1, side] of facade) {
        const L = Math.hypot(u1 - u0, v1 - v0);
        const bays = Math.round(L / 8.4);
        for (let k = 0; k < bays; k++) {
          const a = k / bays, c = (k + 1) / bays;
          const bu0 = u0 + (u1 - u0) * a, bv0 = v0 + (v1 - v0) * a, bu1 = u0 + (u1 - u0) * c, bv1 = v0 + (v1 - v0) * c;
          const entrance = isGround && side === 'S' && k === Math.floor(bays / 2);
          add('IfcCurtainWall', s, `Curtain wall ${side}${k + 1} ${lvl}`, 'Aluminium/low-E glass', {
            'Pset_CurtainWallCommon.IsExternal': true, 'Pset_CurtainWallCommon.FireRating': 'E 30', 'Pset_CurtainWallCommon.ThermalTransmittance': 1.8, 'Pset_CurtainWallCommon.Reference': 'CW-A',
            panels: 4,
          }, (b) => {
            const t = 0.12;
            const du = (bu1 - bu0) / L * 1, dv = (bv1 - bv0) / L * 1;
            const iu = -Math.sign(dv) * 0.06, iv = Math.sign(du) * 0.06;
            // Mullions at each panel edge, a transom at the slab edge.
            for (let m = 0; m <= 4; m++) {
              const mu = bu0 + ((bu1 - bu0) * m) / 4 + iu, mv = bv0 + ((bv1 - bv0) * m) / 4 + iv;
              const [x, y] = P(mu, mv);
              addBox(b, x, y, z - slabT, 0.1, 0.1, z + s.height - slabT, Math.atan2(bv1 - bv0, bu1 - bu0), { top: 'wall', side: 'wall', bottom: 'wall' });
            }
            wallBox(b, bu0 + iu, bv0 + iv, bu1 + iu, bv1 + iv, 0.14, z - slabT, z + 0.1);
            for (let m = 0; m < 4; m++) {
              if (entrance && (m === 1 || m === 2)) continue;
              const a0 = m / 4 + 0.006, a1 = (m + 1) / 4 - 0.006;
              const gu0 = bu0 + (bu1 - bu0) * a0 + iu, gv0 = bv0 + (bv1 - bv0) * a0 + iv;
              const gu1 = bu0 + (bu1 - bu0) * a1 + iu, gv1 = bv0 + (bv1 - bv0) * a1 + iv;
              const [ax, ay] = P(gu0, gv0), [bx, by] = P(gu1, gv1);
              addBox(b, (ax + bx) / 2, (ay + by) / 2, z + 0.1, Math.hypot(bx - ax, by - ay), t / 4, z + s.height - slabT, Math.atan2(by - ay, bx - ax), { top: 'window', side: 'window', bottom: 'window' });
            }
          }, C.glass, 'window');
          if (entrance) {
            add('IfcDoor', s, 'Main entrance revolving door', 'Glass/stainless steel', {
              'Pset_DoorCommon.IsExternal': true, 'Pset_DoorCommon.FireExit': true, 'Pset_DoorCommon.HandicapAccessible': true, OverallWidth: 4.2, OverallHeight: 2.8,
            }, (b) => {
              const [x, y] = P((bu0 + bu1) / 2, (bv0 + bv1) / 2 + 0.06);
              addBox(b, x, y, z, 4.2, 0.12, z + 2.8, 0, 'generic');
            }, C.door, 'door');
          }
        }
      }
      // Rooms: open offices west and east, meeting rooms north of the core, lobby/corridor south.
      const rooms: [string, string, number, number, number, number, string][] = isGround
        ? [['Lobby', '大堂 Lobby', 0.5, 0.5, W - 0.5, core.v0 - 0.2, 'Lobby'], ['Retail W', '商铺 Retail', 0.5, core.v0, core.u0 - 0.2, D - 0.5, 'Retail'], ['Retail E', '商铺 Retail', core.u1 + 0.2, core.v0, W - 0.5, D - 0.5, 'Retail'], ['Security room', '消防控制室 Fire control room', core.u0, core.v1 + 0.2, core.u1, D - 0.5, 'Office']]
        : [['Open office W', '开放办公区 Open office', 0.5, 0.5, core.u0 - 0.2, D - 0.5, 'Office'], ['Open office E', '开放办公区 Open office', core.u1 + 0.2, 0.5, W - 0.5, D - 0.5, 'Office'],
          ['Meeting room 1', '会议室 Meeting room', core.u0, core.v1 + 0.2, (core.u0 + core.u1) / 2 - 0.06, D - 0.5, 'Meeting'], ['Meeting room 2', '会议室 Meeting room', (core.u0 + core.u1) / 2 + 0.06, core.v1 + 0.2, core.u1, D - 0.5, 'Meeting'],
          ['Lift lobby', '电梯厅 Lift lobby', core.u0, 0.5, core.u1, core.v0 - 0.2, 'Circulation']];
      for (const [nm, longName, u0, v0, u1, v1, occ] of rooms) {
        const area = (u1 - u0) * (v1 - v0);
        add('IfcSpace', s, `${nm} ${lvl}`, 'n/a', {
          'Pset_SpaceCommon.Area': Number(area.toFixed(1)), 'Pset_SpaceCommon.IsExternal': false, 'Pset_SpaceCommon.PubliclyAccessible': occ === 'Lobby' || occ === 'Retail',
          'Pset_SpaceCommon.GrossPlannedArea': Number(area.toFixed(1)), longName, occupancyType: occ, occupants: occ === 'Office' ? Math.round(area / 10) : occ === 'Meeting' ? Math.round(area / 2.5) : 0,
        }, (b) => addBox(b, ...P((u0 + u1) / 2, (v0 + v1) / 2), z + 0.01, u1 - u0, v1 - v0, z + 0.11, 0, 'generic'), C.space);
      }
      // Partitions around the meeting rooms (north of the core) with doors.
      if (!isGround) {
        const mid = (core.u0 + core.u1) / 2;
        const parts: [number, number, number, number, string][] = [[core.u0, core.v1, core.u0, D - 0.2, 'W'], [core.u1, core.v1, core.u1, D - 0.2, 'E'], [mid, core.v1, mid, D - 0.2, 'M']];
        for (const [u0, v0, u1, v1, side] of parts) {
          add('IfcWall', s, `Partition ${side} ${lvl}`, 'Gypsum board on steel studs', {
            'Pset_WallCommon.IsExternal': false, 'Pset_WallCommon.LoadBearing': false, 'Pset_WallCommon.FireRating': 'EI 30', 'Pset_WallCommon.AcousticRating': 'Rw 45', 'Pset_WallCommon.Reference': 'PT-120',
          }, (b) => {
            if (side === 'M') wallBox(b, u0, v0, u1, v1, 0.12, z, z + ceiling);
            else {
              // Door opening 1.0 m wide near the facade end.
              const dv0 = v1 - 2.2, dv1 = v1 - 1.2;
              wallBox(b, u0, v0, u0, dv0, 0.12, z, z + ceiling);
              wallBox(b, u0, dv1, u0, v1, 0.12, z, z + ceiling);
              wallBox(b, u0, dv0, u0, dv1, 0.12, z + 2.1, z + ceiling);
            }
          }, C.partition, 'wall');
          if (side !== 'M') {
            add('IfcDoor', s, `Door meeting room ${side} ${lvl}`, 'Timber', {
              'Pset_DoorCommon.IsExternal': false, 'Pset_DoorCommon.FireRating': 'EI 30', 'Pset_DoorCommon.FireExit': false, OverallWidth: 1.0, OverallHeight: 2.1,
            }, (b) => addBox(b, ...P(u0, v1 - 1.7), z, 0.06, 1.0, z + 2.1, 0, 'generic'), C.door, 'door');
          }
        }
      }
      // Core doors: stair (fire door) and lift landing doors.
      add('IfcDoor', s, `Fire door stair S1 ${lvl}`, 'Steel', {
        'Pset_DoorCommon.IsExternal': false, 'Pset_DoorCommon.FireRating': 'EI 90', 'Pset_DoorCommon.FireExit': true, 'Pset_DoorCommon.SelfClosing': true, OverallWidth: 1.1, OverallHeight: 2.1,
      }, (b) => addBox(b, ...P(stair.u0 + 1.05, core.v0), z, 1.1, 0.08, z + 2.1, 0, 'generic'), C.door, 'door');
      add('IfcDoor', s, `Lift landing door L1 ${lvl}`, 'Stainless steel', {
        'Pset_DoorCommon.IsExternal': false, 'Pset_DoorCommon.FireRating': 'E 60', 'Pset_DoorCommon.FireExit': false, OverallWidth: 1.2, OverallHeight: 2.2, PredefinedType: 'DOOR',
      }, (b) => addBox(b, ...P(lift.u0 + 1.2, core.v0), z, 1.2, 0.08, z + 2.2, 0, 'generic'), C.lift, 'door');
    }
    // MEP under the ceiling: supply-air duct along the south zone with branches, sprinkler main and branches,
    // domestic cold water from the core riser.
    const zd = z + ceiling + 0.15;
    add('IfcDuctSegment', s, `Supply air duct main ${lvl}`, 'Galvanised steel', {
      'Pset_DuctSegmentTypeCommon.Shape': 'RECTANGULAR', 'Pset_DuctSegmentTypeCommon.NominalDiameterOrWidth': 800, 'Pset_DuctSegmentTypeCommon.NominalHeight': 400, system: 'Supply air', 'Pset_DuctSegmentTypeCommon.WorkingPressure': 500,
    }, (b) => {
      const [x0, y0] = P(1.5, core.v0 - 2.2), [x1] = P(W - 1.5, 0);
      addBox(b, (x0 + x1) / 2, y0, zd, x1 - x0, 0.8, zd + 0.4, 0, 'generic');
    }, C.duct);
    for (const u of [core.u0 / 2, (core.u1 + W) / 2]) {
      add('IfcDuctSegment', s, `Supply air duct branch ${u < W / 2 ? 'W' : 'E'} ${lvl}`, 'Galvanised steel', {
        'Pset_DuctSegmentTypeCommon.Shape': 'RECTANGULAR', 'Pset_DuctSegmentTypeCommon.NominalDiameterOrWidth': 500, 'Pset_DuctSegmentTypeCommon.NominalHeight': 300, system: 'Supply air', 'Pset_DuctSegmentTypeCommon.WorkingPressure': 400,
      }, (b) => {
        const v0 = core.v0 - 1.8, v1 = D - 1.5;
        addBox(b, ...P(u, (v0 + v1) / 2), zd + 0.05, 0.5, v1 - v0, zd + 0.35, 0, 'generic');
      }, C.duct);
    }
    const zp = z + ceiling + 0.55;
    const tube = (pts: [number, number, number][], r: number) => (b: MeshBuilder) => addTube(b, pts.map(([u, v, zz]) => [...P(u, v), zz] as Vec3), r, 8, 'pipe');
    add('IfcPipeSegment', s, `Sprinkler main ${lvl}`, 'Galvanised steel', {
      'Pset_PipeSegmentTypeCommon.NominalDiameter': 100, 'Pset_PipeSegmentTypeCommon.WorkingPressure': 1.2, system: 'Fire sprinkler', 'Pset_PipeSegmentTypeCommon.Length': Number((W - 2).toFixed(2)),
    }, tube([[1, D - 3, zp], [W - 1, D - 3, zp]], 0.057), C.pipe, 'pipe');
    for (const u of [colU[0] + 3, colU[1] + 2, colU[3] - 2, colU[4] - 3]) {
      add('IfcPipeSegment', s, `Sprinkler branch u${u.toFixed(1)} ${lvl}`, 'Galvanised steel', {
        'Pset_PipeSegmentTypeCommon.NominalDiameter': 32, 'Pset_PipeSegmentTypeCommon.WorkingPressure': 1.2, system: 'Fire sprinkler', 'Pset_PipeSegmentTypeCommon.Length': Number((D - 5).toFixed(2)),
      }, tube([[u, D - 3, zp], [u, 2, zp]], 0.021), C.pipe, 'pipe');
    }
    add('IfcPipeSegment', s, `Domestic cold water ${lvl}`, 'Copper', {
      'Pset_PipeSegmentTypeCommon.NominalDiameter': 50, 'Pset_PipeSegmentTypeCommon.WorkingPressure': 0.6, system: 'Domestic cold water', 'Pset_PipeSegmentTypeCommon.Length': Number((core.u1 - core.u0 + 4).toFixed(2)),
    }, tube([[core.u1 - 0.6, core.v1 - 0.6, z + 0.3], [core.u1 - 0.6, core.v1 - 0.6, zp - 0.2], [core.u1 + 3, core.v1 - 0.6, zp - 0.2], [core.u1 + 3, 2, zp - 0.2]], 0.03), C.water, 'pipe');
  }
  return { model: { name: 'Haixin Smart Tower (BIM, generated)', crs, features }, storeys };
}


