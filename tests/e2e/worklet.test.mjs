// The real mixer worklet (www/mixer-worklet.js + dsp.wasm, as the app serves them) in Chromium,
// rendered offline so that nothing but our code shapes the samples: a host (port 0, 440 Hz) with
// two legs (B on port 1, 660 Hz; C on port 2, 880 Hz) goes through a whole conference: C rings
// (ringback to the host and B, C8), joins, the host mutes, holds, retrieves and leaves, C's leg
// ends and a new leg takes its port, whose audio starts mid-waveform, and an incoming call
// rings on the ringer output. After every change
// each output holds exactly the tones it should, and no output ever jumps from one sample to the
// next by more than a click's worth.
//
// The conference test (conference.test.mjs) does the same through WebRTC and Kamailio, but
// there the browser's capture, jitter buffers and a loaded machine's late audio callbacks add
// discontinuities of their own; here every sample is ours.
// Run: cargo xtask e2e --grep worklet

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { config, goertzelPower, largestJump, launchAgent, startStaticServer } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

const RATE = 48000;
// Each party's tone, at an amplitude that keeps every mix below the limiter's knee: limiting a
// 660 + 880 Hz mix would add intermodulation at 2*660 - 880 = 440 Hz, the host's own tone.
const TONE = { A: 440, B: 660, C: 880 };
const AMPLITUDE = 0.3;
const RING = [784, 988];
// The tones alone move by at most 2*pi*(660 + 880)*0.3/48000 = 0.06 per sample; a gain step or
// an onset without a ramp jumps by up to a whole amplitude (0.3, or 0.6 for two parties).
const CLICK_LIMIT = 0.15;

// Links (from -> to) of each state; every other link is silent. Port 0 is the host.
const FULL = [[0, 1], [0, 2], [1, 0], [1, 2], [2, 0], [2, 1]];
const SCRIPT = [
  // [time s, label, links, extra messages]
  [0.0, 'C rings', [[0, 1], [1, 0]], [
    { type: 'tone', port: 0, tone: 'ringback', region: 'na' },
    { type: 'tone', port: 1, tone: 'ringback', region: 'na' },
  ]],
  [1.0, 'C joins', FULL, [{ type: 'tone-stop', port: 0 }, { type: 'tone-stop', port: 1 }]],
  [2.0, 'host muted', FULL.filter(([from]) => from !== 0), []],
  [2.5, 'host unmuted', FULL, []],
  [3.0, 'held', [], []],
  [3.5, 'retrieved', FULL, []],
  [4.0, 'host left', [[1, 2], [2, 1]], []],
  // As the app ends a leg: its links ramp out, and its source goes 60 ms later.
  [4.5, "C's leg ends", [], []],
  [4.56, 'C\'s source goes', [], [], 'disconnect C'],
  // A new leg on the same port: its links open before its audio arrives, which then starts
  // mid-waveform (the onset guard fades it in).
  [5.0, 'a new leg is set up', [[1, 2], [2, 1]], []],
  // 1951 quanta: the 880 Hz tone is near its peak there, so an unguarded onset would jump.
  [(1951 * 128) / 48000, 'its audio arrives', [[1, 2], [2, 1]], [], 'connect C'],
  [5.7, 'a call rings', [[1, 2], [2, 1]], [{ type: 'ringer', tone: 'ring', region: 'na' }]],
  [6.2, 'ringing stops', [[1, 2], [2, 1]], [{ type: 'ringer-stop' }]],
];
const LENGTH_SECONDS = 6.7;

// What each output (0 host speaker, 1 to B, 2 to C, 3 ringer) must hold in each state, and
// what it must not; `[]` to hear means silence.
const EXPECT = {
  'C rings': [[[660, 480], [880]], [[440, 480], [660, 880]], [[], [440, 660, 880, 480]], [[], RING]],
  'C joins': [[[660, 880], [440]], [[440, 880], [660]], [[440, 660], [880]], [[], RING]],
  'host muted': [[[660, 880], [440]], [[880], [440, 660]], [[660], [440, 880]], [[], RING]],
  'host unmuted': [[[660, 880], [440]], [[440, 880], [660]], [[440, 660], [880]], [[], RING]],
  held: [[[], [440, 660, 880]], [[], [440, 660, 880]], [[], [440, 660, 880]], [[], RING]],
  retrieved: [[[660, 880], [440]], [[440, 880], [660]], [[440, 660], [880]], [[], RING]],
  'host left': [[[], [440, 660, 880]], [[880], [440, 660]], [[660], [440, 880]], [[], RING]],
  "C's leg ends": [[[], [440, 660, 880]], [[], [440, 660, 880]], [[], [440, 660, 880]], [[], RING]],
  'its audio arrives': [[[], [440, 660, 880]], [[880], [440, 660]], [[660], [440, 880]], [[], RING]],
  'a call rings': [[[], [440, 660, 880, ...RING]], [[880], [440, 660, ...RING]], [[660], [440, 880, ...RING]], [RING, [440, 660, 880]]],
  'ringing stops': [[[], RING], [[880], RING], [[660], RING], [[], RING]],
};

/** Renders the script in the page; returns the four outputs as plain arrays. */
async function render(page, script, seconds) {
  return page.evaluate(async ({ script, seconds, rate, tones, amplitude }) => {
    const ports = 3;
    const ctx = new OfflineAudioContext({ numberOfChannels: ports + 1, length: seconds * rate, sampleRate: rate });
    const module = await WebAssembly.compile(await (await fetch('dsp.wasm')).arrayBuffer());
    await ctx.audioWorklet.addModule('mixer-worklet.js');
    const node = new AudioWorkletNode(ctx, 'softphone-mixer', {
      numberOfInputs: ports,
      numberOfOutputs: ports + 1,
      outputChannelCount: Array(ports + 1).fill(1),
      channelCount: 1,
      channelCountMode: 'explicit',
      processorOptions: { module, ports },
    });
    // Messages reach the processor between render quanta, whenever its thread gets to them. A
    // step waits, with the context suspended, until the worklet has answered a ping (it answers
    // an unknown message with an error, in order), so each change applies at its exact time.
    const errors = [];
    let pinged = null;
    node.port.onmessage = (e) => {
      if (e.data?.type !== 'error') return;
      if (e.data.message === 'unknown message type: ping') pinged?.();
      else errors.push(e.data.message);
    };
    const ping = () =>
      new Promise((resolve) => {
        pinged = resolve;
        node.port.postMessage({ type: 'ping' });
      });
    const sources = [tones.A, tones.B, tones.C].map((frequency, port) => {
      const osc = new OscillatorNode(ctx, { frequency });
      const level = new GainNode(ctx, { gain: amplitude });
      osc.connect(level).connect(node, 0, port);
      osc.start(0);
      return level;
    });
    const merger = new ChannelMergerNode(ctx, { numberOfInputs: ports + 1 });
    for (let out = 0; out <= ports; out++) node.connect(merger, out, out);
    merger.connect(ctx.destination);

    const matrix = (links) => {
      const gains = Array.from({ length: ports }, () => Array(ports).fill(0));
      for (const [from, to] of links) gains[from][to] = 1;
      return { type: 'matrix', gains };
    };
    const apply = ([, , links, messages, graph]) => {
      for (const m of [matrix(links), ...messages]) node.port.postMessage(m);
      if (graph === 'disconnect C') sources[2].disconnect();
      if (graph === 'connect C') sources[2].connect(node, 0, 2);
      return ping();
    };
    await apply(script[0]);
    for (const step of script.slice(1)) {
      ctx.suspend(step[0]).then(async () => {
        await apply(step);
        ctx.resume();
      });
    }
    const rendered = await ctx.startRendering();
    return {
      outputs: Array.from({ length: ports + 1 }, (_, out) => Array.from(rendered.getChannelData(out))),
      errors,
    };
  }, { script, seconds, rate: RATE, tones: TONE, amplitude: AMPLITUDE });
}

test('worklet: three parties through the real mixer: the right tones after every change, and no clicks', async (t) => {
  const agent = await launchAgent(config.wavA, { name: 'worklet' });
  t.after(() => agent.close());
  await agent.page.goto(server.url);
  const { outputs, errors } = await render(agent.page, SCRIPT, LENGTH_SECONDS);
  assert.deepEqual(errors, [], 'the worklet accepted every message');

  const names = ['host speaker', 'to B', 'to C', 'ringer'];
  const problems = [];
  for (const [start, label] of SCRIPT.filter(([, label]) => EXPECT[label])) {
    // 250 ms after the change (everything has ramped and the ring is in its first "on" second),
    // 8192 samples.
    const from = Math.round((start + 0.25) * RATE);
    for (const [out, [hear, notHear]] of EXPECT[label].entries()) {
      const x = Float32Array.from(outputs[out].slice(from, from + 8192));
      const power = (f) => goertzelPower(x, RATE, f);
      const loudestUnwanted = Math.max(1e-20, ...notHear.map(power));
      for (const f of hear) {
        if (!(power(f) > 1e-3 && power(f) > 1e4 * loudestUnwanted)) {
          problems.push(`${label}: ${names[out]} should hear ${f} Hz (${power(f).toExponential(1)} vs ${loudestUnwanted.toExponential(1)})`);
        }
      }
      if (hear.length === 0 && !(loudestUnwanted < 1e-9)) {
        problems.push(`${label}: ${names[out]} should be silent (${loudestUnwanted.toExponential(1)})`);
      }
    }
  }
  assert.deepEqual(problems, []);

  for (const [out, samples] of outputs.entries()) {
    const { jump: largest, at } = largestJump(samples);
    t.diagnostic(`${names[out]}: largest jump ${largest.toFixed(3)} at ${(at / RATE).toFixed(3)} s`);
    assert.ok(largest < CLICK_LIMIT, `${names[out]} clicks at ${(at / RATE).toFixed(3)} s: ${largest}`);
  }
});
