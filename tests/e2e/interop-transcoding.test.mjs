// A transcoded call: the desk phone 1101 has PCMU alone, and Kamailio has rtpengine give the
// browser Opus (tests/kamailio/kamailio.cfg, PCMU_ONLY), so every packet is decoded and encoded
// again in between. The tone must still arrive clearly both ways: at the right frequency and
// within 6 dB of the level it was sent at. The browser's own statistics show which codec its
// side of the call really carries (Opus, packets received), so a call that slipped back to
// PCMU end to end could not pass.
// The agent once heard nothing here, though Opus arrived and was decoded: rtpengine sends the
// transcoded stream under an SSRC of its own but passed the desk phone's a=ssrc on to the
// browser, which tied the call's track to that SSRC (getSynchronizationSources() stayed
// empty, the track silent) and decoded the real packets into a stream no track plays.
// Kamailio now drops the plain phone's a=ssrc on transcoded calls (route TX_PLAIN_SDP).
// Run: cargo xtask e2e --grep interop

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, goertzelPower, peakFrequency, startStaticServer } from './harness.mjs';
import { deskCommand, deskHeard, deskRegistered, pcmuDesk } from './deskphone.mjs';
import { keepPeers, rtpStats } from './peer-stats.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The agents' tone amplitude, of full scale (xtask/src/e2e.rs). */
const AGENT_AMP = Number(process.env.SOFTPHONE_AGENT_AMP ?? 0.5);
/** How far (dB) the received level may be from the sent one. */
const LEVEL_DB = 6;

const db = (power, amp) => 10 * Math.log10(power / (amp * amp));

/** Frequency and level of `hz` in `samples` against the amplitude it was sent at. */
function measure(samples, sampleRate, hz, sentAmp) {
  const power = goertzelPower(samples, sampleRate, hz);
  const peak = peakFrequency(samples, sampleRate, 100, 3900);
  return { power, levelDb: db(power, sentAmp), peakHz: peak.hz };
}

function assertClear(what, m, hz) {
  assert.ok(Math.abs(m.peakHz - hz) <= 20, `${what}: the strongest frequency is ${m.peakHz} Hz, not ${hz} Hz`);
  assert.ok(Math.abs(m.levelDb) <= LEVEL_DB, `${what}: ${hz} Hz arrives at ${m.levelDb.toFixed(1)} dB of what was sent (limit ±${LEVEL_DB} dB)`);
}

/** The agent hears the desk phone's tone clearly (several reads, the best one kept). */
async function agentHearsClearly(t, a) {
  await a.waitForTones({ hear: [pcmuDesk.hz], notHear: [440] });
  let best = null;
  for (let i = 0; i < 8; i++) {
    const { sampleRate, samples } = await a.speakerSamples();
    const m = measure(samples, sampleRate, pcmuDesk.hz, pcmuDesk.amp);
    if (!best || Math.abs(m.levelDb) < Math.abs(best.levelDb)) best = m;
    await sleep(200);
  }
  t.diagnostic(`desk -> agent: peak ${best.peakHz} Hz, ${pcmuDesk.hz} Hz at ${best.levelDb.toFixed(1)} dB of sent`);
  assertClear('desk -> agent', best, pcmuDesk.hz);
}

/** The desk phone heard the agent's 440 Hz clearly in the best second of its recording. */
async function deskHeardClearly(t, since) {
  const { file, sampleRate, samples } = await deskHeard(since, { phone: pcmuDesk });
  let best = null;
  for (let at = 0; at + sampleRate <= samples.length; at += sampleRate / 4) {
    const m = measure(samples.subarray(at, at + sampleRate), sampleRate, 440, AGENT_AMP);
    if (!best || m.power > best.power) best = { ...m, at: at / sampleRate };
  }
  assert.ok(best, `the desk phone's recording ${file} holds less than a second`);
  t.diagnostic(`agent -> desk: peak ${best.peakHz} Hz, 440 Hz at ${best.levelDb.toFixed(1)} dB of sent, from ${best.at.toFixed(2)} s (${file})`);
  assertClear('agent -> desk', best, 440);
}

/** The browser's side of the call carries Opus both ways, and packets arrive. */
async function opusOnTheBrowserSide(t, a) {
  let s;
  for (let i = 0; i < 20; i++) {
    s = await rtpStats(a.page);
    if (s?.packetsReceived > 50 && s?.packetsSent > 50) break;
    await sleep(250);
  }
  t.diagnostic(`browser side: receives ${s?.inCodec} (${s?.packetsReceived} packets, ${s?.concealed} of ${s?.samplesReceived} samples concealed, level ${s?.audioLevel}), sends ${s?.outCodec} (${s?.packetsSent} packets)`);
  t.diagnostic(`browser side: remote SDP ${s?.remote}`);
  t.diagnostic(`browser side: local SDP ${s?.local}`);
  assert.equal(s?.inCodec, 'audio/opus', 'the browser receives Opus');
  assert.equal(s?.outCodec, 'audio/opus', 'the browser sends Opus');
  assert.ok(s.packetsReceived > 50, 'packets arrive at the browser');
}

async function agent(t) {
  await deskRegistered({ phone: pcmuDesk });
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.page.addInitScript(keepPeers);
  const user = freshUser();
  await a.signIn(user);
  return { a, user };
}

test('interop: a transcoded call (PCMU at the desk phone, Opus in the browser), the agent calling: Opus on the browser side, each hears the other\'s tone at its frequency within 6 dB', async (t) => {
  const { a } = await agent(t);
  const since = Date.now();
  await a.dial(pcmuDesk.user);
  await a.waitForCallState('Connected');
  await opusOnTheBrowserSide(t, a);
  await agentHearsClearly(t, a);
  await sleep(2500); // the agent's tone in the desk phone's recording
  await a.hangUp();
  await a.waitForCallState('Ended');
  await deskHeardClearly(t, since);
});

test('interop: a transcoded call (PCMU at the desk phone, Opus in the browser), the desk phone calling: Opus on the browser side, each hears the other\'s tone at its frequency within 6 dB', async (t) => {
  const { a, user } = await agent(t);
  const since = Date.now();
  await deskCommand('dial', `sip:${user}@${config.sipDomain}`, { phone: pcmuDesk });
  await a.waitForCallState('Incoming');
  await a.answer();
  await a.waitForCallState('Connected');
  await opusOnTheBrowserSide(t, a);
  await agentHearsClearly(t, a);
  await sleep(2500);
  await a.hangUp();
  await a.waitForCallState('Ended');
  await deskHeardClearly(t, since);
});
