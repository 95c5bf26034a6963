// A call placed after signing in carries the credentials the registration earned (RFC 3261
// §22.3): Kamailio accepts its first INVITE without a 407 challenge. Once Kamailio calls the
// kept nonce expired (the lab's nonces live 30 s, tests/kamailio/kamailio.cfg), the next call
// is challenged once and still goes through. Kamailio's own count of the 407s it sent
// (`kamcmd sl.stats`) is what tells; audio is checked both ways by tone.
// Run: cargo xtask e2e --grep credentials

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { config, describeTone, startStaticServer, twoSignedIn } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** The lab's nonce lifetime (`nonce_expire`), and a margin for Kamailio's clock check. */
const NONCE_LIFE_MS = 30_000 + 2_000;

/** How many 407s Kamailio has sent since it started (its stateless replies: the challenges). */
function challengesSent() {
  const out = execFileSync('kamcmd', ['-s', `unix:${config.kamailioCtl}`, 'sl.stats'], { encoding: 'utf8' });
  const m = out.match(/\b407:\s*(\d+)/);
  assert.ok(m, `sl.stats lists 407 replies: ${out}`);
  return Number(m[1]);
}

/** A calls B, B answers, each hears the other's tone; A hangs up. */
async function callWithAudio(t, a, b, userB) {
  await a.dial(userB);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  const [heardByA, heardByB] = await Promise.all([
    a.waitForTone({ hear: 660, notHear: 440 }),
    b.waitForTone({ hear: 440, notHear: 660 }),
  ]);
  t.diagnostic(`A hears ${describeTone(heardByA)}, B hears ${describeTone(heardByB)}`);
  await a.hangUp();
  await Promise.all([a.waitForCallState('Idle'), b.waitForCallState('Idle')]);
}

test('credentials: a call after signing in meets no 407; with the nonce expired, one 407 and the call still goes through', async (t) => {
  const { a, b, ub } = await twoSignedIn(t, server.url);

  const before = challengesSent();
  await callWithAudio(t, a, b, ub);
  assert.equal(challengesSent() - before, 0, 'Kamailio challenged no INVITE of the first call');

  // Nothing signals for longer than the nonce lives (registrations refresh far later).
  await new Promise((r) => setTimeout(r, NONCE_LIFE_MS));
  const stale = challengesSent();
  await callWithAudio(t, a, b, ub);
  assert.equal(challengesSent() - stale, 1, 'the expired nonce cost one 407');

  const next = challengesSent();
  await callWithAudio(t, a, b, ub);
  assert.equal(challengesSent() - next, 0, 'the nonce from that 407 was kept for the next call');
});
