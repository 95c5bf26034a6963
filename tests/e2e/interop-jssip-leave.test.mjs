// C17 with a far end that accepts the transfer and never completes it: agent A (440 Hz) calls
// a colleague on JsSIP (880 Hz), then adds agent B (660 Hz) by single-step conference, and
// leaves. The REFER with Replaces goes to JsSIP (the first party of the conference), which
// answers 202 and NOTIFY 100 Trying and never places the new call (tests/e2e/jssip/phone.js).
// After transfer_wait (20 s, crates/phone) A says so and keeps bridging the two, who hear each
// other and not A; when either of them hangs up, the bridge ends for the other too.
// Run: cargo xtask e2e --grep interop

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveAppAndJsSip, twoAgentsAndJsSip } from './jssip-page.mjs';

const servers = serveAppAndJsSip();

/** How long the host waits for the transfer to complete (crates/phone, `transfer_wait`). */
const TRANSFER_WAIT_MS = 20_000;

const show = (p) => Object.entries(p).map(([f, v]) => `${f} Hz ${v.toExponential(1)}`).join(', ');

/** A hosts A, JsSIP and B; A leaves; JsSIP takes the REFER and stalls; A falls back to the bridge. */
async function bridged(t) {
  const { a, b, j, ub, uj } = await twoAgentsAndJsSip(t, servers);

  await a.dial(uj);
  await j.waitForEvent('incoming');
  await j.answer();
  await Promise.all([a.waitForCallState('Connected'), j.waitForEvent('confirmed')]);
  await a.dialIntoConference(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await b.waitForCallState('Connected');
  const [hA, hB, hJ] = await Promise.all([
    a.waitForTones({ hear: [660, 880], notHear: [440] }),
    b.waitForTones({ hear: [440, 880], notHear: [660] }),
    j.waitForTones({ hear: [440, 660], notHear: [880] }),
  ]);
  t.diagnostic(`three talk: A hears ${show(hA)}; B ${show(hB)}; JsSIP ${show(hJ)}`);

  const leftAt = Date.now();
  await a.byTestId('leave').click();
  const refer = await j.waitForEvent('refer');
  t.diagnostic(`JsSIP got the REFER ${((refer.at - leftAt) / 1000).toFixed(1)} s after Leave, to ${refer.target}`);
  assert.match(refer.target, new RegExp(`sip:${ub}@`), 'the REFER asks JsSIP to call B');
  // JsSIP answered 202 and NOTIFY 100; nothing more comes. A waits, then says what happened.
  const notice = await a.waitForText('notice', (s) => /transfer failed/i.test(s), {
    timeout: TRANSFER_WAIT_MS + 15_000,
    what: 'the transfer-failed notice',
  });
  const fellBackMs = Date.now() - leftAt;
  t.diagnostic(`fallback shown ${(fellBackMs / 1000).toFixed(1)} s after Leave (transfer_wait ${TRANSFER_WAIT_MS / 1000} s): "${notice}"`);
  assert.ok(fellBackMs >= TRANSFER_WAIT_MS - 1000, 'A waited for the transfer before falling back');
  const endLabel = (await a.byTestId('end-conference').textContent()).trim();
  assert.ok(notice.includes(endLabel), `the notice names the button that ends the bridge ("${endLabel}")`);
  assert.ok(await a.byTestId('end-conference').isEnabled(), `"${endLabel}" is there to end the bridge`);

  // Bridged: B and JsSIP hear each other through A, and not A.
  const [bB, bJ] = await Promise.all([
    b.waitForTones({ hear: [880], notHear: [440, 660] }),
    j.waitForTones({ hear: [660], notHear: [440, 880] }),
  ]);
  t.diagnostic(`bridged: B hears ${show(bB)}; JsSIP ${show(bJ)}`);
  return { a, b, j };
}

test('interop: C17 toward JsSIP that accepts the REFER and never completes it: the fallback shows after transfer_wait, and the bridge ends when JsSIP hangs up', async (t) => {
  const { a, b, j } = await bridged(t);
  await j.hangUp();
  await j.waitForEvent('ended');
  await b.waitForCallState('Ended|Idle', { timeout: 20_000 });
  await a.waitForCallState('Ended|Idle', { timeout: 20_000 });
  await b.waitForCallState('Idle', { timeout: 20_000 });
  await a.waitForCallState('Idle', { timeout: 20_000 });
});

test('interop: C17 toward JsSIP that accepts the REFER and never completes it: the fallback shows after transfer_wait, and the bridge ends when the agent hangs up', async (t) => {
  const { a, b, j } = await bridged(t);
  await b.hangUp();
  await j.waitForEvent('ended', () => true, { timeout: 20_000 });
  await b.waitForCallState('Idle', { timeout: 20_000 });
  await a.waitForCallState('Ended|Idle', { timeout: 20_000 });
  await a.waitForCallState('Idle', { timeout: 20_000 });
});
