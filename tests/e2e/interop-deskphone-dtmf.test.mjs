// DTMF that a desk phone or a gateway hears: the agent keys digits on the call card's keypad,
// faster than they play (each lasts 100 ms plus a 70 ms gap), and the baresip desk phone
// reports every one, in order, as it received them in the media (RFC 4733 telephone-events,
// passed through rtpengine): no SIP INFO for the call goes through Kamailio.
// Run: cargo xtask e2e --grep interop

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AgentPage, config, freshUser, startStaticServer } from './harness.mjs';
import { desk, deskEvents, deskRegistered } from './deskphone.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** Kamailio's log: every request it routes is a `REQ <method> <uri> ... cid=<call-id>` line. */
const kamailioLog = () => path.join(path.dirname(config.kamailioCtl), 'kamailio.log');

/** The SIP INFO requests to the desk phone Kamailio routed after byte `from` of its log. */
function infosToDesk(from) {
  const text = fs.readFileSync(kamailioLog()).subarray(from).toString();
  return text.split('\n').filter((l) => new RegExp(`REQ INFO sip:${desk.user}@`).test(l));
}

test('interop: E4 DTMF keyed on the agent\'s keypad reaches the baresip desk phone as RFC 4733 events, every digit in order', async (t) => {
  await deskRegistered();
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.signIn(freshUser());
  const events = await deskEvents();
  t.after(() => events.close());
  const logFrom = fs.statSync(kamailioLog()).size;

  await a.dial(desk.user);
  await a.waitForCallState('Connected');
  const p = await a.waitForTones({ hear: [desk.hz], notHear: [440] });
  t.diagnostic(`A hears the desk phone: ${desk.hz} Hz ${p[desk.hz].toExponential(1)}`);

  await a.byTestId('keypad-toggle').click();
  const digits = '159*0#2486';
  const keyedAt = Date.now();
  for (const d of digits) await a.byTestId(`key-${d}`).click();
  const keyedMs = Date.now() - keyedAt;
  await a.waitForText('keypad-typed', (s) => s === digits, { what: digits });

  const started = await events.waitFor((e) => e.type === 'CALL_DTMF_START', {
    count: digits.length,
    what: `${digits.length} CALL_DTMF_START`,
  });
  const heard = started.map((e) => e.param).join('');
  const spanMs = started.at(-1).at - started[0].at;
  t.diagnostic(`keyed ${digits} in ${keyedMs} ms; the desk phone heard ${heard} over ${spanMs} ms (${(spanMs / (digits.length - 1)).toFixed(0)} ms apart)`);
  assert.equal(heard, digits, 'the desk phone heard every digit, in the order keyed');
  // A moment for stragglers: no digit twice, none extra.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(events.events.filter((e) => e.type === 'CALL_DTMF_START').length, digits.length, 'no extra digits');
  assert.deepEqual(infosToDesk(logFrom), [], 'no SIP INFO went to the desk phone: the digits were in the media');

  // The call carries on: the agent still hears the desk phone.
  await a.waitForTones({ hear: [desk.hz], notHear: [440] });
  await a.hangUp();
  await a.waitForCallState('Ended');
});
