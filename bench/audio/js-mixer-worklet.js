// Variant (b): the same per-quantum work as the Rust DSP (crates/dsp), as a plain, reasonably
// optimised JavaScript worklet: meters on every present input (block mean square into a
// one-pole RMS, peak with hold and decay), the N-1 gain matrix with 5 ms linear ramps, and the
// same peak limiter + soft clip on every output, and the onset guard on every input (a leg that
// starts after 2 ms of exact zeros fades in over 10 ms). Meters are posted at most 20 times a
// second.
const BLOCK = 128;
const MIN_SILENCE_SECONDS = 0.002;
const FADE_SECONDS = 0.01;
const RAMP_SECONDS = 0.005;
const KNEE = 0.9;
const CEILING = 1.0;
const RMS_SECONDS = 0.1;
const HOLD_SECONDS = 0.5;
const DECAY_DB_PER_SECOND = 20;

/** Exact zeros at the end of a block. */
function trailingZeros(x) {
  let zeros = 0;
  while (zeros < BLOCK && x[BLOCK - 1 - zeros] === 0) zeros++;
  return zeros;
}

class JsMixer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { ports, gains } = options.processorOptions;
    this.ports = ports;
    this.rampFrames = Math.max(1, Math.round(sampleRate * RAMP_SECONDS));
    const n = ports * ports;
    // links[from * ports + to]
    this.current = new Float32Array(n);
    this.target = new Float32Array(n);
    this.step = new Float32Array(n);
    this.remaining = new Int32Array(n);
    this.envelope = new Float32Array(ports);
    this.attack = Math.exp(-1 / (0.001 * sampleRate));
    this.release = Math.exp(-1 / (0.1 * sampleRate));
    const blockSeconds = BLOCK / sampleRate;
    this.rmsCoefficient = 1 - Math.exp(-blockSeconds / RMS_SECONDS);
    this.peakDecay = Math.pow(10, (-DECAY_DB_PER_SECOND * blockSeconds) / 20);
    this.holdBlocks = Math.round(HOLD_SECONDS / blockSeconds);
    this.meanSquare = new Float32Array(ports);
    this.peak = new Float32Array(ports);
    this.holdLeft = new Int32Array(ports);
    this.levels = new Float32Array(2 * ports);
    this.present = new Uint8Array(ports);
    this.mix = new Float32Array(BLOCK);
    // Onset guard, as crates/dsp/src/onset.rs.
    this.fadeFrames = Math.max(1, Math.round(sampleRate * FADE_SECONDS));
    this.minSilence = Math.max(1, Math.round(sampleRate * MIN_SILENCE_SECONDS));
    this.silentFrames = new Float64Array(ports).fill(Infinity);
    this.faded = new Int32Array(ports).fill(this.fadeFrames);
    this.guarded = Array.from({ length: ports }, () => new Float32Array(BLOCK));
    this.inputs = new Array(ports).fill(null);
    this.meterInterval = Math.ceil(sampleRate / 20);
    this.meterFrames = 0;
    if (gains) this.setMatrix(gains);
    this.port.onmessage = (e) => {
      if (e.data?.type === "matrix") this.setMatrix(e.data.gains);
    };
  }

  setMatrix(gains) {
    const p = this.ports;
    for (let from = 0; from < p; from++) {
      for (let to = 0; to < p; to++) {
        const i = from * p + to;
        const g = gains[from][to];
        if (g === this.target[i]) continue;
        this.target[i] = g;
        this.step[i] = (g - this.current[i]) / this.rampFrames;
        this.remaining[i] = this.rampFrames;
      }
    }
  }

  meter(port, x) {
    let squares = 0;
    let peak = 0;
    for (let i = 0; i < BLOCK; i++) {
      const s = x[i];
      squares += s * s;
      const a = s < 0 ? -s : s;
      if (a > peak) peak = a;
    }
    this.meanSquare[port] += this.rmsCoefficient * (squares / BLOCK - this.meanSquare[port]);
    if (peak >= this.peak[port]) {
      this.peak[port] = peak;
      this.holdLeft[port] = this.holdBlocks;
    } else if (this.holdLeft[port] > 0) {
      this.holdLeft[port]--;
    } else {
      this.peak[port] = Math.max(this.peak[port] * this.peakDecay, peak);
    }
    this.levels[2 * port] = Math.sqrt(this.meanSquare[port]);
    this.levels[2 * port + 1] = this.peak[port];
  }

  // The input as the mixer should see it: itself, or a faded copy at an onset after silence.
  guard(port, x) {
    let start = 0;
    if (this.faded[port] >= this.fadeFrames) {
      let first = 0;
      while (first < BLOCK && x[first] === 0) first++;
      if (first === BLOCK) {
        this.silentFrames[port] += BLOCK;
        return x;
      }
      if (this.silentFrames[port] + first < this.minSilence) {
        this.silentFrames[port] = trailingZeros(x);
        return x;
      }
      this.faded[port] = 0;
      start = first;
    }
    const y = this.guarded[port];
    y.set(x);
    let faded = this.faded[port];
    for (let k = start; k < BLOCK && faded < this.fadeFrames; k++) {
      faded++;
      y[k] *= faded / this.fadeFrames;
    }
    this.faded[port] = faded;
    this.silentFrames[port] = trailingZeros(y);
    return y;
  }

  process(inputs, outputs) {
    const p = this.ports;
    for (let port = 0; port < p; port++) {
      const present = inputs[port].length > 0;
      this.present[port] = present ? 1 : 0;
      if (present) {
        const x = this.guard(port, inputs[port][0]);
        this.inputs[port] = x;
        this.meter(port, x);
      } else {
        this.silentFrames[port] = Infinity;
        this.faded[port] = this.fadeFrames;
        this.meanSquare[port] = 0;
        this.peak[port] = 0;
        this.levels[2 * port] = 0;
        this.levels[2 * port + 1] = 0;
      }
    }
    const mix = this.mix;
    for (let to = 0; to < p; to++) {
      mix.fill(0);
      for (let from = 0; from < p; from++) {
        const i = from * p + to;
        if (!this.present[from]) {
          if (this.remaining[i] > 0) {
            this.remaining[i] = Math.max(0, this.remaining[i] - BLOCK);
            this.current[i] = this.remaining[i] === 0 ? this.target[i] : this.target[i] - this.step[i] * this.remaining[i];
          }
          continue;
        }
        const x = this.inputs[from];
        if (this.remaining[i] === 0) {
          const g = this.current[i];
          if (g === 0) continue;
          for (let k = 0; k < BLOCK; k++) mix[k] += g * x[k];
        } else {
          const target = this.target[i];
          const step = this.step[i];
          let left = this.remaining[i];
          for (let k = 0; k < BLOCK; k++) {
            if (left > 0) left--;
            mix[k] += (target - step * left) * x[k];
          }
          this.remaining[i] = left;
          this.current[i] = target - step * left;
        }
      }
      // Limiter and soft clip, as crates/dsp/src/limiter.rs.
      let envelope = this.envelope[to];
      const out = outputs[to][0];
      const attack = this.attack;
      const release = this.release;
      for (let k = 0; k < BLOCK; k++) {
        const x = mix[k];
        const level = x < 0 ? -x : x;
        envelope = level + (level > envelope ? attack : release) * (envelope - level);
        if (envelope < 1e-9) envelope = 0;
        let y = envelope > KNEE ? x * (KNEE / envelope) : x;
        const m = y < 0 ? -y : y;
        if (m > KNEE) {
          const bent = Math.min(CEILING, KNEE + (CEILING - KNEE) * Math.tanh((m - KNEE) / (CEILING - KNEE)));
          y = y < 0 ? -bent : bent;
        }
        out[k] = y;
      }
      this.envelope[to] = envelope;
    }
    this.meterFrames += BLOCK;
    if (this.meterFrames >= this.meterInterval) {
      this.meterFrames = 0;
      const levels = [];
      for (let port = 0; port < p; port++) levels.push([this.levels[2 * port], this.levels[2 * port + 1]]);
      this.port.postMessage({ type: "meters", levels });
    }
    return true;
  }
}
registerProcessor("bench-js-mixer", JsMixer);
