// Audio devices: the agent picks a microphone, the choice is remembered across reloads, and a
// remembered microphone that is gone falls back to the default with a visible notice.
// Run: cargo xtask e2e --grep devices

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { config, goertzelPower, startStaticServer, twoSignedIn } from './harness.mjs';

let server;

/** Polls `read` until `ok` accepts its value (or 5 s pass); resolves to the last value. */
async function waitFor(read, ok, timeout = 5_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The options of the `<select>` with test id `id`, as `{ value, label }`. */
const optionsOf = (agent, id) =>
  agent.byTestId(id).locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent })));

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

test('devices: the chosen microphone is used and remembered; a missing one falls back with a notice', async (t) => {
  const { a, b, ua, ub } = await twoSignedIn(t, server.url);

  await a.byTestId('devices').click();
  const mic = a.byTestId('microphone');
  const options = await waitFor(() => optionsOf(a, 'microphone'), (os) => os.length > 1);
  t.diagnostic(`microphones offered: ${options.map((o) => o.label).join(' | ')}`);
  const chosen = options.find((o) => o.value !== '');
  assert.ok(chosen, 'the fake devices are listed by name');
  await mic.selectOption(chosen.value);
  assert.equal(await a.byTestId('device-notice').count(), 0);

  // The chosen microphone carries the call.
  await a.dial(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await b.waitForTones({ hear: [440], notHear: [660] });
  await a.hangUp();
  await b.waitForCallState('Idle');

  // Remembered: after a reload and a new sign-in the same microphone is selected.
  await a.signIn(ua);
  await a.byTestId('devices').click();
  // The list fills in once the browser has enumerated the devices.
  const remembered = await waitFor(() => a.byTestId('microphone').inputValue(), (v) => v === chosen.value);
  assert.equal(remembered, chosen.value);

  // Gone: a remembered microphone that no longer exists falls back to the default, and says so.
  await a.page.evaluate(() => localStorage.setItem('softphone.microphone', 'unplugged-headset'));
  await a.signIn(ua);
  await a.byTestId('devices').click();
  const notice = await a.waitForText('device-notice', /default/i);
  t.diagnostic(`notice: ${notice}`);
  await a.dial(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await b.waitForTones({ hear: [440], notHear: [660] });
});

// The ring's two notes (dsp `Tone::Ring`) and what each agent's fake microphone plays.
const RING = [784, 988];
const TONE_B = 660;

/** The `deviceId` the ringer's `<audio>` element plays on ('' is the default output). */
const ringerSink = (agent) =>
  agent.page.evaluate(() => document.querySelector('audio[data-softphone-ringer]')?.sinkId ?? null);

/** Reads the speaker and the ringer in one go: the powers of `freqs` in each. */
async function bothOutputs(agent, freqs) {
  const r = await agent.page.evaluate(() => {
    const p = window.softphoneProbe;
    const speaker = p.speakerSamples();
    const ringer = p.ringerSamples();
    return { rate: speaker.sampleRate, speaker: Array.from(speaker.samples), ringer: Array.from(ringer.samples) };
  });
  const powers = (samples) => freqs.map((f) => goertzelPower(Float32Array.from(samples), r.rate, f));
  return { speaker: powers(r.speaker), ringer: powers(r.ringer) };
}

test('devices: an incoming call rings on the ringer device, not in the headset, and stops on answer; speaker and ringer are remembered and fall back when gone', async (t) => {
  const { a, b, ua, ub } = await twoSignedIn(t, server.url);

  await a.byTestId('devices').click();
  const ringers = await waitFor(() => optionsOf(a, 'ringer'), (os) => os.length > 3);
  t.diagnostic(`ringers offered: ${ringers.map((o) => o.label).join(' | ')}`);
  assert.deepEqual(ringers.slice(0, 2).map((o) => o.value), ['', 'default'], 'same as speaker, then system default');
  const outputs = ringers.slice(2);
  assert.ok(outputs.length >= 2, 'the fake output devices are listed');
  const [headset, loudspeaker] = outputs;

  // By default the ringer follows the speaker.
  assert.equal(await ringerSink(a), '');
  await a.byTestId('speaker').selectOption(headset.value);
  assert.equal(await waitFor(() => ringerSink(a), (s) => s === headset.value), headset.value);

  // A ringer of its own: the speaker (the headset) stays where it was.
  await a.byTestId('ringer').selectOption(loudspeaker.value);
  assert.equal(await waitFor(() => ringerSink(a), (s) => s === loudspeaker.value), loudspeaker.value);

  await b.dial(ua);
  await a.waitForCallState('Incoming');
  const ringing = await a.waitForTones({ hear: RING, notHear: [TONE_B], output: 'ringer' });
  t.diagnostic(`ringer while ringing: ${JSON.stringify(ringing)}`);
  // The same instant on both outputs: the ring is on the ringer and nowhere in the headset.
  const both = await waitFor(() => bothOutputs(a, RING), (p) => p.ringer.every((x) => x > 1e-4));
  t.diagnostic(`ring power: ringer ${both.ringer.map((x) => x.toExponential(2))}, speaker ${both.speaker.map((x) => x.toExponential(2))}`);
  assert.ok(both.ringer.every((x) => x > 1e-4), 'the ring sounds on the ringer');
  assert.ok(both.speaker.every((x) => x < 1e-8), 'no ring in the speaker');

  // Answering stops the ring; the call is in the speaker.
  await a.answer();
  await a.waitForTones({ hear: [], notHear: RING, output: 'ringer' });
  await a.waitForTones({ hear: [TONE_B], notHear: RING });
  await b.hangUp();
  await a.waitForCallState('Idle');

  // Remembered across a reload, and applied at sign-in.
  await a.signIn(ua);
  await a.byTestId('devices').click();
  assert.equal(await waitFor(() => a.byTestId('ringer').inputValue(), (v) => v === loudspeaker.value), loudspeaker.value);
  assert.equal(await a.byTestId('speaker').inputValue(), headset.value, 'the speaker is remembered too');
  assert.equal(await waitFor(() => ringerSink(a), (s) => s === loudspeaker.value), loudspeaker.value);

  // Back to following the speaker.
  await a.byTestId('ringer').selectOption('');
  assert.equal(await waitFor(() => ringerSink(a), (s) => s === headset.value), headset.value);

  // A remembered speaker that is gone: the default output, and a notice.
  await a.page.evaluate(() => localStorage.setItem('softphone.speaker', 'unplugged-headset'));
  await a.signIn(ua);
  await a.byTestId('devices').click();
  t.diagnostic(`notice: ${await a.waitForText('device-notice', /speaker/i)}`);
  assert.equal(await a.byTestId('speaker').inputValue(), '');

  // A remembered ringer that is gone: rings with the speaker, and says so.
  await a.page.evaluate(() => localStorage.setItem('softphone.ringer', 'unplugged-loudspeaker'));
  await a.signIn(ua);
  await a.byTestId('devices').click();
  const notice = await a.waitForText('device-notice', /ringer/i);
  t.diagnostic(`notice: ${notice}`);
  assert.equal(await a.byTestId('ringer').inputValue(), '');
});
