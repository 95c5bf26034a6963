// The first call between two agents: signalling through Kamailio, media peer to peer,
// audio checked by tone (agent A's microphone plays 440 Hz, agent B's 660 Hz).
// Run: cargo xtask e2e [--grep PATTERN]

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { config, describeTone, startStaticServer, twoSignedIn } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** Agents A (440 Hz) and B (660 Hz), each signed in as a fresh test user. */
async function twoAgents(t) {
  const { a, b, ua, ub } = await twoSignedIn(t, server.url);
  return { a, b, userA: ua, userB: ub };
}

test("1001 calls 1002, each hears the other's tone and not its own, hang-up returns both to idle", async (t) => {
  const { a, b, userA, userB } = await twoAgents(t);

  await a.dial(userB);
  await b.waitForCallState('Incoming');
  const peer = await b.waitForText('call-peer', (s) => s.includes(userA), { what: `caller ${userA}` });
  t.diagnostic(`B sees the call from: ${peer}`);

  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  await a.waitForText('call-timer', /^\d{1,2}:\d{2}$/, { what: 'mm:ss' });

  const [heardByA, heardByB] = await Promise.all([
    a.waitForTone({ hear: 660, notHear: 440 }),
    b.waitForTone({ hear: 440, notHear: 660 }),
  ]);
  t.diagnostic(`A hears ${describeTone(heardByA)}`);
  t.diagnostic(`B hears ${describeTone(heardByB)}`);

  await a.hangUp();
  await Promise.all([a.waitForCallState('Ended'), b.waitForCallState('Ended')]);
  await Promise.all([a.waitForCallState('Idle'), b.waitForCallState('Idle')]);
  for (const agent of [a, b]) {
    assert.ok(await agent.byTestId('start-call').isEnabled(), `${agent.name}: start-call is enabled again`);
  }

  // The whole call ran under the page's Content-Security-Policy (xtask/src/csp.rs) and it
  // blocked nothing: the loader, both WebAssembly modules, the worklet, the WebSocket, media.
  for (const agent of [a, b]) {
    const { policy, violations } = await agent.csp();
    assert.match(policy ?? '', /script-src 'self' 'wasm-unsafe-eval' 'sha256-/, `${agent.name}: the page has a policy`);
    assert.match(policy, /object-src 'none'/);
    assert.deepEqual(violations, [], `${agent.name}: nothing was blocked`);
  }
});

test('1002 declines and 1001 sees declined in words', async (t) => {
  const { a, b, userA, userB } = await twoAgents(t);

  await a.dial(userB);
  await b.waitForCallState('Incoming');
  await b.waitForText('call-peer', (s) => s.includes(userA), { what: `caller ${userA}` });
  await b.decline();
  const shown = await a.waitForCallState('Declined');
  t.diagnostic(`A shows: ${shown}`);
});
