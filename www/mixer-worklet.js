// Conference mixer worklet: glue between Web Audio and the Rust DSP in `crates/dsp` (built as
// `dsp.wasm`, no imports). All mixing happens in wasm; this file only copies audio in and out
// and forwards gain messages.
//
// Main thread:
//   const module = await WebAssembly.compileStreaming(fetch("dsp.wasm"));
//   await ctx.audioWorklet.addModule("mixer-worklet.js");
//   const node = new AudioWorkletNode(ctx, "softphone-mixer", {
//     numberOfInputs: ports, numberOfOutputs: ports + 1,   // + 1: the ringer (optional)
//     outputChannelCount: Array(ports + 1).fill(1),
//     channelCount: 1, channelCountMode: "explicit",
//     processorOptions: { module, ports, gains, denoise },
//   });
//   gains (optional): the initial matrix, as below; denoise (optional): the initial noise
//   suppression, as the "denoise" message below (absent: off).
//
// Messages on `node.port` (each applies from the next render quantum; gains ramp in the DSP):
//   { type: "gain", from, to, gain }   one link of the matrix: `to` hears `from` at `gain`
//   { type: "matrix", gains }          all links: `gains[from][to]`, ports x ports
//   { type: "tone", port, tone, region, gain? }
//                                      play a tone on output `port`, replacing its tone:
//                                      `tone` is "ringback" | "busy" | "reorder" | "call-waiting"
//                                      | "dtmf-0".."dtmf-9" | "dtmf-*" | "dtmf-#" | "dtmf-A".."dtmf-D";
//                                      `region` is "na" | "uk" | "eu"; `gain` (peak, default 0.2)
//   { type: "tone-stop", port }        fade out output `port`'s tone
//   { type: "ringer", tone, region, gain? }
//                                      play a tone ("ring" is the incoming-call ring) on the
//                                      ringer output, replacing what it played
//   { type: "ringer-stop" }            fade out the ringer
//   { type: "denoise", on, strength }  the microphone's noise suppression (input 0, before the
//                                      mix): `on` a boolean, `strength` 0..1 (1: the network's
//                                      full output)
// Port 0 is the local microphone (input) and speaker (output); ports 1..16 are remote legs.
// Output `ports`, when the node has it, is the ringer: outside the matrix, so the page can send
// it to another device than the speaker.
// A malformed message is dropped and answered with { type: "error", message }.
//
// Messages from the processor:
//   { type: "meters", levels }         at most 20 times a second: `levels[port] = [rms, peak]`
//                                      (linear) for every input port; absent inputs read [0, 0]
//                                      (port 0 is measured after the noise suppressor)
//   { type: "error", message }

const BLOCK = 128;
const METER_RATE_HZ = 20;
const DEFAULT_TONE_GAIN = 0.2;
// Codes of dsp::Tone::from_code and dsp::Region::from_code.
const TONES = { ringback: 0, busy: 1, reorder: 2, "call-waiting": 3, ring: 4 };
for (const [i, key] of [..."0123456789*#ABCD"].entries()) TONES[`dtmf-${key}`] = 16 + i;
const REGIONS = { na: 0, uk: 1, eu: 2 };

class SoftphoneMixer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { module, ports } = options.processorOptions;
    this.dsp = new WebAssembly.Instance(module, {}).exports;
    if (this.dsp.block_frames() !== BLOCK) {
      throw new Error(`dsp.wasm works on ${this.dsp.block_frames()}-frame blocks, not ${BLOCK}`);
    }
    const max = this.dsp.max_ports();
    if (!Number.isInteger(ports) || ports < 1 || ports > max) {
      throw new RangeError(`ports must be an integer in 1..=${max}, got ${ports}`);
    }
    this.ports = ports;
    this.dsp.init(sampleRate, ports);
    // Frames between meter messages: at most METER_RATE_HZ a second.
    this.meterInterval = Math.ceil(sampleRate / METER_RATE_HZ);
    this.meterFrames = 0;
    this.memoryBuffer = null;
    this.inputViews = [];
    this.outputViews = [];
    this.refreshViews();
    // An initial matrix applies from the very first quantum (messages arrive later).
    if (options.processorOptions.gains !== undefined) {
      this.onMessage({ type: "matrix", gains: options.processorOptions.gains });
    }
    if (options.processorOptions.denoise !== undefined) {
      this.onMessage({ type: "denoise", ...options.processorOptions.denoise });
    }
    this.port.onmessage = (event) => this.onMessage(event.data);
  }

  // Views over wasm memory detach when it grows; the addresses stay valid, so rebuild them.
  refreshViews() {
    const buffer = this.dsp.memory.buffer;
    if (buffer === this.memoryBuffer) return;
    this.memoryBuffer = buffer;
    for (let port = 0; port < this.ports; port++) {
      this.inputViews[port] = new Float32Array(buffer, this.dsp.input_ptr(port) >>> 0, BLOCK);
      this.outputViews[port] = new Float32Array(buffer, this.dsp.output_ptr(port) >>> 0, BLOCK);
    }
    this.meterView = new Float32Array(buffer, this.dsp.meter_ptr() >>> 0, 2 * this.ports);
    this.ringerView = new Float32Array(buffer, this.dsp.ringer_ptr() >>> 0, BLOCK);
  }

  isPort(value) {
    return Number.isInteger(value) && value >= 0 && value < this.ports;
  }

  // Tone and region names to the DSP's codes; undefined when either is unknown.
  toneCodes(tone, region) {
    const toneCode = Object.hasOwn(TONES, tone) ? TONES[tone] : undefined;
    const regionCode = Object.hasOwn(REGIONS, region) ? REGIONS[region] : undefined;
    return toneCode === undefined || regionCode === undefined ? undefined : [toneCode, regionCode];
  }

  // Gains go straight into the DSP: messages run between render quanta, so a change is
  // picked up by the next `process` call.
  onMessage(message) {
    if (message?.type === "gain") {
      const { from, to, gain } = message;
      if (!this.isPort(from) || !this.isPort(to) || !Number.isFinite(gain)) {
        this.reject(`bad gain message: from ${from}, to ${to}, gain ${gain}`);
        return;
      }
      this.dsp.set_gain(from, to, gain);
    } else if (message?.type === "matrix") {
      const { gains } = message;
      const square =
        Array.isArray(gains) &&
        gains.length === this.ports &&
        gains.every(
          (row) =>
            Array.isArray(row) && row.length === this.ports && row.every(Number.isFinite),
        );
      if (!square) {
        this.reject(`matrix must be ${this.ports}x${this.ports} finite numbers`);
        return;
      }
      for (let from = 0; from < this.ports; from++) {
        for (let to = 0; to < this.ports; to++) {
          this.dsp.set_gain(from, to, gains[from][to]);
        }
      }
    } else if (message?.type === "tone") {
      const { port, tone, region } = message;
      const gain = message.gain ?? DEFAULT_TONE_GAIN;
      const codes = this.toneCodes(tone, region);
      if (!this.isPort(port) || codes === undefined || !Number.isFinite(gain)) {
        this.reject(`bad tone message: port ${port}, tone ${tone}, region ${region}, gain ${gain}`);
        return;
      }
      this.dsp.tone_start(port, codes[0], codes[1], gain);
    } else if (message?.type === "tone-stop") {
      const { port } = message;
      if (!this.isPort(port)) {
        this.reject(`bad tone-stop message: port ${port}`);
        return;
      }
      this.dsp.tone_stop(port);
    } else if (message?.type === "ringer") {
      const { tone, region } = message;
      const gain = message.gain ?? DEFAULT_TONE_GAIN;
      const codes = this.toneCodes(tone, region);
      if (codes === undefined || !Number.isFinite(gain)) {
        this.reject(`bad ringer message: tone ${tone}, region ${region}, gain ${gain}`);
        return;
      }
      this.dsp.ringer_start(codes[0], codes[1], gain);
    } else if (message?.type === "ringer-stop") {
      this.dsp.ringer_stop();
    } else if (message?.type === "denoise") {
      const { on, strength } = message;
      if (typeof on !== "boolean" || !Number.isFinite(strength)) {
        this.reject(`bad denoise message: on ${on}, strength ${strength}`);
        return;
      }
      if (typeof this.dsp.denoise_set !== "function") {
        this.reject("this dsp.wasm was built without the noise suppressor");
        return;
      }
      this.dsp.denoise_set(on ? 1 : 0, strength);
    } else {
      this.reject(`unknown message type: ${message?.type}`);
    }
  }

  postMeters() {
    const levels = [];
    for (let port = 0; port < this.ports; port++) {
      levels.push([this.meterView[2 * port], this.meterView[2 * port + 1]]);
    }
    this.port.postMessage({ type: "meters", levels });
  }

  reject(message) {
    this.port.postMessage({ type: "error", message });
  }

  process(inputs, outputs) {
    this.refreshViews();
    let mask = 0;
    const inputCount = Math.min(this.ports, inputs.length);
    for (let port = 0; port < inputCount; port++) {
      const channels = inputs[port];
      if (channels.length > 0) {
        this.inputViews[port].set(channels[0]);
        mask |= 1 << port;
      }
    }
    this.dsp.process(mask >>> 0);
    const outputCount = Math.min(this.ports, outputs.length);
    for (let port = 0; port < outputCount; port++) {
      const view = this.outputViews[port];
      const channels = outputs[port];
      // Indexed loops: no iterator objects on the audio thread.
      for (let c = 0; c < channels.length; c++) channels[c].set(view);
    }
    if (outputs.length > this.ports) {
      const channels = outputs[this.ports];
      for (let c = 0; c < channels.length; c++) channels[c].set(this.ringerView);
    }
    this.meterFrames += BLOCK;
    if (this.meterFrames >= this.meterInterval) {
      this.meterFrames = 0;
      this.postMeters();
    }
    return true;
  }
}

registerProcessor("softphone-mixer", SoftphoneMixer);
