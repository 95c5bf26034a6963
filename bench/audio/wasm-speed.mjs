// The DSP's own cost in V8 (Chromium's engine), without Web Audio: `process` per 128-frame
// quantum for the microphone plus N legs, N-1 matrix, meters and limiters, all inputs present.
//
//   node bench/audio/wasm-speed.mjs <dsp.wasm> [more dsp.wasm ...]
//
// Prints µs per quantum (the median of ROUNDS runs of 20 s of audio each) and the share of the
// real-time budget at 48 kHz (2667 µs a quantum). The files take turns, run by run, so that a
// busy spell on a shared machine slows them alike.

import fs from 'node:fs';

const BLOCK = 128;
const QUANTA = 375 * 20; // 20 s of audio at 48 kHz
const ROUNDS = 7;

function setup(file, legs) {
  const dsp = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), {}).exports;
  const ports = legs + 1;
  dsp.init(48000, ports);
  for (let from = 0; from < ports; from++) for (let to = 0; to < ports; to++) dsp.set_gain(from, to, from === to ? 0 : 0.7);
  const fill = () => {
    let seed = 12345;
    for (let port = 0; port < ports; port++) {
      const input = new Float32Array(dsp.memory.buffer, dsp.input_ptr(port) >>> 0, BLOCK);
      for (let i = 0; i < BLOCK; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        input[i] = (seed / 4294967296 - 0.5) * 0.1;
      }
    }
  };
  const mask = (1 << ports) - 1;
  // The DSP may work on its input blocks in place (a leg's first sound fades in): write them
  // again once that is over, so that every timed quantum mixes the same full-level noise.
  fill();
  for (let n = 0; n < 16; n++) dsp.process(mask);
  fill();
  for (let n = 0; n < 2000; n++) dsp.process(mask); // warm up (tier-up)
  return () => {
    const start = process.hrtime.bigint();
    for (let n = 0; n < QUANTA; n++) dsp.process(mask);
    return Number(process.hrtime.bigint() - start) / 1000 / QUANTA;
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const files = process.argv.slice(2);
for (const legs of [2, 4, 8, 16]) {
  const runs = files.map((file) => setup(file, legs));
  const times = files.map(() => []);
  for (let round = 0; round < ROUNDS; round++) runs.forEach((run, i) => times[i].push(run()));
  const cells = times.map((t) => {
    const us = median(t);
    return `${us.toFixed(2)} µs/quantum (${((100 * us) / ((BLOCK / 48000) * 1e6)).toFixed(2)}%)`;
  });
  console.log(`N=${String(legs).padStart(2)}  ${cells.join('   ')}`);
}
