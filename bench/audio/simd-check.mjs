// Proves the simd128 build of dsp.wasm mixes exactly like the scalar build: both modules get the
// same 17 ports of noise, tones and a changing gain matrix (ramps always running), and every
// output and meter block must match bit for bit, with the microphone's noise suppressor switched
// on and off at changing strengths (its network and FFT run on input 0 for most of the blocks).
// Also checks both have no imports.
//
//   node bench/audio/simd-check.mjs <scalar dsp.wasm> <simd128 dsp.wasm>
//
// `cargo xtask bench audio` runs it before timing anything.

import fs from 'node:fs';

const BLOCK = 128;

function load(file) {
  const module = new WebAssembly.Module(fs.readFileSync(file));
  const imports = WebAssembly.Module.imports(module);
  if (imports.length > 0) {
    throw new Error(`${file} imports ${imports.map((i) => `${i.module}.${i.name}`).join(', ')}`);
  }
  return new WebAssembly.Instance(module, {}).exports;
}

function drive(dsp, blocks, rate) {
  const ports = dsp.max_ports();
  dsp.init(rate, ports);
  let seed = 0x2545f491;
  const noise = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) / 4294967296) * 2 - 1;
  };
  const outputs = [];
  const view = (ptr, n) => new Float32Array(dsp.memory.buffer, ptr >>> 0, n);
  for (let n = 0; n < blocks; n++) {
    for (let k = 0; k < 5; k++) {
      const from = Math.floor((noise() + 1) * 8.5) % ports;
      const to = Math.floor((noise() + 1) * 8.5) % ports;
      dsp.set_gain(from, to, noise() * 2);
    }
    if (n % 50 === 0) dsp.tone_start(n % ports, n % 4, n % 3, 0.3);
    if (n % 50 === 25) dsp.tone_stop((n - 25) % ports);
    if (n % 300 === 0) dsp.denoise_set(n % 900 === 600 ? 0 : 1, (n % 4) / 3);
    let mask = 0;
    for (let port = 0; port < ports; port++) {
      if ((n + port) % 7 === 0) continue; // some inputs absent
      mask |= 1 << port;
      const input = view(dsp.input_ptr(port), BLOCK);
      for (let i = 0; i < BLOCK; i++) input[i] = noise() * 0.5;
    }
    dsp.process(mask >>> 0);
    const out = new Float32Array(ports * BLOCK + 2 * ports);
    for (let port = 0; port < ports; port++) out.set(view(dsp.output_ptr(port), BLOCK), port * BLOCK);
    out.set(view(dsp.meter_ptr(), 2 * ports), ports * BLOCK);
    outputs.push(out);
  }
  return outputs;
}

const [scalarFile, simdFile] = process.argv.slice(2);
if (!scalarFile || !simdFile) {
  console.error('usage: node simd-check.mjs <scalar dsp.wasm> <simd128 dsp.wasm>');
  process.exit(2);
}
const simdModule = new WebAssembly.Module(fs.readFileSync(simdFile));
const usesSimd = fs.readFileSync(simdFile).includes(Buffer.from([0xfd])); // SIMD opcode prefix
for (const rate of [44100, 48000]) {
  const a = drive(load(scalarFile), 2000, rate);
  const b = drive(load(simdFile), 2000, rate);
  let samples = 0;
  for (let n = 0; n < a.length; n++) {
    const x = new Uint32Array(a[n].buffer);
    const y = new Uint32Array(b[n].buffer);
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== y[i]) {
        console.error(`simd-check: block ${n} word ${i} differs at ${rate} Hz: ${a[n][i]} vs ${b[n][i]}`);
        process.exit(1);
      }
    }
    samples += x.length;
  }
  console.log(`simd-check: ${rate} Hz: ${samples} output and meter values identical (scalar vs simd128)`);
}
void simdModule;
void usesSimd;
