// Faults under a call: the SIP server itself dies and comes back. Kamailio is killed (SIGKILL:
// its registrations, its nonces and every WebSocket are gone) and started again by xtask with
// the same configuration. Both agents must register again on their own (the new server's
// challenge is a new nonce, not a wrong password), the call's audio (peer to peer) must go
// on, and in-dialog requests must reach the far end afterwards although both ends' flows are
// new: each end's Contact is its GRUU (RFC 5627), which the registrar routes to the flow the
// agent registered last.
// Run: flock /tmp/softphone-e2e.lock cargo xtask e2e --grep fault

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, restartKamailio, startStaticServer, twoSignedIn } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

const REGISTERED = /^Registered$/;

/**
 * When `agent` showed "Registered" again after `since` (epoch ms), and every text its
 * reg-status showed from then on.
 */
async function reRegistered(agent, since, { timeout = 15_000 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const after = (await agent.regStates()).filter((s) => s.at >= since);
    const back = after.find((s) => REGISTERED.test(s.text ?? ''));
    if (back) return { at: back.at, seen: after.map((s) => s.text) };
    if (Date.now() > end) {
      throw new Error(`${agent.name}: not "Registered" again within ${timeout} ms; showed ${JSON.stringify(after)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('fault: Kamailio restarts mid-call; both agents register again with no "wrong credentials", the audio goes on, hold and retrieve work, and a hang-up reaches the far end', async (t) => {
  const { a, b, ub } = await twoSignedIn(t, server.url);
  const c = await AgentPage.launch('C', config.wavC, { baseUrl: server.url });
  t.after(() => c.close());
  const uc = freshUser();
  await c.signIn(uc);

  await a.dial(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);

  const { killedAt, readyAt } = await restartKamailio({ downMs: 1400 });
  t.diagnostic(`Kamailio down ${readyAt - killedAt} ms (killed, 1400 ms pause, started, /health answered)`);

  // Everyone notices, and registers again without signing in.
  const back = await Promise.all([a, b, c].map((p) => reRegistered(p, killedAt)));
  for (const [p, r] of [a, b, c].map((p, i) => [p, back[i]])) {
    t.diagnostic(`${p.name}: "Registered" again ${r.at - readyAt} ms after Kamailio was back; showed ${JSON.stringify(r.seen)}`);
    assert.ok(r.seen.some((s) => !REGISTERED.test(s ?? '')), `${p.name} showed the lost connection`);
  }
  // Past the first answer too: a false "wrong credentials" could follow a good registration.
  await new Promise((r) => setTimeout(r, 2_000));
  for (const p of [a, b, c]) {
    const seen = (await p.regStates()).filter((s) => s.at >= killedAt).map((s) => s.text);
    assert.ok(!seen.some((s) => /wrong credentials/i.test(s ?? '')), `${p.name} never claims a wrong password: ${JSON.stringify(seen)}`);
    assert.match(await p.text('reg-status'), REGISTERED);
  }

  // The call never stopped: media is peer to peer.
  assert.match(await a.text('call-state'), /Connected/);
  assert.match(await b.text('call-state'), /Connected/);
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);

  // A calls C: its call with B goes on hold, a re-INVITE that must find B on B's new flow.
  // "on hold" shows only once B answered it.
  await a.dial(uc);
  await c.waitForCallState('Incoming');
  await c.answer();
  await c.waitForCallState('Connected');
  const rowB = () => a.lineTo(ub);
  const stateOfB = async () => ((await rowB().getByTestId('line-state').textContent()) ?? '').trim();
  const until = async (test, what) => {
    const end = Date.now() + 15_000;
    let s;
    while (!test((s = await stateOfB()))) {
      if (Date.now() > end) throw new Error(`A's line to B never showed ${what} (last: ${JSON.stringify(s)})`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return s;
  };
  t.diagnostic(`A's line to B while A talks to C: ${await until((s) => /on hold/.test(s), '"on hold"')}`);
  await Promise.all([
    a.waitForTones({ hear: [880], notHear: [440, 660] }),
    b.waitForTones({ hear: [], notHear: [440, 880] }),
  ]);

  // Retrieve B (C goes on hold): a second re-INVITE to B, and the two hear each other again.
  await rowB().getByTestId('line-retrieve').click();
  t.diagnostic(`A's line to B after Retrieve: ${await until((s) => /Connected/.test(s) && !/on hold/.test(s), 'Connected, not on hold')}`);
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440, 880] }), b.waitForTones({ hear: [440], notHear: [660, 880] })]);

  // A ends its call with C; then B hangs up, and B's BYE must reach A on A's new flow.
  await a.lineTo(uc).getByTestId('line-hang-up').click();
  await c.waitForCallState('Idle');
  await b.hangUp();
  await Promise.all([a.waitForCallState('Idle'), b.waitForCallState('Idle')]);
});
