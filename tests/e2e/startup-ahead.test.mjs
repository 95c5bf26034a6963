// The sign-in form opens the WebSocket to its server while the agent fills it in
// (crates/web/src/ahead.rs, crates/app/src/components/ahead.rs), so the click on Sign in finds
// the connection up. What an agent could notice: nothing before the click, whatever that
// server does; a server changed in the form is the one signed in to; one that refuses is
// reported in words at the click, as it always was; a fresh profile dials the built-in
// server ahead only where it is the lab's (the page from its host), a saved server anywhere.
// Speed: `cargo xtask bench startup`.
// Run: cargo xtask e2e --grep 'startup'

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { AgentPage, appUp, config, freshUser, passwordOf, silentServer, startStaticServer } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** Runs in the page first: every WebSocket it makes, `{ url, made, closed, sent }`
 *  (performance.now() ms; `sent`: its first frame, null until then), and the click on Sign in. */
function recordSockets() {
  const sockets = [];
  window.__e2eSockets = sockets;
  document.addEventListener(
    'click',
    (e) => {
      if (e.target?.closest?.('[data-testid="sign-in"]')) window.__e2eSignInClick ??= performance.now();
    },
    true,
  );
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      const entry = { url: String(args[0]), made: performance.now(), closed: null, sent: null };
      sockets.push(entry);
      this.addEventListener('close', () => {
        entry.closed = performance.now();
      });
      const send = this.send.bind(this);
      this.send = (data) => {
        entry.sent ??= performance.now();
        return send(data);
      };
    }
  };
}

const sockets = (a) => a.page.evaluate(() => window.__e2eSockets);
const sameUrl = (x, y) => x.replace(/\/$/, '') === y.replace(/\/$/, '');

/** A loopback URL where nothing listens: a WebSocket to it is refused. */
async function refusingUrl() {
  const srv = net.createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return `ws://127.0.0.1:${port}`;
}

async function openServerFields(a) {
  await a.page.goto(server.url);
  const ws = a.byTestId('ws-url');
  if (!(await ws.isVisible())) await a.page.locator('details', { has: ws }).locator('summary').first().click();
  return ws;
}

/** A fresh agent whose form names a server that accepts the socket and never answers, with
 * a fresh account typed after it; its sockets recorded. */
async function typedSilentServer(t) {
  const silent = await silentServer();
  t.after(() => silent.close());
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.page.addInitScript(recordSockets);
  const ws = await openServerFields(a);
  const user = freshUser();
  await ws.fill(silent.url);
  await a.byTestId('sip-uri').fill(`sip:${user}@${config.sipDomain}`);
  return { silent, a, ws, user };
}

async function until(what, check, timeout = 15_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const got = await check();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('startup: a server changed in the form after its socket was opened ahead is the one signed in to, on a socket opened before the click', async (t) => {
  // The agent types a server, and moves on to the next field: the phone connects to it.
  const { silent, a, ws, user } = await typedSilentServer(t);
  await until('the socket opened ahead to the first server', () => silent.open() > 0);
  // Then corrects it: that socket goes, and the new server's comes.
  await ws.fill(config.wsUrl);
  await a.byTestId('password').fill(passwordOf(user));
  await until('the first server\'s socket closed', async () =>
    (await sockets(a)).filter((s) => sameUrl(s.url, silent.url)).every((s) => s.closed !== null),
  );
  assert.equal(await a.text('reg-status'), 'Signed out', 'nothing shows before the click');
  await a.byTestId('sign-in').click();
  await a.waitForText('reg-status', /^Registered\b/, { what: '"Registered"' });
  const made = await sockets(a);
  const click = await a.page.evaluate(() => window.__e2eSignInClick);
  t.diagnostic(`sockets: ${JSON.stringify(made.map((s) => ({ ...s, click })))}`);
  const carrying = made.filter((s) => s.sent !== null);
  assert.equal(carrying.length, 1, 'one socket carried SIP');
  assert.ok(sameUrl(carrying[0].url, config.wsUrl), `it went to the corrected server, not ${carrying[0].url}`);
  assert.ok(carrying[0].made < click, 'it was opened before the click');
  assert.ok(carrying[0].sent >= click, 'nothing was sent on it before the click');
  assert.ok(
    made.filter((s) => sameUrl(s.url, silent.url)).every((s) => s.sent === null),
    'nothing was ever sent to the first server',
  );
});

test('startup: a server that refuses the socket opened ahead shows nothing before the click, and the click reports it in words', async (t) => {
  const refused = await refusingUrl();
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.page.addInitScript(recordSockets);
  const ws = await openServerFields(a);
  const user = freshUser();
  await ws.fill(refused);
  await a.byTestId('sip-uri').fill(`sip:${user}@${config.sipDomain}`);
  await a.byTestId('password').fill(passwordOf(user));
  const ahead = await until('the socket opened ahead to be refused', async () =>
    (await sockets(a)).find((s) => sameUrl(s.url, refused) && s.closed !== null),
  );
  t.diagnostic(`refused ahead: ${JSON.stringify(ahead)}`);
  assert.equal(await a.text('reg-status'), 'Signed out', 'the status says nothing of it');
  assert.equal(await a.text('sign-in-error'), null, 'no error before the click');
  await a.byTestId('sign-in').click();
  const status = await a.waitForText('reg-status', /^Not registered\b/, { what: 'the failure in words' });
  t.diagnostic(`after the click: ${status}`);
  const after = (await sockets(a)).filter((s) => sameUrl(s.url, refused));
  assert.ok(after.length >= 2, 'the click tried the server again itself');
});

test('startup: a fresh profile dials the built-in server ahead only from the lab\'s own host; a saved server is dialled ahead anywhere', async (t) => {
  // The built-in server (state::DEFAULT_WS) is the lab's Kamailio: the sign-ins below use it
  // without typing a server, as a new agent would.
  if (config.wsUrl !== 'ws://127.0.0.1:8088') {
    t.skip(`the lab is not on the built-in server (${config.wsUrl})`);
    return;
  }
  const cases = [
    // A deployment that left the default: the page's host is not the default's.
    { name: 'fresh profile, page from another host', host: 'localhost', saved: false, ahead: false },
    { name: 'saved server, page from another host', host: 'localhost', saved: true, ahead: true },
    { name: 'fresh profile, page from the lab\'s host', host: '127.0.0.1', saved: false, ahead: true },
  ];
  for (const c of cases) {
    const url = server.url.replace('127.0.0.1', c.host);
    const a = await AgentPage.launch(`A-${c.host}`, config.wavA, { baseUrl: url });
    t.after(() => a.close());
    await a.page.addInitScript(recordSockets);
    if (c.saved) await a.page.addInitScript((ws) => localStorage.setItem('softphone.ws_url', ws), config.wsUrl);
    await a.page.goto(url);
    // The app's own form, so whatever it dials at load is dialled before the click.
    await appUp(a.page);
    const user = freshUser();
    await a.byTestId('sip-uri').fill(`sip:${user}@${config.sipDomain}`);
    await a.byTestId('password').fill(passwordOf(user));
    await a.byTestId('sign-in').click();
    await a.waitForText('reg-status', /^Registered\b/, { what: '"Registered"' });
    const made = await sockets(a);
    const click = await a.page.evaluate(() => window.__e2eSignInClick);
    t.diagnostic(`${c.name}: ${JSON.stringify(made.map((s) => ({ ...s, click })))}`);
    const carrying = made.filter((s) => s.sent !== null);
    assert.equal(carrying.length, 1, `${c.name}: one socket carried SIP`);
    assert.ok(sameUrl(carrying[0].url, config.wsUrl), c.name);
    assert.equal(carrying[0].made < click, c.ahead, `${c.name}: dialled ahead of the click: ${!c.ahead}`);
    if (!c.ahead) assert.ok(made.every((s) => s.made >= click), `${c.name}: nothing dialled before the click`);
  }
});

test('startup: the click shows Signing in… and Registering… while the registrar is silent, and a second submit before the first paint signs in no second time', async (t) => {
  // The click's feedback is rendered after its first paint (crates/app/src/state/first_paint.rs),
  // so the guard against a second sign-in cannot be the disabled button.
  const { silent, a, user } = await typedSilentServer(t);
  await a.byTestId('password').fill(passwordOf(user));
  await until('the socket opened ahead', () => silent.open() > 0);
  // Enter twice in one task, as a bouncing key would: no paint comes between the two.
  await a.byTestId('password').evaluate((field) => {
    field.form.requestSubmit();
    field.form.requestSubmit();
  });
  await a.waitForText('sign-in', /^Signing in…$/, { what: 'the busy button' });
  assert.equal(await a.byTestId('sign-in').isDisabled(), true, 'the busy button takes no click');
  await a.waitForText('reg-status', /^Registering…$/, { what: '"Registering…"' });
  // Long enough for a second sign-in's own socket to have been made.
  await new Promise((r) => setTimeout(r, 500));
  const made = (await sockets(a)).filter((s) => sameUrl(s.url, silent.url));
  t.diagnostic(`sockets to the silent server: ${JSON.stringify(made)}`);
  assert.equal(made.length, 1, 'one sign-in, on the socket opened ahead');
});
