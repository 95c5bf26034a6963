// One measurement per page load: `await window.bench({ variant, legs, seconds, verify })`.
//
// The graph: P = legs + 1 ports (the microphone and `legs` remote legs), each fed a sine of its
// own frequency (amplitude 0.05, on an exact analysis bin), mixed N-1 (every output hears every
// other input at gain 0.7, never itself), limited, with meters on every input. Each source is
// one looping AudioBufferSourceNode over a WINDOW-frame buffer that already holds the sine at
// its amplitude (an oscillator and a gain node per port cost half the real-time budget at N=16):
//   s  the sources straight to the destination (what every row pays besides its processing)
//   f  JS worklet that only copies each input to its output (the floor)
//   a  our worklet, www/mixer-worklet.js + dsp.wasm (Rust, simd128)
//   d  the same with the microphone's noise suppressor on (RNNoise on port 0 before the mix)
//   b  the same work in a plain JS worklet (js-mixer-worklet.js)
//   c  native Web Audio: a GainNode per link, a DynamicsCompressorNode per output as limiter,
//      an AnalyserNode per input read 20 times a second (suspend/resume of the offline context)
// verify: renders VERIFY_SECONDS into P channels and checks each output's spectrum;
// otherwise renders `seconds` with all outputs summed into one channel and times
// `startRendering()`.

const RATE = 48000;
const VERIFY_SECONDS = 1;
const WINDOW = 8192; // analysis window: 5.86 Hz bins
const AMPLITUDE = 0.05;
const LINK_GAIN = 0.7;

// Cycles per WINDOW: every frequency is an exact bin, so a WINDOW-frame buffer loops seamlessly.
const cyclesOf = (port) => 31 + 11 * port;
const frequencyOf = (port) => (cyclesOf(port) * RATE) / WINDOW;

// One WINDOW of port's sine at AMPLITUDE, computed in float64 (the phase reduced exactly, in
// integers) and stored as float32. AudioBuffers belong to no context: one per port serves every
// render of the page.
const sineBuffers = [];
function sineBuffer(port) {
  if (!sineBuffers[port]) {
    const cycles = cyclesOf(port);
    const samples = new Float32Array(WINDOW);
    for (let i = 0; i < WINDOW; i++) {
      samples[i] = AMPLITUDE * Math.sin((2 * Math.PI * ((cycles * i) % WINDOW)) / WINDOW);
    }
    const buffer = new AudioBuffer({ numberOfChannels: 1, length: WINDOW, sampleRate: RATE });
    buffer.copyToChannel(samples, 0);
    sineBuffers[port] = buffer;
  }
  return sineBuffers[port];
}

let dspModule = null;
async function dsp() {
  dspModule ??= await WebAssembly.compileStreaming(fetch("dsp.wasm"));
  return dspModule;
}

function matrix(ports) {
  return Array.from({ length: ports }, (_, from) =>
    Array.from({ length: ports }, (_, to) => (from === to ? 0 : LINK_GAIN)),
  );
}

async function build(ctx, variant, ports, sink) {
  const sources = [];
  for (let port = 0; port < ports; port++) {
    const source = new AudioBufferSourceNode(ctx, { buffer: sineBuffer(port), loop: true });
    source.start(0);
    sources.push(source);
  }
  const workletOptions = {
    numberOfInputs: ports,
    numberOfOutputs: ports,
    outputChannelCount: Array(ports).fill(1),
    channelCount: 1,
    channelCountMode: "explicit",
  };
  let onRenderTick = null;
  if (variant === "s") {
    // The sources alone, no processing: what every row pays before the worklet or nodes.
    for (let port = 0; port < ports; port++) sink(sources[port], port);
  } else if (variant === "c") {
    const analysers = [];
    const buffers = [];
    const limiters = [];
    for (let to = 0; to < ports; to++) {
      limiters.push(
        new DynamicsCompressorNode(ctx, { threshold: -1, knee: 0, ratio: 20, attack: 0.001, release: 0.1 }),
      );
      sink(limiters[to], to);
    }
    for (let from = 0; from < ports; from++) {
      const analyser = new AnalyserNode(ctx, { fftSize: 2048 });
      sources[from].connect(analyser);
      analysers.push(analyser);
      buffers.push(new Float32Array(analyser.fftSize));
      for (let to = 0; to < ports; to++) {
        if (from === to) continue;
        const link = new GainNode(ctx, { gain: LINK_GAIN });
        sources[from].connect(link);
        link.connect(limiters[to]);
      }
    }
    // Meters: read every analyser 20 times a second, as the app would for its indicators.
    onRenderTick = () => {
      const levels = [];
      for (let i = 0; i < ports; i++) {
        const b = buffers[i];
        analysers[i].getFloatTimeDomainData(b);
        let squares = 0;
        let peak = 0;
        for (let k = 0; k < b.length; k++) {
          squares += b[k] * b[k];
          peak = Math.max(peak, Math.abs(b[k]));
        }
        levels.push([Math.sqrt(squares / b.length), peak]);
      }
      return levels;
    };
  } else {
    let node;
    if (variant === "f") {
      await ctx.audioWorklet.addModule("copy-worklet.js");
      node = new AudioWorkletNode(ctx, "bench-copy", workletOptions);
    } else if (variant === "a" || variant === "d") {
      await ctx.audioWorklet.addModule("mixer-worklet.js");
      const denoise = { on: variant === "d", strength: 1 };
      node = new AudioWorkletNode(ctx, "softphone-mixer", {
        ...workletOptions,
        processorOptions: { module: await dsp(), ports, gains: matrix(ports), denoise },
      });
    } else if (variant === "b") {
      await ctx.audioWorklet.addModule("js-mixer-worklet.js");
      node = new AudioWorkletNode(ctx, "bench-js-mixer", {
        ...workletOptions,
        processorOptions: { ports, gains: matrix(ports) },
      });
    } else {
      throw new Error(`unknown variant ${variant}`);
    }
    let meterMessages = 0;
    node.port.onmessage = (e) => {
      if (e.data?.type === "meters") meterMessages++;
      if (e.data?.type === "error") console.error(`worklet: ${e.data.message}`);
    };
    for (let port = 0; port < ports; port++) {
      sources[port].connect(node, 0, port);
      sink(node, port, port);
    }
  }
  return onRenderTick;
}

// Goertzel power at `frequency` over `x` (exact bins: no window needed for a pure sine).
function power(x, frequency) {
  const w = (2 * Math.PI * frequency) / RATE;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i] + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - c * s1 * s2) / (x.length * x.length);
}

async function verify(variant, ports) {
  const ctx = new OfflineAudioContext({ numberOfChannels: ports, length: VERIFY_SECONDS * RATE, sampleRate: RATE });
  const merger = new ChannelMergerNode(ctx, { numberOfInputs: ports });
  merger.connect(ctx.destination);
  await build(ctx, variant, ports, (node, to, output = 0) => node.connect(merger, output, to));
  const rendered = await ctx.startRendering();
  const problems = [];
  for (let to = 0; to < ports; to++) {
    // 0.5 s in: ramps, compressors and limiters have settled.
    const x = rendered.getChannelData(to).subarray(3 * WINDOW, 4 * WINDOW);
    if (x.length !== WINDOW) throw new Error(`render too short for the analysis window`);
    const powers = Array.from({ length: ports }, (_, from) => power(x, frequencyOf(from)));
    // (f) copies: output `to` holds input `to` only. The mixers: every input but `to`.
    const copies = variant === "f" || variant === "s";
    const hears = (from) => (copies ? from === to : from !== to);
    // (d): the suppressor takes port 0's steady sine for noise, so port 0 is not measured;
    // it must still be no louder than the others.
    const measured = (from) => variant !== "d" || from !== 0;
    const heard = powers.filter((_, from) => hears(from) && measured(from)).sort((p, q) => p - q);
    const median = heard[Math.floor(heard.length / 2)];
    const expected = ((AMPLITUDE * (copies ? 1 : LINK_GAIN)) ** 2) / 4;
    for (let from = 0; from < ports; from++) {
      if (!measured(from)) {
        if (!(powers[from] < median * 1.26)) problems.push(`output ${to}: the suppressed microphone is louder than the legs`);
        continue;
      }
      if (!hears(from)) {
        if (!(powers[from] < median * 1e-6)) {
          problems.push(`output ${to} hears input ${from} (${(10 * Math.log10(powers[from] / median)).toFixed(1)} dB)`);
        }
        continue;
      }
      // Same level for every other input (±1 dB); (c)'s compressor may add makeup gain.
      if (!(powers[from] > median * 0.79 && powers[from] < median * 1.26)) {
        problems.push(`output ${to} hears input ${from} at ${(10 * Math.log10(powers[from] / median)).toFixed(1)} dB vs the others`);
      }
    }
    if (variant !== "c" && !(Math.abs(median / expected - 1) < 0.05)) {
      problems.push(`output ${to}: level ${(10 * Math.log10(median / expected)).toFixed(2)} dB off`);
    }
  }
  return { ok: problems.length === 0, problems: problems.slice(0, 5) };
}

async function time(variant, ports, seconds) {
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: seconds * RATE, sampleRate: RATE });
  const tick = await build(ctx, variant, ports, (node, to, output = 0) => node.connect(ctx.destination, output));
  let ticks = 0;
  if (tick) {
    // Suspend every 50 ms of audio to read the analysers (AnalyserNode meters, variant c).
    const step = 0.05;
    const schedule = (t) => {
      if (t >= seconds) return;
      ctx.suspend(t).then(() => {
        tick();
        ticks++;
        schedule(t + step);
        ctx.resume();
      });
    };
    schedule(step);
  }
  const start = performance.now();
  await ctx.startRendering();
  const ms = performance.now() - start;
  return { ms, ticks };
}

window.bench = async ({ variant, legs, seconds = 60, verify: check = false }) => {
  const ports = legs + 1;
  return check ? verify(variant, ports) : time(variant, ports, seconds);
};
window.benchReady = true;
