// Another web phone: a colleague on JsSIP 3.13 (tests/e2e/jssip/, in its own Chromium, its
// microphone at 880 Hz) and our agent A (440 Hz), through Kamailio, media peer to peer.
// Calls placed by each side: audio both ways, hold and retrieve from each side with the
// agent seeing "holding you", and the call still up past two session refreshes.
//
// Session timers: RFC 4028 and our UA take no interval under 90 s (JsSIP would take 60), so
// the test runs at 90 s: a refresh every 45 s, two of them by about 100 s into the call.
// Run: cargo xtask e2e --grep interop

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser } from './harness.mjs';
import { JsSipPage, serveAppAndJsSip } from './jssip-page.mjs';

const servers = serveAppAndJsSip();

/** Session interval of these calls, in seconds (the smallest both ends accept). */
const SESSION_EXPIRES = 90;
/** Long enough for two refreshes at half the interval, a hold in between included. */
const CALL_TIMEOUT_MS = 240_000;

const show = (p) => Object.entries(p).map(([f, v]) => `${f} Hz ${v.toExponential(1)}`).join(', ');

async function agentAndJsSip(t, jsOptions) {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: servers.app.url });
  const j = await JsSipPage.launch('JsSIP', config.wavC, { url: servers.jssip.url }).catch(async (err) => {
    await a.close();
    throw err;
  });
  t.after(() => Promise.all([a.close(), j.close()]));
  const [ua, uj] = [freshUser(), freshUser()];
  await Promise.all([a.signIn(ua), j.start(uj, jsOptions)]);
  return { a, j, ua, uj };
}

/** Both talk: the agent hears 880 Hz and not itself, JsSIP hears 440 Hz and not itself. */
async function talking(t, a, j, when) {
  const [atA, atJ] = await Promise.all([
    a.waitForTones({ hear: [880], notHear: [440] }),
    j.waitForTones({ hear: [440], notHear: [880] }),
  ]);
  t.diagnostic(`${when}: A hears ${show(atA)}; JsSIP hears ${show(atJ)}`);
}

/** Neither hears the other. */
async function silent(t, a, j, when) {
  const [atA, atJ] = await Promise.all([
    a.waitForTones({ hear: [], notHear: [440, 880] }),
    j.waitForTones({ hear: [], notHear: [440, 880] }),
  ]);
  t.diagnostic(`${when}: A hears ${show(atA)}; JsSIP hears ${show(atJ)}`);
}

/** JsSIP holds and retrieves: the agent sees it on the call card, and the audio stops and returns. */
async function jssipHolds(t, a, j) {
  await j.hold();
  await j.waitForEvent('hold', (e) => e.originator === 'local');
  await a.waitForText('call-hold', /holding you/, { what: '"holding you"' });
  await silent(t, a, j, 'JsSIP holds');
  await j.unhold();
  await j.waitForEvent('unhold', (e) => e.originator === 'local');
  await a.waitForText('call-hold', (s) => !/holding you/.test(s), { what: 'no "holding you"' });
  await talking(t, a, j, 'JsSIP retrieved');
}

/** The agent holds and retrieves from the call card: JsSIP reports it, the audio stops and returns. */
async function agentHolds(t, a, j) {
  await a.byTestId('hold').click();
  await j.waitForEvent('hold', (e) => e.originator === 'remote');
  await a.waitForText('call-hold', /on hold/i, { what: '"On hold"' });
  await silent(t, a, j, 'A holds');
  await a.byTestId('retrieve').click();
  await j.waitForEvent('unhold', (e) => e.originator === 'remote');
  await a.waitForText('call-hold', (s) => !/on hold/i.test(s), { what: 'no "On hold"' });
  await talking(t, a, j, 'A retrieved');
}

/**
 * Waits until JsSIP's WebSocket has carried `n` offerless UPDATEs (session refreshes, RFC 4028
 * §9) with their 2xx, sent by `by` ('jssip' or 'agent'); resolves to when each was answered.
 */
async function refreshes(j, by, n, timeout) {
  const dir = by === 'jssip' ? 'out' : 'in';
  const end = Date.now() + timeout;
  for (;;) {
    const log = await j.sipLog();
    const asked = log.filter((m) => m.dir === dir && m.method === 'UPDATE' && m.status === null && !m.sdp);
    const answered = log.filter(
      (m) => m.dir !== dir && m.method === 'UPDATE' && m.status >= 200 && m.status < 300 && asked.some((q) => q.cseq === m.cseq),
    );
    if (answered.length >= n) return answered.map((m) => m.at);
    if (Date.now() > end) {
      throw new Error(`${n} session refreshes by ${by} were not answered within ${timeout} ms: ${JSON.stringify(log)}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** After the refreshes: the call is still up on both sides and both still talk. */
async function stillUp(t, a, j, by, connectedAt) {
  const answered = await refreshes(j, by, 2, 2.5 * SESSION_EXPIRES * 1000);
  t.diagnostic(`refreshes by ${by} answered at ${answered.map((at) => `${((at - connectedAt) / 1000).toFixed(1)} s`).join(', ')} into the call`);
  assert.ok(await j.established(), 'JsSIP still has the call');
  assert.match(await a.text('call-state'), /Connected/, 'the agent still has the call');
  await talking(t, a, j, 'after two refreshes');
}

test('interop: JsSIP calls the agent; audio both ways, hold and retrieve from each side, up past two session refreshes', { timeout: CALL_TIMEOUT_MS }, async (t) => {
  const { a, j, ua } = await agentAndJsSip(t, { sessionTimersExpires: SESSION_EXPIRES });
  await j.call(ua);
  await a.waitForCallState('Incoming');
  await a.answer();
  await Promise.all([a.waitForCallState('Connected'), j.waitForEvent('confirmed')]);
  const connectedAt = Date.now();
  await talking(t, a, j, 'connected');

  // Agent first, JsSIP last: JsSIP's re-INVITE leaves it the refresher, as its INVITE asked.
  await agentHolds(t, a, j);
  await jssipHolds(t, a, j);
  await stillUp(t, a, j, 'jssip', connectedAt);

  await j.hangUp();
  await a.waitForCallState('Ended');
});

test('interop: the agent calls JsSIP; audio both ways, hold and retrieve from each side, up past two session refreshes', { timeout: CALL_TIMEOUT_MS }, async (t) => {
  // JsSIP answers with the short interval and leaves the refreshes to the caller: our UA.
  const { a, j, uj } = await agentAndJsSip(t, { uasSessionExpires: SESSION_EXPIRES });
  await a.dial(uj);
  await j.waitForEvent('incoming');
  await j.answer();
  await Promise.all([a.waitForCallState('Connected'), j.waitForEvent('confirmed')]);
  const connectedAt = Date.now();
  await talking(t, a, j, 'connected');

  // JsSIP first, the agent last: our re-INVITE keeps us the refresher.
  await jssipHolds(t, a, j);
  await agentHolds(t, a, j);
  await stillUp(t, a, j, 'agent', connectedAt);

  await a.hangUp();
  await j.waitForEvent('ended');
});
