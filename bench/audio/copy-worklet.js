// Variant (f), the floor: copies each input to its output and nothing else. Every worklet pays
// this (Web Audio -> JS arrays -> Web Audio), whatever it computes.
class CopyProcessor extends AudioWorkletProcessor {
  process(inputs, outputs) {
    const count = Math.min(inputs.length, outputs.length);
    for (let port = 0; port < count; port++) {
      const input = inputs[port];
      if (input.length > 0) outputs[port][0].set(input[0]);
    }
    return true;
  }
}
registerProcessor("bench-copy", CopyProcessor);
