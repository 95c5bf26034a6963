// A blind transfer by another web phone: a colleague on JsSIP (880 Hz) calls agent A (440 Hz)
// and transfers A to agent B (660 Hz) with a REFER (RFC 5589 §6). A, the transferee, calls B
// by itself; B answers in the UI; JsSIP reads the NOTIFY that says so and hangs up. A and B
// then hear each other, and JsSIP is gone from both.
// Run: cargo xtask e2e --grep interop

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAppAndJsSip, twoAgentsAndJsSip } from './jssip-page.mjs';

const servers = serveAppAndJsSip();

const show = (p) => Object.entries(p).map(([f, v]) => `${f} Hz ${v.toExponential(1)}`).join(', ');

test('interop: JsSIP calls the agent and blind-transfers it to another agent; the two agents talk, JsSIP is gone', async (t) => {
  const { a, b, j, ua, ub } = await twoAgentsAndJsSip(t, servers);

  await j.call(ua);
  await a.waitForCallState('Incoming');
  await a.answer();
  await Promise.all([a.waitForCallState('Connected'), j.waitForEvent('confirmed')]);
  const [hA, hJ] = await Promise.all([
    a.waitForTones({ hear: [880], notHear: [440] }),
    j.waitForTones({ hear: [440], notHear: [880] }),
  ]);
  t.diagnostic(`before: A hears ${show(hA)}; JsSIP ${show(hJ)}`);

  const referAt = Date.now();
  await j.refer(ub);
  await j.waitForEvent('refer-202');
  // A calls B: B sees A's number ringing and answers.
  await b.waitForCallState('Incoming');
  assert.match(await b.text('incoming-call'), new RegExp(ua), 'B sees who calls: A');
  await b.answer();
  await b.waitForCallState('Connected');
  await j.waitForEvent('refer-accepted');
  await j.waitForEvent('ended');
  t.diagnostic(`transfer: B answered and JsSIP read the NOTIFY and hung up ${((Date.now() - referAt) / 1000).toFixed(1)} s after its REFER`);

  const [tA, tB] = await Promise.all([
    a.waitForTones({ hear: [660], notHear: [440, 880] }),
    b.waitForTones({ hear: [440], notHear: [660, 880] }),
  ]);
  t.diagnostic(`after: A hears ${show(tA)}; B ${show(tB)}`);
  assert.match(await a.text('call-state'), /Connected/, 'A is on a call');
  await a.waitForText('call-peer', (s) => s.includes(ub), { what: `B (${ub}) on A's call card` });
  assert.equal(await a.byTestId('call-peer').count(), 1, 'A has one call: the one with JsSIP is gone');

  await a.hangUp();
  await Promise.all([a.waitForCallState('Idle'), b.waitForCallState('Ended|Idle')]);
});
