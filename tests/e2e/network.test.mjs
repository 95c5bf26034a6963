// The network under a call: the SIP server drops agent A's WebSocket (as a flaky office link
// or a proxy failover would). The app must say so, reconnect and register again, keep the call
// (its audio does not go through the WebSocket), and the call must still end cleanly from the
// far side: our Contact is our GRUU (RFC 5627), which Kamailio routes to the flow we
// registered last, so the peer's BYE finds us on the new connection.
// Run: cargo xtask e2e --grep network

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { config, startStaticServer, twoSignedIn } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

const kamcmd = (...args) => execFileSync('kamcmd', ['-s', `unix:${config.kamailioCtl}`, ...args], { encoding: 'utf8' });

/** The open WebSocket connections Kamailio holds now (`ws.dump`), as `{ id, port }`. */
function webSockets() {
  // Lines like `2: ws:127.0.0.1:54410 -> ws:127.0.0.1:8088 (state: OPEN, ...)`.
  return [...kamcmd('ws.dump').matchAll(/^\s*(\d+): ws:[^ ]*:(\d+) ->.*state: OPEN/gm)].map((m) => ({
    id: m[1],
    port: m[2],
  }));
}

/**
 * The id of the WebSocket that `user`'s registration came in on: its port is in the registered
 * Contact (`alias=127.0.0.1~<port>~5`) or its received address (`ul.dump`).
 */
function webSocketOf(user) {
  const dump = kamcmd('ul.dump');
  const at = dump.indexOf(`AoR: ${user}`);
  assert.ok(at >= 0, `${user} is registered: ${dump}`);
  const next = dump.indexOf('AoR:', at + 1);
  const entry = dump.slice(at, next < 0 ? undefined : next);
  const port = entry.match(/alias=127\.0\.0\.1~(\d+)~/)?.[1] ?? entry.match(/Received: sip:127\.0\.0\.1:(\d+)/)?.[1];
  assert.ok(port, `the port of ${user}'s connection: ${entry}`);
  const id = webSockets().find((c) => c.port === port)?.id;
  assert.ok(id, `a WebSocket from port ${port}`);
  return id;
}

test('network: the server drops the WebSocket mid-call; the app reconnects, the call goes on and ends cleanly', async (t) => {
  const { a, b, ua, ub } = await twoSignedIn(t, server.url);
  await a.dial(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);

  const dropped = webSocketOf(ua);
  const kept = webSocketOf(ub);
  kamcmd('ws.close', dropped);

  // A notices, says so, reconnects and registers again on a new connection.
  await a.waitForText('reg-status', (s) => !/^Registered$/.test(s.trim()), { timeout: 10_000, what: 'a lost connection shown' });
  t.diagnostic(`A while reconnecting: ${await a.text('reg-status')}`);
  await a.waitForText('reg-status', (s) => /^Registered$/.test(s.trim()), { timeout: 20_000, what: '"Registered" again' });
  const now = webSocketOf(ua);
  t.diagnostic(`A's WebSocket: ${dropped} closed by the server, ${now} after reconnecting`);
  assert.notEqual(now, dropped);
  assert.equal(webSocketOf(ub), kept, "B's connection was left alone");
  assert.ok(webSockets().some((c) => c.id === now));

  // The call never stopped.
  assert.match(await a.text('call-state'), /Connected/);
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);

  // A's Contact in the call is its GRUU, which now leads to A's new connection (without a GRUU
  // a target refresh would tell B); the far side hangs up, and its BYE must reach A there.
  await new Promise((r) => setTimeout(r, 2_000));
  await b.hangUp();
  await Promise.all([a.waitForCallState('Idle'), b.waitForCallState('Idle')]);
});
