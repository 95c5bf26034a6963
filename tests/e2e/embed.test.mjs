// The phone embedded in a CRM page served from another origin, driven through the SDK
// (www/embed/softphone.js) and the example CRM (www/embed/example-crm.html).
// Run: cargo xtask e2e --grep embed

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AgentPage,
  config,
  freshUser,
  launchEmbedded,
  passwordOf,
  startCrmServer,
  startStaticServer,
} from './harness.mjs';

let phoneServer;
let crmServer;

before(async () => {
  phoneServer = await startStaticServer(config.dist, config.httpPort);
  crmServer = await startCrmServer();
});

after(async () => {
  await Promise.all([phoneServer?.close(), crmServer?.close()]);
});

const phoneUrl = () => `${phoneServer.url}/`;
const crmUrl = () => `${crmServer.url}/example-crm.html?phone=${encodeURIComponent(phoneUrl())}`;

/** Agent A in the example CRM (its origin allowed), agent B on the phone's own page. */
async function crmAndAgent(t, { embedConfig } = {}) {
  const a = await launchEmbedded('A', config.wavA, {
    phoneUrl: phoneUrl(),
    crmUrl: crmUrl(),
    embedConfig: embedConfig ?? { allowed_origins: [crmServer.url] },
  });
  const b = await AgentPage.launch('B', config.wavB, { baseUrl: phoneServer.url });
  t.after(() => Promise.all([a.close(), b.close()]));
  const [ua, ub] = [freshUser(), freshUser()];
  await Promise.all([a.signIn(ua, { open: false }), b.signIn(ub)]);
  return { a, b, ua, ub };
}

/** Every event the CRM page received so far. */
const crmEvents = (a) => a.crm.evaluate(() => window.crmEvents);

/** Waits until the CRM has received an event matching `pred`; returns it. */
async function waitForCrmEvent(a, what, pred, timeout = 15_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const found = (await crmEvents(a)).find(pred);
    if (found) return found;
    if (Date.now() > end) {
      throw new Error(`the CRM never got ${what}; it got ${JSON.stringify(await crmEvents(a))}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('embed: click-to-dial from the CRM page (another origin) reaches the second agent, who answers; both hear each other', async (t) => {
  const { a, b, ua, ub } = await crmAndAgent(t);
  await waitForCrmEvent(a, 'registered', (e) => e.type === 'registration' && e.state === 'registered');

  await a.crm.getByTestId('crm-number').fill(ub);
  await a.crm.getByTestId('crm-dial').click();
  await b.waitForCallState('Incoming');
  await b.waitForText('call-peer', (s) => s.includes(ua), { what: `caller ${ua}` });
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  await Promise.all([
    a.waitForTones({ hear: [660], notHear: [440] }),
    b.waitForTones({ hear: [440], notHear: [660] }),
  ]);

  const connected = await waitForCrmEvent(
    a,
    'call_state connected',
    (e) => e.type === 'call_state' && e.phase === 'connected',
  );
  assert.equal(connected.direction, 'outgoing');
  assert.equal(connected.party.number, ub);

  await b.hangUp();
  const ended = await waitForCrmEvent(a, 'call_ended', (e) => e.type === 'call_ended');
  assert.equal(ended.call, connected.call);
  assert.equal(ended.outcome, 'hung_up');
  assert.ok(ended.duration_ms > 0, `a talked call has a duration: ${JSON.stringify(ended)}`);
});

test('embed: the incoming-call event reaches the CRM with the caller, and answering from the CRM connects', async (t) => {
  const { a, b, ua, ub } = await crmAndAgent(t);
  await waitForCrmEvent(a, 'registered', (e) => e.type === 'registration' && e.state === 'registered');

  await b.dial(ua);
  const incoming = await waitForCrmEvent(a, 'incoming_call', (e) => e.type === 'incoming_call');
  assert.equal(incoming.caller.number, ub);
  // The example CRM opened the caller's record.
  await a.crm.getByTestId('crm-record').waitFor({ state: 'visible' });
  assert.equal((await a.crm.getByTestId('crm-caller-number').textContent()).trim(), ub);

  await a.crm.getByTestId('crm-answer').click();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  await Promise.all([
    a.waitForTones({ hear: [660], notHear: [440] }),
    b.waitForTones({ hear: [440], notHear: [660] }),
  ]);
  const connected = await waitForCrmEvent(
    a,
    'call_state connected',
    (e) => e.type === 'call_state' && e.phase === 'connected' && e.call === incoming.call,
  );
  assert.equal(connected.direction, 'incoming');
});

test('embed: a message from an origin not on the allowlist is ignored and changes nothing', async (t) => {
  // The deployment allows some other CRM, not the page the phone is in.
  const { a, b, ub } = await crmAndAgent(t, {
    embedConfig: { allowed_origins: ['https://crm.example.com'] },
  });
  // The page talks to the phone anyway, with a well-formed command.
  await a.crm.evaluate((number) => {
    window.fromPhone = [];
    window.addEventListener('message', (e) => window.fromPhone.push(e.data));
    const frame = document.querySelector('iframe').contentWindow;
    frame.postMessage({ softphone: 1, id: 'x', command: { type: 'dial', number } }, '*');
    frame.postMessage(JSON.stringify({ softphone: 1, id: 'y', command: { type: 'dial', number } }), '*');
  }, ub);
  // Long enough for a dial to reach B through Kamailio many times over (the other tests).
  await new Promise((r) => setTimeout(r, 3000));
  assert.deepEqual(await a.crm.evaluate(() => window.fromPhone), [], 'no ready, no answer, no event');
  assert.equal(await a.text('call-state'), await b.text('call-state'), 'both idle alike');
  assert.match(await a.text('call-state'), /idle/i);
  assert.match(await b.text('call-state'), /idle/i);
  // The phone itself still works for the agent.
  assert.ok(await a.byTestId('start-call').isEnabled());
});

test('embed: malformed, oversized, unknown-version and unknown-command messages get an error answer', async (t) => {
  const a = await launchEmbedded('A', config.wavA, {
    phoneUrl: phoneUrl(),
    crmUrl: crmUrl(),
    embedConfig: { allowed_origins: [crmServer.url] },
  });
  t.after(() => a.close());
  const replies = await a.crm.evaluate(async () => {
    await window.softphone.ready;
    const frame = document.querySelector('iframe').contentWindow;
    const got = [];
    const all = new Promise((resolve) => {
      window.addEventListener('message', (e) => {
        if (e.source !== frame || !e.data?.result) return;
        got.push({ id: e.data.id, ...e.data.result });
        if (got.length === 6) resolve(got);
      });
    });
    const origin = new URL(document.querySelector('iframe').src).origin;
    frame.postMessage('{not json', origin);
    frame.postMessage(JSON.stringify({ softphone: 1, id: 'big', pad: 'x'.repeat(300_000) }), origin);
    frame.postMessage({ softphone: 9, id: 'v9', command: { type: 'dial', number: '1' } }, origin);
    frame.postMessage({ softphone: 1, id: 'odd', command: { type: 'self_destruct' } }, origin);
    frame.postMessage({ softphone: 1, id: 'nonum', command: { type: 'dial' } }, origin);
    frame.postMessage({ softphone: 1, id: 'early', command: { type: 'dial', number: '2002' } }, origin);
    return all;
  });
  assert.deepEqual(replies, [
    { id: null, status: 'error', reason: 'malformed' },
    { id: null, status: 'error', reason: 'too_large' },
    { id: 'v9', status: 'error', reason: 'unsupported_version' },
    { id: 'odd', status: 'error', reason: 'unknown_command' },
    { id: 'nonum', status: 'error', reason: 'bad_arguments' },
    { id: 'early', status: 'error', reason: 'not_signed_in' },
  ]);
  // A good command still works after all that.
  await a.crm.evaluate(() => window.softphone.command({ type: 'set_language', language: 'es' }));
  await a.waitForText('sign-in', /Iniciar sesión/i, { what: 'the Spanish sign-in button' });
});

test('embed: an iframe without allow="microphone" shows the clear message inside the phone', async (t) => {
  // The example CRM, told to leave the microphone out of its iframe's allow attribute.
  const phone = await launchEmbedded('A', config.wavA, {
    phoneUrl: phoneUrl(),
    crmUrl: `${crmUrl()}&allow=autoplay`,
    embedConfig: { allowed_origins: [crmServer.url] },
  });
  t.after(() => phone.close());
  assert.equal(await phone.crm.locator('iframe').getAttribute('allow'), 'autoplay');
  const banner = await phone.waitForText('embed-problem', /allow="microphone"/, { what: 'the microphone message' });
  t.diagnostic(`the phone says: ${banner}`);
  // The CRM hears of it too.
  await phone.crm.waitForFunction(() =>
    window.crmEvents.some((e) => e.type === 'error' && e.problem === 'microphone_blocked_by_frame'),
  );

  // Signing in anyway fails with the same words, not a bare "permission denied".
  const user = freshUser();
  const ws = phone.byTestId('ws-url');
  if (!(await ws.isVisible())) await phone.page.locator('details', { has: ws }).locator('summary').first().click();
  await ws.fill(config.wsUrl);
  await phone.byTestId('sip-uri').fill(`sip:${user}@${config.sipDomain}`);
  await phone.byTestId('password').fill(`pw${user}`);
  await phone.byTestId('sign-in').click();
  await phone.waitForText('sign-in-error', /allow="microphone"/, { what: 'the microphone message at sign-in' });
});

test('embed: a single-step conference started from the CRM; the participant events match the phone\'s Contact Info panel', async (t) => {
  const { a, b, ua, ub } = await crmAndAgent(t);
  const c = await AgentPage.launch('C', config.wavC, { baseUrl: phoneServer.url });
  t.after(() => c.close());
  const uc = freshUser();
  await c.signIn(uc);
  await waitForCrmEvent(a, 'registered', (e) => e.type === 'registration' && e.state === 'registered');

  await a.crm.getByTestId('crm-number').fill(ub);
  await a.crm.getByTestId('crm-dial').click();
  await b.waitForCallState('Incoming');
  await b.answer();
  await a.waitForCallState('Connected');

  // Into the call in progress: the CRM's "into the call" box is the single-step dropdown (C7).
  await a.crm.getByTestId('crm-number').fill(uc);
  await a.crm.getByTestId('crm-single-step').check();
  await a.crm.getByTestId('crm-dial').click();
  await c.waitForCallState('Incoming');
  await c.waitForText('call-peer', (s) => s.includes(ua), { what: `caller ${ua}` });
  await c.answer();
  await c.waitForCallState('Connected');
  // Everyone hears the two others (N-1 mix at the host).
  await Promise.all([
    a.waitForTones({ hear: [660, 880], notHear: [440] }),
    b.waitForTones({ hear: [440, 880], notHear: [660] }),
    c.waitForTones({ hear: [440, 660], notHear: [880] }),
  ]);

  // The CRM's latest roster, once it names both callees as connected.
  const both = await waitForCrmEvent(a, 'participants with B and C connected', (e) =>
    e.type === 'participants' &&
    [ub, uc].every((n) => e.participants.some((p) => p.name.includes(n) && p.state === 'connected')),
  );
  assert.equal(both.host, true, 'the agent who started it hosts it (C1)');
  const latest = (await crmEvents(a)).filter((e) => e.type === 'participants').at(-1);
  const told = latest.participants.map((p) => p.name).sort();
  // What the host sees in the phone's own panel: a row per leg, under the host badge that
  // stands for the agent. The CRM is told the same people, the agent included.
  await a.byTestId('host-badge').waitFor();
  const rows = await a.page.locator('[data-testid="line"]').evaluateAll((r) => r.map((e) => e.dataset.peer));
  const shown = [ua, ...rows].sort();
  assert.deepEqual(told, shown, 'the CRM is told who the Contact Info panel shows');
  // And the example CRM lists them for its user.
  const listed = await a.crm.getByTestId('crm-participants').locator('li').allTextContents();
  assert.equal(listed.length, told.length, `the CRM page lists ${JSON.stringify(listed)}`);

  // C leaves: the CRM hears of it.
  await c.hangUp();
  await waitForCrmEvent(a, 'participants without C', (e) =>
    e.type === 'participants' && !e.participants.some((p) => p.name.includes(uc) && p.state === 'connected'),
  );
  await Promise.all([
    a.waitForTones({ hear: [660], notHear: [880] }),
    b.waitForTones({ hear: [440], notHear: [880] }),
  ]);
});

test('embed: the CRM signs the agent in where the deployment allows it, and a refused sign-in says why', async (t) => {
  const a = await launchEmbedded('A', config.wavA, {
    phoneUrl: phoneUrl(),
    crmUrl: crmUrl(),
    embedConfig: { allowed_origins: [crmServer.url], credentials_sign_in: true },
  });
  t.after(() => a.close());
  const user = freshUser();
  const attempt = (servers, password = passwordOf(user)) =>
    a.crm.evaluate(
      async (cmd) => {
        try {
          await window.softphone.command(cmd);
          return { done: true };
        } catch (e) {
          return { reason: e.reason, detail: e.detail ?? null };
        }
      },
      { type: 'sign_in', sip_uri: `sip:${user}@${config.sipDomain}`, password, servers },
    );

  // ws:// to another machine would carry signalling in clear: refused, with the form's reason.
  assert.deepEqual(await attempt('ws://192.0.2.7:8088'), { reason: 'sign_in_failed', detail: 'insecure_server' });
  assert.deepEqual(await attempt(config.wsUrl, ''), { reason: 'sign_in_failed', detail: 'no_password' });
  // Nothing changed: the agent's own form is still there.
  assert.ok(await a.byTestId('sign-in').isVisible(), 'still signed out');

  assert.deepEqual(await attempt(config.wsUrl), { done: true });
  await waitForCrmEvent(a, 'registered', (e) => e.type === 'registration' && e.state === 'registered');
  await a.waitForText('reg-status', /\bRegistered\b/, { what: 'Registered in the phone' });
  // A second sign-in is refused as such.
  assert.deepEqual(await attempt(config.wsUrl), { reason: 'already_signed_in', detail: null });
});

test('embed: credentials from the CRM are refused unless the deployment turns that on', async (t) => {
  const a = await launchEmbedded('A', config.wavA, {
    phoneUrl: phoneUrl(),
    crmUrl: crmUrl(),
    embedConfig: { allowed_origins: [crmServer.url] },
  });
  t.after(() => a.close());
  const user = freshUser();
  const ready = await waitForCrmEvent(a, 'ready', (e) => e.type === 'ready');
  assert.equal(ready.credentials_sign_in, false);
  const got = await a.crm.evaluate(async (cmd) => {
    try {
      await window.softphone.command(cmd);
      return 'done';
    } catch (e) {
      return e.reason;
    }
  }, { type: 'sign_in', sip_uri: `sip:${user}@${config.sipDomain}`, password: passwordOf(user), servers: config.wsUrl });
  assert.equal(got, 'sign_in_disabled');
  assert.ok(await a.byTestId('sign-in').isVisible(), 'still signed out');
});
