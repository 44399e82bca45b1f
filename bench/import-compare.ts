/**
 * Checks that two `twin import` / writeTileset output trees hold the same geometry, for changes to the import
 * pipeline that may legitimately alter bytes (e.g. vertex sharing): the same files; each file byte-identical, or for a
 * GLB the same node translation, materials, metadata JSON and property-table bytes, and per primitive the same
 * triangles in the same order with world positions (translation + POSITION) within 0.1 mm, equal feature ids, uvs
 * within 1e-6 and normals within 0.5° (two normals each inside the tiler's 0.26° vertex-sharing cone).
 *
 *   node --import tsx bench/import-compare.ts <dir A> <dir B>     # prints one JSON line; exit code 1 on a mismatch
 */
import fs from 'node:fs';
import path from 'node:path';
import { readGlb, readAccessor, bufferViewBytes } from '../src/tiling/tiles3d/glb-read.js';
const [A, B] = process.argv.slice(2);
if (!A || !B) throw new Error('usage: import-compare <dir A> <dir B>');
const list = (d: string, rel = ''): string[] => fs.readdirSync(path.join(d, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(d, path.join(rel, e.name)) : [path.join(rel, e.name)])).sort();
const fa = list(A), fb = list(B);
if (JSON.stringify(fa) !== JSON.stringify(fb)) throw new Error(`file lists differ: ${fa.length} vs ${fb.length}: ${fa.filter((f) => !fb.includes(f)).slice(0, 5)} / ${fb.filter((f) => !fa.includes(f)).slice(0, 5)}`);
let same = 0, glbDiff = 0, maxPos = 0, maxUv = 0, minCos = 1, vertsA = 0, vertsB = 0, bytesA = 0, bytesB = 0, tris = 0;
const problems: string[] = [];
for (const f of fa) {
  const a = fs.readFileSync(path.join(A, f)), b = fs.readFileSync(path.join(B, f));
  bytesA += a.length; bytesB += b.length;
  if (a.equals(b)) { same++; continue; }
  if (!f.endsWith('.glb')) { problems.push(`${f}: differs (not a glb)`); continue; }
  glbDiff++;
  const ga = readGlb(a, f), gb = readGlb(b, f);
  const ta = ga.json.nodes[0].translation, tb = gb.json.nodes[0].translation;
  if (JSON.stringify(ta) !== JSON.stringify(tb)) problems.push(`${f}: node translation differs`);
  const ma = JSON.stringify(ga.json.materials), mb = JSON.stringify(gb.json.materials);
  if (ma !== mb) problems.push(`${f}: materials differ`);
  if (JSON.stringify(ga.json.extensions) !== JSON.stringify(gb.json.extensions)) problems.push(`${f}: metadata extension JSON differs`);
  // Property table bytes.
  const pa = ga.json.extensions.EXT_structural_metadata.propertyTables[0].properties, pb = gb.json.extensions.EXT_structural_metadata.propertyTables[0].properties;
  for (const k of Object.keys(pa)) for (const m of ['values', 'stringOffsets', 'arrayOffsets']) {
    if (pa[k][m] === undefined) continue;
    if (!Buffer.from(bufferViewBytes(ga, pa[k][m])).equals(Buffer.from(bufferViewBytes(gb, pb[k][m])))) problems.push(`${f}: property ${k}.${m} bytes differ`);
  }
  const prA = ga.json.meshes?.[0]?.primitives ?? [], prB = gb.json.meshes?.[0]?.primitives ?? [];
  if (prA.length !== prB.length) { problems.push(`${f}: ${prA.length} vs ${prB.length} primitives`); continue; }
  for (let p = 0; p < prA.length; p++) {
    const get = (g: any, pr: any) => ({
      pos: readAccessor(g, pr.attributes.POSITION).data, nrm: readAccessor(g, pr.attributes.NORMAL).data,
      fid: readAccessor(g, pr.attributes._FEATURE_ID_0).data, uv: pr.attributes.TEXCOORD_0 !== undefined ? readAccessor(g, pr.attributes.TEXCOORD_0).data : undefined,
      idx: readAccessor(g, pr.indices).data,
    });
    const x = get(ga, prA[p]), y = get(gb, prB[p]);
    vertsA += x.fid.length; vertsB += y.fid.length;
    if (prA[p].material !== prB[p].material) problems.push(`${f}: primitive ${p} material index differs`);
    if (x.idx.length !== y.idx.length) { problems.push(`${f}: primitive ${p}: ${x.idx.length / 3} vs ${y.idx.length / 3} triangles`); continue; }
    tris += x.idx.length / 3;
    for (let i = 0; i < x.idx.length; i++) {
      const u = x.idx[i], v = y.idx[i];
      for (let c = 0; c < 3; c++) maxPos = Math.max(maxPos, Math.abs(ta[c] + x.pos[u * 3 + c] - (tb[c] + y.pos[v * 3 + c])));
      if (x.fid[u] !== y.fid[v]) problems.push(`${f}: primitive ${p} index ${i}: feature id ${x.fid[u]} vs ${y.fid[v]}`);
      const cos = x.nrm[u * 3] * y.nrm[v * 3] + x.nrm[u * 3 + 1] * y.nrm[v * 3 + 1] + x.nrm[u * 3 + 2] * y.nrm[v * 3 + 2];
      minCos = Math.min(minCos, cos);
      if (x.uv && y.uv) for (let c = 0; c < 2; c++) maxUv = Math.max(maxUv, Math.abs(x.uv[u * 2 + c] - y.uv[v * 2 + c]));
      else if (x.uv || y.uv) problems.push(`${f}: uvs present in one only`);
    }
  }
}
const ok = problems.length === 0 && maxPos <= 1e-4 && maxUv <= 1e-6 && minCos >= 0.99996;
console.log(JSON.stringify({ files: fa.length, identical: same, glbDiffering: glbDiff, trianglesCompared: tris, maxPosDiffM: maxPos, maxUvDiff: maxUv, minNormalCos: minCos, verticesA: vertsA, verticesB: vertsB, bytesA, bytesB, problems: problems.slice(0, 10), ok }));
if (!ok) process.exitCode = 1;
