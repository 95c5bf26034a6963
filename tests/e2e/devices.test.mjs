// Audio devices: the agent picks a microphone, the choice is remembered across reloads, and a
// remembered microphone that is gone falls back to the default with a visible notice.
// Run: cargo xtask e2e --grep devices

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, startStaticServer } from './harness.mjs';

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

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

test('devices: the chosen microphone is used and remembered; a missing one falls back with a notice', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  const b = await AgentPage.launch('B', config.wavB, { baseUrl: server.url });
  t.after(() => Promise.all([a.close(), b.close()]));
  const [ua, ub] = [freshUser(), freshUser()];
  await Promise.all([a.signIn(ua), b.signIn(ub)]);

  await a.byTestId('devices').click();
  const mic = a.byTestId('microphone');
  const readOptions = () =>
    mic.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent })));
  const options = await waitFor(readOptions, (os) => os.length > 1);
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
