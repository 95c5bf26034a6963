// A conference with a phone that is not a browser: agent A (440 Hz) hosts, agent B (660 Hz)
// and the baresip desk phone (1 kHz, through rtpengine) take part. Who hears whom is measured
// at all three: at the agents from their speakers, at the desk phone from what its player
// played (deskPlayed: it goes on through the re-INVITEs of hold and retrieve), cut into the
// stretches of time between the test's actions.
// Run: cargo xtask e2e --grep interop

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, startStaticServer } from './harness.mjs';
import { assertDeskPlayed, desk, deskEvents, deskPlayed, deskReceivesIn, deskRegistered } from './deskphone.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const show = (p) => Object.entries(p).map(([f, v]) => `${f} Hz ${v.toExponential(1)}`).join(', ');

/** A hosts a conference with B (called first) and the desk phone (dialled in, single step). */
async function conference(t) {
  await deskRegistered();
  const events = await deskEvents();
  t.after(() => events.close());
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  const b = await AgentPage.launch('B', config.wavB, { baseUrl: server.url });
  t.after(() => Promise.all([a.close(), b.close()]));
  const [ua, ub] = [freshUser(), freshUser()];
  await Promise.all([a.signIn(ua), b.signIn(ub)]);
  await a.dial(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  const since = Date.now();
  await a.dialIntoConference(desk.user);
  await everyoneHears(t, a, b, 'three talk');
  return { a, b, since, events };
}

async function everyoneHears(t, a, b, when) {
  const [hA, hB] = await Promise.all([
    a.waitForTones({ hear: [660, desk.hz], notHear: [440] }),
    b.waitForTones({ hear: [440, desk.hz], notHear: [660] }),
  ]);
  t.diagnostic(`${when}: A hears ${show(hA)}; B ${show(hB)}`);
}

test('interop: a conference with the baresip desk phone: who hears whom at all three, muted, held and retrieved', async (t) => {
  const { a, b, since, events } = await conference(t);
  const talk = [Date.now()];
  await sleep(3000);
  talk.push(Date.now());

  // The host mutes: the desk phone and B hear each other, not the host.
  await a.byTestId('mute').click();
  const muted = [Date.now()];
  const [mA, mB] = await Promise.all([
    a.waitForTones({ hear: [660, desk.hz], notHear: [440] }),
    b.waitForTones({ hear: [desk.hz], notHear: [440, 660] }),
  ]);
  t.diagnostic(`A muted: A hears ${show(mA)}; B ${show(mB)}`);
  await sleep(3000);
  muted.push(Date.now());
  await a.byTestId('mute').click();
  await everyoneHears(t, a, b, 'A unmuted');
  const unmuted = [Date.now()];
  await sleep(3000);
  unmuted.push(Date.now());

  // The host holds the conference: nobody hears anybody. Then retrieves it: all again.
  await a.byTestId('line-hold').first().click();
  const [sA, sB] = await Promise.all([
    a.waitForTones({ hear: [], notHear: [440, 660, desk.hz] }),
    b.waitForTones({ hear: [], notHear: [440, 660, desk.hz] }),
  ]);
  t.diagnostic(`held: A hears ${show(sA)}; B ${show(sB)}`);
  const held = [Date.now()];
  await sleep(3000);
  held.push(Date.now());
  await a.byTestId('line-retrieve').first().click();
  await everyoneHears(t, a, b, 'retrieved');
  const retrieved = [Date.now()];
  await sleep(3000);
  retrieved.push(Date.now());
  // Its recording ends at the hold (deskphone.mjs, deskReceived); its own count of RTP
  // packets shows the host's mix reaching it again (G.711: 50 a second).
  const n = await deskReceivesIn(1000, { events });
  t.diagnostic(`retrieved: the desk phone received ${n} RTP packets in 1 s`);
  assert.ok(n >= 40, `retrieved: the desk phone received ${n} RTP packets in 1 s, fewer than 40`);

  await a.byTestId('end-conference').click();
  await Promise.all([a.waitForCallState('Idle'), b.waitForCallState('Idle')]);
  const rec = deskPlayed(since);
  assertDeskPlayed(t, rec, talk, [440, 660], [desk.hz], 'three talk');
  assertDeskPlayed(t, rec, muted, [660], [440, desk.hz], 'A muted');
  assertDeskPlayed(t, rec, unmuted, [440, 660], [desk.hz], 'A unmuted');
  assertDeskPlayed(t, rec, held, [], [440, 660, desk.hz], 'held');
  assertDeskPlayed(t, rec, retrieved, [440, 660], [desk.hz], 'retrieved');
});

test('interop: a conference with the baresip desk phone: the host leaves (C17), and B and the desk phone go on hearing each other', async (t) => {
  const { a, b, since, events } = await conference(t);
  const talk = [Date.now()];
  await sleep(3000);
  talk.push(Date.now());

  await a.byTestId('leave').click();
  // Either B takes the REFER and the desk phone takes B's INVITE with Replaces (a transfer:
  // A is done), or the transfer fails and A keeps the two bridged, saying so.
  const path = await Promise.race([
    a.waitForText('notice', (s) => /transfer failed/i.test(s), { timeout: 40_000, what: 'the bridge notice' }).then((s) => ({ bridge: s })),
    a.waitForCallState('Idle', { timeout: 40_000 }).then(() => ({ transfer: true })),
  ]);
  if (path.bridge) t.diagnostic(`C17 path: the silent bridge (A says "${path.bridge}")`);
  else t.diagnostic('C17 path: transfer (B and the desk phone talk directly, A is idle)');
  const [lB] = await Promise.all([b.waitForTones({ hear: [desk.hz], notHear: [440, 660] })]);
  t.diagnostic(`after Leave: B hears ${show(lB)}`);
  const left = [Date.now()];
  await sleep(3000);
  left.push(Date.now());

  await b.hangUp();
  await Promise.all([a.waitForCallState('Idle', { timeout: 20_000 }), b.waitForCallState('Idle')]);
  const rec = deskPlayed(since);
  assertDeskPlayed(t, rec, talk, [440, 660], [desk.hz], 'three talk');
  assertDeskPlayed(t, rec, left, [660], [440, desk.hz], 'after Leave');
});
