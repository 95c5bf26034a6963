// Noise suppression of the agent's microphone (RNNoise in the worklet's dsp.wasm): agent A's
// fake microphone plays espeak-ng speech with white noise under it (xtask/src/speech.rs, made
// when the run starts); B hears it with A's suppression off, then on, then at half strength,
// each switched in A's Settings during the call, and remembered across a reload.
// Run: cargo xtask e2e --grep "noise suppression"

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, startStaticServer } from './harness.mjs';

const SPEECH_WAV = process.env.SOFTPHONE_WAV_SPEECH;
/** One pass of the looping fixture is about 12.8 s: a listen covers at least one. */
const LISTEN_MS = 14_000;
/** Frames of 20 ms at 48 kHz, the unit whose level is ranked. */
const FRAME = 960;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const db = (ratio) => 20 * Math.log10(ratio);

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/**
 * Reads B's speaker for `ms`, every 100 ms (each read is the latest 8192 samples, so reads
 * overlap and every stretch is seen), and ranks the RMS of every whole 20 ms frame. The
 * fixture's pauses are about a third of it, so the 10th percentile is noise alone and the
 * 90th is speech; both are returned in linear RMS, with the frame count.
 */
async function listen(agent, ms) {
  const levels = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const { sampleRate, samples } = await agent.speakerSamples();
    assert.equal(sampleRate, 48_000, 'the AudioContext runs at 48 kHz');
    for (let i = 0; i + FRAME <= samples.length; i += FRAME) {
      let sum = 0;
      for (let k = i; k < i + FRAME; k++) sum += samples[k] * samples[k];
      levels.push(Math.sqrt(sum / FRAME));
    }
    await sleep(100);
  }
  levels.sort((x, y) => x - y);
  const at = (q) => levels[Math.floor(q * (levels.length - 1))];
  return { pause: at(0.1), speech: at(0.9), frames: levels.length };
}

test('noise suppression: B hears the noise in A\'s pauses at least 15 dB lower with it on, and A\'s speech within 3 dB', async (t) => {
  assert.ok(SPEECH_WAV, 'SOFTPHONE_WAV_SPEECH names the speech fixture (cargo xtask e2e writes it)');
  const a = await AgentPage.launch('A', SPEECH_WAV, { baseUrl: server.url });
  const b = await AgentPage.launch('B', config.wavB, { baseUrl: server.url });
  t.after(() => Promise.all([a.close(), b.close()]));
  const [ua, ub] = [freshUser(), freshUser()];
  await Promise.all([a.signIn(ua), b.signIn(ub)]);

  // The test build starts with it off (the tone tests need the microphone untouched).
  await a.byTestId('devices').click();
  const toggle = a.byTestId('noise-suppression');
  assert.equal(await toggle.isChecked(), false, 'off by default in the test build');
  assert.equal(await a.byTestId('noise-strength').isDisabled(), true, 'no strength while off');

  await a.dial(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await a.waitForCallState('Connected');
  // Audio flowing from A before anything is measured.
  for (let tries = 0; ; tries++) {
    const { pause } = await listen(b, 500);
    if (pause > 0) break;
    assert.ok(tries < 40, 'B never heard anything from A');
  }

  const off = await listen(b, LISTEN_MS);
  t.diagnostic(`off: pauses ${db(off.pause).toFixed(1)} dBFS, speech ${db(off.speech).toFixed(1)} dBFS (${off.frames} frames)`);

  await toggle.check();
  assert.equal(await a.byTestId('noise-strength').isDisabled(), false);
  assert.equal(await a.byTestId('noise-strength').inputValue(), '100', 'full strength by default');
  // The network adapts within the first pauses; give it two of them.
  await sleep(4_000);
  const on = await listen(b, LISTEN_MS);
  t.diagnostic(`on: pauses ${db(on.pause).toFixed(1)} dBFS, speech ${db(on.speech).toFixed(1)} dBFS (${on.frames} frames)`);

  const noiseDrop = db(on.pause / off.pause);
  const speechChange = db(on.speech / off.speech);
  t.diagnostic(`noise in the pauses ${noiseDrop.toFixed(1)} dB, speech ${speechChange.toFixed(2)} dB`);
  assert.ok(noiseDrop <= -15, `the noise in the pauses fell only ${noiseDrop.toFixed(1)} dB`);
  assert.ok(Math.abs(speechChange) <= 3, `the speech changed ${speechChange.toFixed(2)} dB`);

  // Half strength: half the network's output and half the microphone, so in the pauses about
  // half the noise (-6 dB) is left.
  await a.byTestId('noise-strength').fill('50');
  await sleep(1_000);
  const half = await listen(b, LISTEN_MS);
  const halfDrop = db(half.pause / off.pause);
  t.diagnostic(`half strength: pauses ${db(half.pause).toFixed(1)} dBFS, ${halfDrop.toFixed(1)} dB from off`);
  assert.ok(halfDrop >= -9 && halfDrop <= -3, `half strength left the noise ${halfDrop.toFixed(1)} dB from off`);

  await a.hangUp();
  await b.waitForCallState('Idle');

  // Remembered: after a reload and a new sign-in it is still on.
  await a.signIn(ua);
  await a.byTestId('devices').click();
  assert.equal(await a.byTestId('noise-suppression').isChecked(), true, 'remembered across a reload');
  assert.equal(await a.byTestId('noise-strength').inputValue(), '50', 'the strength too');
});
