// A phone that is not a browser: the lab's baresip desk phone (plain RTP, G.711, over UDP),
// reached through rtpengine, which Kamailio puts in the path because one side is a browser.
// The agent (440 Hz) must hear the desk phone's tone (1 kHz) and the desk phone must hear the
// agent: its own recording of the call is measured after it ends. Hold and retrieve from each
// side: the re-INVITE goes through rtpengine too, and the audio stops and flows again.
// Run: cargo xtask e2e --grep interop

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, goertzelPower, startStaticServer } from './harness.mjs';
import { keepPeers, rtpStats } from './peer-stats.mjs';
import { assertDeskPlayed, desk, deskCommand, deskDirection, deskHeard, deskPlayed, deskReceivesIn, deskRegistered } from './deskphone.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** G.711 at 20 ms a packet: 50 a second; a second of flowing RTP brings at least this many. */
const FLOWING = 40;

/** The desk phone receives the agent's RTP: at least FLOWING packets in a second, by its count. */
async function deskReceives(t, when) {
  const n = await deskReceivesIn(1000);
  t.diagnostic(`${when}: the desk phone received ${n} RTP packets in 1 s`);
  assert.ok(n >= FLOWING, `${when}: the desk phone received ${n} RTP packets in 1 s, fewer than ${FLOWING}`);
}

async function agent(t) {
  await deskRegistered();
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.page.addInitScript(keepPeers);
  const user = freshUser();
  await a.signIn(user);
  return { a, user };
}

/** The agent hears the desk phone's tone and not its own. */
async function agentHearsDesk(t, a) {
  const p = await a.waitForTones({ hear: [desk.hz], notHear: [440] });
  t.diagnostic(`A hears ${desk.hz} Hz ${p[desk.hz].toExponential(1)}, 440 Hz ${p[440].toExponential(1)}`);
}

/** RTP packets the agent's browser receives on the call in `ms` milliseconds. */
async function agentReceivesIn(a, ms) {
  const before = (await rtpStats(a.page))?.packetsReceived ?? 0;
  await sleep(ms);
  return ((await rtpStats(a.page))?.packetsReceived ?? 0) - before;
}

/** Neither side's tone reaches the agent (the agent's own never does). */
async function agentHearsNothing(t, a, when) {
  const p = await a.waitForTones({ hear: [], notHear: [desk.hz, 440] });
  t.diagnostic(`${when}: A hears ${desk.hz} Hz ${p[desk.hz].toExponential(1)}`);
}

/**
 * The desk phone heard the agent's 440 Hz and not its own tone, for a whole second of the call
 * it recorded. baresip 1.0 stops that recording at the first hold (`deskReceived` says why),
 * so after a hold the tests read what its player played (`deskPlayed`) and its own count of
 * RTP packets received.
 */
async function deskHeardAgent(t, since) {
  const { file, sampleRate, samples } = await deskHeard(since);
  let best = { p440: 0, pDesk: 0, at: 0 };
  for (let at = 0; at + sampleRate <= samples.length; at += sampleRate / 4) {
    const second = samples.subarray(at, at + sampleRate);
    const p440 = goertzelPower(second, sampleRate, 440);
    if (p440 > best.p440) best = { p440, pDesk: goertzelPower(second, sampleRate, desk.hz), at };
  }
  const { p440, pDesk } = best;
  t.diagnostic(`the desk phone heard 440 Hz ${p440.toExponential(1)}, ${desk.hz} Hz ${pDesk.toExponential(1)} in its best second, from ${(best.at / sampleRate).toFixed(2)} s (${(samples.length / sampleRate).toFixed(1)} s recorded, ${file})`);
  assert.ok(p440 >= 1e-4 && p440 >= 10 * pDesk, `the desk phone heard the agent: 440 Hz ${p440}, ${desk.hz} Hz ${pDesk}`);
}

test('interop: an agent calls the baresip desk phone and hears its tone; baresip hears the agent\'s, also after the agent holds and retrieves', async (t) => {
  const { a } = await agent(t);
  const since = Date.now();
  await a.dial(desk.user);
  await a.waitForCallState('Connected');
  await agentHearsDesk(t, a);
  await sleep(2000); // two seconds of the agent in the desk phone's recording

  await a.byTestId('hold').click();
  await a.waitForText('call-hold', /on hold/i, { what: '"On hold"' });
  await agentHearsNothing(t, a, 'A holds');
  // The agent offered sendonly and the desk phone answered recvonly: it sends nothing.
  assert.equal(await deskDirection(), 'recvonly', 'the desk phone, held by the agent, only receives');
  const held = await agentReceivesIn(a, 1500);
  t.diagnostic(`A holds: A's browser received ${held} RTP packets in 1.5 s`);
  assert.equal(held, 0, 'the desk phone sends no RTP to the agent who holds the call');
  await a.byTestId('retrieve').click();
  await a.waitForText('call-hold', (s) => !/on hold/i.test(s), { what: 'no "On hold"' });
  await agentHearsDesk(t, a);
  assert.equal(await deskDirection(), 'sendrecv', 'the desk phone sends and receives again after the retrieve');
  const flowing = await agentReceivesIn(a, 1000);
  t.diagnostic(`A retrieved: A's browser received ${flowing} RTP packets in 1 s`);
  assert.ok(flowing >= FLOWING, `A retrieved: A's browser received ${flowing} RTP packets in 1 s, fewer than ${FLOWING}`);
  await deskReceives(t, 'A retrieved');
  const retrieved = [Date.now()];
  await sleep(2500);
  retrieved.push(Date.now());
  await a.hangUp();
  await a.waitForCallState('Ended');
  await deskHeardAgent(t, since);
  assertDeskPlayed(t, deskPlayed(since), retrieved, [440], [desk.hz], 'A retrieved');
});

test('interop: the baresip desk phone calls the agent, who answers in the UI; each hears the other, also after the desk phone holds and resumes', async (t) => {
  const { a, user } = await agent(t);
  const since = Date.now();
  await deskCommand('dial', `sip:${user}@${config.sipDomain}`);
  await a.waitForCallState('Incoming');
  await a.answer();
  await a.waitForCallState('Connected');
  await agentHearsDesk(t, a);
  await sleep(2000);

  await deskReceives(t, 'before the hold');
  await deskCommand('hold');
  await a.waitForText('call-hold', /holding you/, { what: '"holding you"' });
  await agentHearsNothing(t, a, 'the desk phone holds');
  // The desk phone offered sendonly and the agent answered recvonly: no RTP toward it at all.
  assert.equal(await deskDirection(), 'sendonly', 'the desk phone that holds only sends');
  const held = [Date.now()];
  const n = await deskReceivesIn(2500);
  held.push(Date.now());
  t.diagnostic(`the desk phone holds: it received ${n} RTP packets in 2.5 s`);
  assert.equal(n, 0, 'the agent sends no RTP to the desk phone that holds the call');
  await deskCommand('resume');
  await a.waitForText('call-hold', (s) => !/holding you/.test(s), { what: 'no "holding you"' });
  await agentHearsDesk(t, a);
  assert.equal(await deskDirection(), 'sendrecv', 'the desk phone sends and receives again after the resume');
  await deskReceives(t, 'the desk phone resumed');
  const resumed = [Date.now()];
  await sleep(2500);
  resumed.push(Date.now());
  await deskCommand('hangup');
  await a.waitForCallState('Ended');
  await deskHeardAgent(t, since);
  const played = deskPlayed(since);
  assertDeskPlayed(t, played, held, [], [440, desk.hz], 'the desk phone holds');
  assertDeskPlayed(t, played, resumed, [440], [desk.hz], 'the desk phone resumed');
});
