/**
 * Compiles the flood engine's WebAssembly sources (src/core/flood/wasm/*.wat, the committed source) with wabt into
 * the TypeScript modules the engine loads (src/core/flood/wasm/*-wasm.ts, base64; generated, do not edit):
 *
 *   node --import tsx src/server/flood/build-wasm.ts
 *
 * tests/unit/flood-wasm.test.ts fails when a generated module is out of date with its .wat source.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

/** Directory of the .wat sources and the generated modules. */
export const WASM_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../core/flood/wasm');

/** The .wat sources: base name → exported constant of the generated module. */
export const WASM_SOURCES: Record<string, string> = { sweep: 'SWEEP_WASM_BASE64' };

/** Compiles one .wat text to a WebAssembly binary; a syntax error names the file and line. */
export async function compileWat(fileName: string, text: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const features = { bulk_memory: true, mutable_globals: true, threads: true };
  const mod = wabt.parseWat(fileName, text, features);
  try {
    mod.resolveNames();
    (mod.validate as (features?: object) => void).call(mod, features); // the typings omit the features argument
    return new Uint8Array(mod.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}

/**
 * The text of the generated module for `name` (a .wat base name): the binary as written, and a variant whose
 * imported memory is shared (`(memory 1 65536 shared)`, for the strip-parallel workers), as `<CONST>` and
 * `<CONST>_SHARED` (the constant name ends in _BASE64: SWEEP_WASM_BASE64 → SWEEP_SHARED_WASM_BASE64).
 */
export async function generatedModule(name: string): Promise<string> {
  const file = path.join(WASM_DIR, `${name}.wat`);
  const text = fs.readFileSync(file, 'utf8');
  const importLine = '(import "env" "memory" (memory 1))';
  if (!text.includes(importLine)) throw new Error(`${file}: expected the memory import ${importLine}`);
  const plain = await compileWat(file, text);
  const shared = await compileWat(file, text.replace(importLine, '(import "env" "memory" (memory 1 65536 shared))'));
  const constant = WASM_SOURCES[name];
  const sharedConstant = constant.replace(/_WASM_BASE64$/, '_SHARED_WASM_BASE64');
  const emit = (c: string, bytes: Uint8Array, what: string) => {
    const lines = Buffer.from(bytes).toString('base64').match(/.{1,100}/g) ?? [];
    return `/** ${what} (${bytes.length} bytes), base64. */\nexport const ${c} =\n` + lines.map((l, i) => `  '${l}'${i === lines.length - 1 ? ';' : ' +'}`).join('\n') + '\n';
  };
  return (
    `// Generated from ${name}.wat by src/server/flood/build-wasm.ts (wabt): do not edit; edit the .wat and rerun.\n` +
    emit(constant, plain, `The WebAssembly binary of ${name}.wat`) +
    emit(sharedConstant, shared, `The same with a shared imported memory`)
  );
}

/** Regenerates every module; returns the files written. */
export async function buildWasm(): Promise<string[]> {
  const written: string[] = [];
  for (const name of Object.keys(WASM_SOURCES)) {
    const out = path.join(WASM_DIR, `${name}-wasm.ts`);
    fs.writeFileSync(out, await generatedModule(name));
    written.push(out);
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWasm().then(
    (files) => console.log(files.map((f) => `wrote ${path.relative(process.cwd(), f)}`).join('\n')),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
