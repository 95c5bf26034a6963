// Starting fast whatever the network does: signalling does not wait for the audio, the audio
// and the desktop wait for the registrar only so long (crates/web/src/runtime.rs,
// SIGNALLING_FIRST_MS), and a call does not wait for a STUN server that never answers
// (crates/web/src/gathering.rs, GATHER_DEADLINE_MS, counted from when the warm spare connection
// of crates/web/src/spare.rs started gathering). Speed is measured by `cargo xtask bench
// startup`, never asserted here.
// Run: cargo xtask e2e --grep startup

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { AgentPage, config, describeTone, freshUser, silentServer, startStaticServer } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** A UDP port on loopback that takes STUN requests and never answers; counts what it got. */
async function silentStun() {
  const socket = dgram.createSocket('udp4');
  let received = 0;
  socket.on('message', () => {
    received += 1;
  });
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    url: `stun:127.0.0.1:${socket.address().port}`,
    received: () => received,
    close: () => new Promise((resolve) => socket.close(resolve)),
  };
}

/** Opens the app on `agent`, enters `ice` in the server settings, and signs in as `user`. */
async function signInWithIce(agent, user, ice) {
  await agent.page.goto(server.url);
  const field = agent.byTestId('ice-servers');
  await agent.page.locator('details', { has: field }).locator('summary').first().click();
  await field.fill(ice);
  await agent.signIn(user, { open: false });
}

test('startup: a call with a STUN server that never answers still connects and carries audio both ways', async (t) => {
  const stun = await silentStun();
  t.after(() => stun.close());
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  const b = await AgentPage.launch('B', config.wavB, { baseUrl: server.url });
  t.after(() => Promise.all([a.close(), b.close()]));
  const [ua, ub] = [freshUser(), freshUser()];
  await Promise.all([signInWithIce(a, ua, stun.url), signInWithIce(b, ub, stun.url)]);

  await a.dial(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  const [heardByA, heardByB] = await Promise.all([
    a.waitForTone({ hear: 660, notHear: 440 }),
    b.waitForTone({ hear: 440, notHear: 660 }),
  ]);
  t.diagnostic(`A hears ${describeTone(heardByA)}; B hears ${describeTone(heardByB)}`);
  // The phones did ask the server: it was configured, only silent.
  assert.ok(stun.received() > 0, 'the silent STUN server got binding requests');
  t.diagnostic(`the silent STUN server got ${stun.received()} requests`);
  await a.hangUp();
  await Promise.all([a.waitForCallState('Ended'), b.waitForCallState('Ended')]);
});

test('startup: audio that cannot start leaves the agent registered, told why in words', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  // The mixer's DSP module does not arrive (a proxy dropped it): the audio cannot start.
  // (dsp.wasm is fetched by the page; the worklet's own script loads outside page routes.)
  await a.page.route('**/dsp.wasm', (route) => route.abort());
  await a.signIn(freshUser());
  const banner = await a.waitForText('audio-problem', /Audio could not start/, { what: 'the audio banner' });
  t.diagnostic(`the phone says: ${banner}`);
  // Still registered, with the banner beside it.
  assert.match(await a.text('reg-status'), /\bRegistered\b/);
});

test('startup: a registrar that never answers still gets the agent the desktop, with the audio up, and a way to sign out', async (t) => {
  const silent = await silentServer();
  t.after(() => silent.close());
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.page.goto(server.url);
  const ws = a.byTestId('ws-url');
  await a.page.locator('details', { has: ws }).locator('summary').first().click();
  await ws.fill(silent.url);
  const user = freshUser();
  await a.byTestId('sip-uri').fill(`sip:${user}@${config.sipDomain}`);
  await a.byTestId('password').fill('whatever');
  await a.byTestId('sign-in').click();
  // The desktop comes without an answer from the registrar, and the audio has started.
  await a.byTestId('number').waitFor({ state: 'visible', timeout: 15_000 });
  const status = await a.text('reg-status');
  t.diagnostic(`reg-status with a silent registrar: ${status}`);
  assert.doesNotMatch(status, /^Registered\b/);
  assert.ok(silent.open() > 0, 'the phone did connect to the silent server');
  await a.page.waitForFunction(() => window.softphoneProbe?.contextState() === 'running', null, { timeout: 15_000 });
  assert.equal(await a.text('audio-problem'), null, 'no audio problem reported');
  // And the agent can leave.
  await a.byTestId('sign-out').click();
  await a.byTestId('sign-in').waitFor({ state: 'visible', timeout: 15_000 });
});
