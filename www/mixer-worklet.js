// Conference mixer worklet: glue between Web Audio and the Rust DSP in `crates/dsp` (built as
// `dsp.wasm`, no imports). All mixing happens in wasm; this file only copies audio in and out
// and forwards gain messages.
//
// Main thread:
//   const module = await WebAssembly.compileStreaming(fetch("dsp.wasm"));
//   await ctx.audioWorklet.addModule("mixer-worklet.js");
//   const node = new AudioWorkletNode(ctx, "softphone-mixer", {
//     numberOfInputs: ports, numberOfOutputs: ports,
//     outputChannelCount: Array(ports).fill(1),
//     channelCount: 1, channelCountMode: "explicit",
//     processorOptions: { module, ports },
//   });
//
// Messages on `node.port` (each applies from the next render quantum; gains ramp in the DSP):
//   { type: "gain", from, to, gain }   one link of the matrix: `to` hears `from` at `gain`
//   { type: "matrix", gains }          all links: `gains[from][to]`, ports x ports
// Port 0 is the local microphone (input) and speaker (output); ports 1..16 are remote legs.
// A malformed message is dropped and answered with { type: "error", message }.

const BLOCK = 128;

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
    this.memoryBuffer = null;
    this.inputViews = [];
    this.outputViews = [];
    this.refreshViews();
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
  }

  isPort(value) {
    return Number.isInteger(value) && value >= 0 && value < this.ports;
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
    } else {
      this.reject(`unknown message type: ${message?.type}`);
    }
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
      for (const channel of outputs[port]) channel.set(view);
    }
    return true;
  }
}

registerProcessor("softphone-mixer", SoftphoneMixer);
