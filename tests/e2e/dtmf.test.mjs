// DTMF from the keypad as RFC 4733 telephone-events in the media (E4), checked at a peer that
// reports what it receives: the lab's baresip desk phone, through rtpengine, raises a
// CALL_DTMF_START event per digit on its control socket. The page's RTCDTMFSender is watched
// too, so the digits are known to have gone through the media path and not SIP INFO.
// Run: cargo xtask e2e --grep DTMF

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, startStaticServer } from './harness.mjs';
import { desk, deskEvents, deskRegistered } from './deskphone.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** Counts what the page hands to RTCDTMFSender.insertDTMF (`window.__e2eDtmf`). */
function watchDtmfSender() {
  window.__e2eDtmf = [];
  const insert = RTCDTMFSender.prototype.insertDTMF;
  RTCDTMFSender.prototype.insertDTMF = function (tones, ...rest) {
    window.__e2eDtmf.push(tones);
    return insert.call(this, tones, ...rest);
  };
}

test('E4 DTMF: keypad digits reach the desk phone as RFC 4733 events, in order, with the call audio unbroken', async (t) => {
  await deskRegistered();
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.page.addInitScript(watchDtmfSender);
  await a.signIn(freshUser());
  const listen = await deskEvents();
  t.after(() => listen.close());

  await a.dial(desk.user);
  await a.waitForCallState('Connected', { timeout: 20_000 });
  await a.waitForTones({ hear: [desk.hz], notHear: [440] });
  await a.byTestId('keypad-toggle').click();
  const digits = ['1', '5', '9', '#'];
  const dtmf = () => listen.events.filter((e) => e.type === 'CALL_DTMF_START').map((e) => String(e.param));
  for (const [i, d] of digits.entries()) {
    await a.byTestId(`key-${d}`).click();
    // One at a time: each is reported before the next is pressed.
    for (let n = 0; dtmf().length <= i; n++) {
      if (n > 100) assert.fail(`the desk phone reported ${JSON.stringify(dtmf())} after pressing ${digits.slice(0, i + 1).join('')}; its events: ${JSON.stringify(listen.events.map((e) => e.type))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  t.diagnostic(`the desk phone received ${dtmf().join(' ')}`);
  assert.deepEqual(dtmf(), digits);
  assert.equal(await a.text('keypad-typed'), digits.join(''));
  // Through the media: every digit went to the leg's RTCDTMFSender.
  assert.deepEqual(await a.page.evaluate(() => window.__e2eDtmf), digits);
  // The call goes on: the agent still hears the desk phone.
  await a.waitForTones({ hear: [desk.hz], notHear: [440] });
  await a.hangUp();
  await a.waitForCallState('Ended|Idle');
});
