// Parses the corpus in crates/sip/benches/corpus with JsSIP's parser and with ours compiled to
// Wasm, in the same node process (same V8), and prints throughput side by side.
//
// usage: node bench.mjs path/to/sip_wasm_bench.wasm [seconds per case]
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Parser = require('jssip/lib/Parser.js');
require('jssip/lib/Logger.js'); // JsSIP logs through `debug`, off unless DEBUG is set.

const here = fileURLToPath(new URL('.', import.meta.url));
const corpusDir = `${here}../../crates/sip/benches/corpus/`;
const wasmPath = process.argv[2];
const seconds = Number(process.argv[3] ?? 1);
if (!wasmPath) {
  console.error('usage: node bench.mjs sip_wasm_bench.wasm [seconds]');
  process.exit(2);
}

// `sip` depends on web-time, whose wasm-bindgen imports stay in a cdylib that the bindgen CLI
// did not process. The parser never calls them; stubs that throw prove it.
const module = new WebAssembly.Module(readFileSync(wasmPath));
const imports = {};
for (const { module: m, name } of WebAssembly.Module.imports(module)) {
  imports[m] ??= {};
  imports[m][name] = () => { throw new Error(`unexpected call to ${m}.${name}`); };
}
const instance = new WebAssembly.Instance(module, imports);
const { input, parse, memory } = instance.exports;
const encoder = new TextEncoder();

// A WebSocket text frame arrives as a JS string; our parser needs its UTF-8 bytes in linear
// memory, so the copy is part of what is timed.
function wasmParse(text) {
  const ptr = input(text.length * 3);
  const { written } = encoder.encodeInto(text, new Uint8Array(memory.buffer, ptr, text.length * 3));
  return parse(written);
}

function jssipParse(text) {
  return Parser.parseMessage(text, undefined);
}

function rate(fn, text) {
  for (let i = 0; i < 2000; i++) fn(text); // warm up the JIT
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    for (let i = 0; i < 200; i++) fn(text);
    n += 200;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

const files = readdirSync(corpusDir).filter((f) => f.endsWith('.sip')).sort();
const rows = [];
let totalBytes = 0, jsTime = 0, wasmTime = 0;
for (const f of files) {
  const text = readFileSync(corpusDir + f, 'utf8');
  const js = jssipParse(text);
  if (!js) throw new Error(`JsSIP rejects ${f}`);
  if (wasmParse(text) === 0) throw new Error(`our parser rejects ${f}`);
  const jsRate = rate(jssipParse, text);
  const wasmRate = rate(wasmParse, text);
  totalBytes += text.length;
  jsTime += 1 / jsRate;
  wasmTime += 1 / wasmRate;
  rows.push({ message: f, bytes: text.length, 'JsSIP msg/s': Math.round(jsRate),
    'wasm msg/s': Math.round(wasmRate), ratio: (wasmRate / jsRate).toFixed(1) });
}
console.log(`node ${process.version}, JsSIP ${require('jssip/package.json').version}, ${seconds}s per case`);
console.table(rows);
const mb = (t) => (totalBytes / t / 1e6).toFixed(1);
console.log(`corpus throughput: JsSIP ${mb(jsTime)} MB/s, wasm ${mb(wasmTime)} MB/s, ratio ${(jsTime / wasmTime).toFixed(1)}x`);
