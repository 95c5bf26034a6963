// The DSP's own cost in V8 (Chromium's engine), without Web Audio: `process` per 128-frame
// quantum for the microphone plus N legs, N-1 matrix, meters and limiters, all inputs present.
//
//   node bench/audio/wasm-speed.mjs <dsp.wasm> [more dsp.wasm ...]
//
// Prints µs per quantum and the share of the real-time budget at 48 kHz (2667 µs a quantum).

import fs from 'node:fs';

const BLOCK = 128;
const QUANTA = 375 * 20; // 20 s of audio at 48 kHz

function measure(file, legs) {
  const dsp = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), {}).exports;
  const ports = legs + 1;
  dsp.init(48000, ports);
  for (let from = 0; from < ports; from++) for (let to = 0; to < ports; to++) dsp.set_gain(from, to, from === to ? 0 : 0.7);
  let seed = 12345;
  for (let port = 0; port < ports; port++) {
    const input = new Float32Array(dsp.memory.buffer, dsp.input_ptr(port) >>> 0, BLOCK);
    for (let i = 0; i < BLOCK; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      input[i] = (seed / 4294967296 - 0.5) * 0.1;
    }
  }
  const mask = (1 << ports) - 1;
  for (let n = 0; n < 2000; n++) dsp.process(mask); // warm up (tier-up)
  const times = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    for (let n = 0; n < QUANTA; n++) dsp.process(mask);
    times.push(Number(process.hrtime.bigint() - start) / 1000 / QUANTA);
  }
  times.sort((a, b) => a - b);
  return times[2];
}

const files = process.argv.slice(2);
for (const legs of [2, 4, 8, 16]) {
  const cells = files.map((file) => {
    const us = measure(file, legs);
    return `${us.toFixed(2)} µs/quantum (${((100 * us) / ((BLOCK / 48000) * 1e6)).toFixed(2)}%)`;
  });
  console.log(`N=${String(legs).padStart(2)}  ${cells.join('   ')}`);
}
