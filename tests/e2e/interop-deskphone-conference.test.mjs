// A conference with a phone that is not a browser: agent A (440 Hz) hosts, agent B (660 Hz)
// and the baresip desk phone (1 kHz, through rtpengine) take part. Who hears whom is measured
// at all three: at the agents from their speakers, at the desk phone from its own recording
// of the call, cut into the stretches of time between the test's actions.
// Run: cargo xtask e2e --grep interop

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AgentPage, config, freshUser, goertzelPower, readWav, startStaticServer } from './harness.mjs';
import { desk, deskEvents, deskHeard, deskRegistered } from './deskphone.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const show = (p) => Object.entries(p).map(([f, v]) => `${f} Hz ${v.toExponential(1)}`).join(', ');
/** Trimmed off each end of a stretch: the jitter buffers and the signalling in between. */
const MARGIN_MS = 700;

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

/**
 * The desk phone's recordings since `since` (one per call it had), placed in time: each
 * starts when its call was established (baresip's CALL_ESTABLISHED event, in order), so
 * sample i was heard at `start + i / rate`. Not by the file's time: baresip 1.0 stops
 * writing at a re-INVITE but closes the file only when the call ends.
 */
async function deskRecordings(since, events) {
  await deskHeard(since, { minSeconds: 3 }); // the last call's file is complete
  const established = events.events.filter((e) => e.type === 'CALL_ESTABLISHED');
  const files = fs
    .readdirSync(desk.recordings)
    .filter((f) => f.endsWith('-dec.wav'))
    .map((f) => path.join(desk.recordings, f))
    .filter((f) => fs.statSync(f).mtimeMs >= since)
    .sort((x, y) => fs.statSync(x).mtimeMs - fs.statSync(y).mtimeMs);
  assert.equal(files.length, established.length, `one recording per call the desk phone had: ${files.join(', ')}`);
  return files.map((file, i) => {
    const rec = { file, ...readWav(file) };
    const startMs = established[i].at;
    return { ...rec, startMs, endMs: startMs + (rec.samples.length / rec.sampleRate) * 1000 };
  });
}

/** What the desk phone heard between two moments (epoch ms), margins trimmed: powers by Hz. */
function deskHeardBetween(recs, fromMs, toMs, freqs) {
  const [from, to] = [fromMs + MARGIN_MS, toMs - MARGIN_MS];
  const rec = recs.find((r) => r.startMs <= from && r.endMs >= to);
  const spans = recs.map((r) => `${new Date(r.startMs).toISOString()} to ${new Date(r.endMs).toISOString()} (${r.file})`);
  assert.ok(rec, `a recording of the desk phone covers ${new Date(from).toISOString()} to ${new Date(to).toISOString()}: ${spans.join('; ')}`);
  const at = (ms) => Math.round(((ms - rec.startMs) / 1000) * rec.sampleRate);
  const part = rec.samples.subarray(at(from), at(to));
  return Object.fromEntries(freqs.map((f) => [f, goertzelPower(part, rec.sampleRate, f)]));
}

/** The desk phone heard every tone of `hear` (at least 1e-4, ten times any of `notHear`). */
function assertDeskHeard(t, rec, [fromMs, toMs], hear, notHear, when) {
  const p = deskHeardBetween(rec, fromMs, toMs, [...hear, ...notHear]);
  t.diagnostic(`${when}: the desk phone heard ${show(p)}`);
  const loudestUnwanted = Math.max(1e-20, ...notHear.map((f) => p[f]));
  for (const f of hear) {
    assert.ok(p[f] >= 1e-4 && p[f] >= 10 * loudestUnwanted, `${when}: the desk phone heard ${f} Hz over ${notHear.join('+')} Hz: ${show(p)}`);
  }
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
  await a.byTestId('line-retrieve').first().click();
  await everyoneHears(t, a, b, 'retrieved');

  await a.byTestId('end-conference').click();
  await Promise.all([a.waitForCallState('Idle'), b.waitForCallState('Idle')]);
  const rec = await deskRecordings(since, events);
  assertDeskHeard(t, rec, talk, [440, 660], [desk.hz], 'three talk');
  assertDeskHeard(t, rec, muted, [660], [440, desk.hz], 'A muted');
  assertDeskHeard(t, rec, unmuted, [440, 660], [desk.hz], 'A unmuted');
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
  const rec = await deskRecordings(since, events);
  assertDeskHeard(t, rec, talk, [440, 660], [desk.hz], 'three talk');
  assertDeskHeard(t, rec, left, [660], [440, desk.hz], 'after Leave');
});
