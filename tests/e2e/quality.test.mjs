// Call quality per participant, from each leg's getStats every 2 s rated by the engine's
// G.107 E-model: on loopback every leg is good, and the indicator shows it on the call card
// and on each Contact Info row, with the figures in its tooltip and accessible text.
// (Turning one leg poor needs induced loss: WebRTC's degraded-network field trial,
// `--force-fieldtrials=WebRTC-FakeNetworkSendConfig/loss_percent:30/`, changed nothing in
// Chromium 156 here, so quality-loss.test.mjs puts the legs through a UDP relay of its own
// that drops packets; the engine's side of poor legs is in crates/phone/tests/call_quality.rs.)
// Run: cargo xtask e2e --grep quality

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, startStaticServer } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** `{ level, title, label, text }` of the quality indicator `locator`, or null. */
async function indicator(locator) {
  if ((await locator.count()) === 0) return null;
  const el = locator.first();
  return {
    level: await el.getAttribute('data-level'),
    title: await el.getAttribute('title'),
    label: await el.getAttribute('aria-label'),
    text: (await el.textContent())?.trim(),
  };
}

async function waitForLevel(agent, locator, level, what, timeout = 20_000) {
  const end = Date.now() + timeout;
  let seen;
  for (;;) {
    seen = await indicator(locator);
    if (seen?.level === level) return seen;
    if (Date.now() > end) throw new Error(`${agent.name}: ${what} never turned ${level} (last ${JSON.stringify(seen)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('call quality: good on the call card and on every Contact Info row of a conference, the figures in tooltip and accessible text', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  const b = await AgentPage.launch('B', config.wavB, { baseUrl: server.url });
  const c = await AgentPage.launch('C', config.wavC, { baseUrl: server.url });
  t.after(() => Promise.all([a.close(), b.close(), c.close()]));
  const [ua, ub, uc] = [freshUser(), freshUser(), freshUser()];
  await Promise.all([a.signIn(ua), b.signIn(ub), c.signIn(uc)]);

  // A calls C: a two-party call shows good on both call cards once the first readings are in.
  await a.dial(uc);
  await c.waitForCallState('Incoming');
  assert.equal(await indicator(c.byTestId('call-quality')), null, 'no figure while ringing');
  await c.answer();
  await Promise.all([a.waitForCallState('Connected'), c.waitForCallState('Connected')]);
  const cardA = await waitForLevel(a, a.byTestId('call-quality'), 'good', 'the call card');
  const cardC = await waitForLevel(c, c.byTestId('call-quality'), 'good', 'the call card');
  t.diagnostic(`A's card: ${cardA.title}`);
  t.diagnostic(`C's card: ${cardC.title}`);
  // Not by colour alone: bars and a word on screen, the figures in the tooltip and for
  // screen readers.
  assert.match(cardA.text, /^▮▮▮ good$/);
  assert.match(cardA.title, /^Call quality good: estimated MOS \d\.\d\d, packet loss \d+\.\d\d %, jitter \d+ ms, round trip (\d+ ms|not measured yet)$/);
  assert.equal(cardA.label, cardA.title);
  const mos = Number(await a.byTestId('call-quality').first().getAttribute('data-mos')) / 100;
  assert.ok(mos >= 4.0 && mos <= 4.5, `a loopback leg rates MOS ${mos}`);

  // B joins by single-step conference: each of the host's Contact Info rows has its own.
  await a.dialIntoConference(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await b.waitForCallState('Connected');
  for (const user of [ub, uc]) {
    const row = await waitForLevel(a, a.lineTo(user).getByTestId('line-quality'), 'good', `the row of ${user}`);
    t.diagnostic(`A's row for ${user}: ${row.title}`);
    assert.equal(row.label, row.title);
    assert.match(row.text, /\bgood\b/);
  }
  const notice = await a.text('notice');
  assert.ok(!/poor/i.test(notice ?? ''), `no poor-quality notice on clean legs: ${notice}`);
});
