// Settings: the account (display name, authorization user, STUN and TURN with their
// credentials), "remember" and where secrets may go, and the ringtone with its preview.
// Run: cargo xtask e2e --grep settings

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, goertzelPower, passwordOf, startStaticServer } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** Everything this page keeps where it outlives the page, and its address, as one string. */
const kept = (a) =>
  a.page.evaluate(() =>
    JSON.stringify({
      local: { ...localStorage },
      session: { ...sessionStorage },
      cookies: document.cookie,
      url: location.href,
    }),
  );

/** Opens the collapsed section holding `testid`, as a person would. */
async function reveal(a, testid) {
  const field = a.byTestId(testid);
  if (!(await field.isVisible())) await a.page.locator('details', { has: field }).locator('summary').first().click();
  return field;
}

/** Fills the sign-in form (opening its sections as needed) and presses Sign in. */
async function fillAndSignIn(a, fields) {
  for (const [id, value] of Object.entries(fields)) {
    const field = await reveal(a, id);
    if (typeof value === 'boolean') await field.setChecked(value);
    else await field.fill(value);
  }
  await a.byTestId('sign-in').click();
}

const registered = (a) =>
  a.waitForText('reg-status', (t) => /\bRegistered\b/.test(t) && !/\b(not|un)\s*registered/i.test(t), { what: '"Registered"' });

test('settings: the password and TURN credential stay out of storage and the URL unless "remember" is ticked', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  const user = freshUser();
  const password = passwordOf(user);
  const turnCredential = `turn-${user}-secret`;
  await a.page.goto(server.url);
  const account = {
    'ws-url': config.wsUrl,
    'sip-uri': `sip:${user}@${config.sipDomain}`,
    password,
    'turn-servers': 'turn:127.0.0.1:3478',
    'turn-username': 'agent',
    'turn-credential': turnCredential,
  };
  // "Remember" is off unless the agent ticks it.
  assert.equal(await a.byTestId('remember').isChecked(), false);
  await fillAndSignIn(a, account);
  await registered(a);
  let stored = await kept(a);
  assert.ok(!stored.includes(password), `the password is nowhere: ${stored}`);
  assert.ok(!stored.includes(turnCredential), `the TURN credential is nowhere: ${stored}`);
  assert.ok(stored.includes('turn:127.0.0.1:3478'), 'the TURN server itself is remembered');

  // Reloaded, the form knows the account but not its secrets.
  await a.page.reload();
  await a.byTestId('sip-uri').waitFor();
  assert.equal(await a.byTestId('password').inputValue(), '');
  assert.equal(await (await reveal(a, 'turn-credential')).inputValue(), '');
  assert.equal(await a.byTestId('turn-username').inputValue(), 'agent');

  // Ticked: both are kept in this browser, never in the URL, and the next sign-in needs no typing.
  await fillAndSignIn(a, { password, 'turn-credential': turnCredential, remember: true });
  await registered(a);
  stored = await kept(a);
  assert.ok(stored.includes(password) && stored.includes(turnCredential), 'remembered when asked');
  assert.ok(!a.page.url().includes(password) && !a.page.url().includes(turnCredential), a.page.url());
  await a.page.reload();
  await a.byTestId('sign-in').waitFor();
  assert.equal(await a.byTestId('password').inputValue(), password);
  assert.equal(await a.byTestId('remember').isChecked(), true);
  // Unticked again: signing in forgets them.
  await fillAndSignIn(a, { remember: false });
  await registered(a);
  stored = await kept(a);
  assert.ok(!stored.includes(password) && !stored.includes(turnCredential), `forgotten: ${stored}`);
  assert.ok(!(await a.page.evaluate(() => location.href)).includes(password));
});

test('settings: bad STUN and TURN entries and a wrong authorization user are refused in words', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  const user = freshUser();
  await a.page.goto(server.url);
  const base = { 'ws-url': config.wsUrl, 'sip-uri': `sip:${user}@${config.sipDomain}`, password: passwordOf(user) };
  await fillAndSignIn(a, { ...base, 'ice-servers': 'http://stun.example.com' });
  let said = await a.waitForText('sign-in-error', /stun:/);
  t.diagnostic(`bad STUN: ${said}`);
  await fillAndSignIn(a, { 'ice-servers': '', 'turn-servers': 'turn:127.0.0.1:3478', 'turn-username': '', 'turn-credential': '' });
  said = await a.waitForText('sign-in-error', /TURN.*username/i);
  t.diagnostic(`TURN without credentials: ${said}`);
  // The digest user is the SIP address's unless given: Kamailio refuses an authorization
  // user that is not the address's ("403 Forbidden auth ID"), which shows the field is used.
  await fillAndSignIn(a, { 'turn-servers': '', 'auth-user': 'nobody' });
  said = await a.waitForText('reg-status', /refused|wrong credentials/i);
  t.diagnostic(`wrong authorization user: ${said}`);
});

test('settings: the display name reaches the callee; an authorization user equal to the SIP user signs in', async (t) => {
  const [a, b] = await Promise.all([
    AgentPage.launch('A', config.wavA, { baseUrl: server.url }),
    AgentPage.launch('B', config.wavB, { baseUrl: server.url }),
  ]);
  t.after(() => Promise.all([a.close(), b.close()]));
  const [ua, ub] = [freshUser(), freshUser()];
  await a.page.goto(server.url);
  await fillAndSignIn(a, {
    'ws-url': config.wsUrl,
    'sip-uri': `sip:${ua}@${config.sipDomain}`,
    password: passwordOf(ua),
    'display-name': 'Ana Ruiz',
    'auth-user': ua,
  });
  await registered(a);
  a.user = ua;
  await b.signIn(ub);
  await a.dial(ub);
  const incoming = await b.page.locator('[data-testid="incoming-call"]').first().getAttribute('data-peer', { timeout: 15_000 });
  t.diagnostic(`B sees the call from: ${incoming}`);
  assert.match(incoming, /Ana Ruiz/);
  await b.answer();
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);
});

test('settings: the ringtone is chosen, previewed on the ringer output and remembered', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.signIn(freshUser());
  await a.byTestId('devices').click();
  const picker = a.byTestId('ringtone');
  assert.equal(await picker.inputValue(), 'long');
  const names = await picker.locator('option').allTextContents();
  t.diagnostic(`ringtones: ${names.join(' | ')}`);
  assert.equal(names.length, 3);
  // Nothing on the ringer before the preview.
  await a.waitForTones({ hear: [], notHear: [784, 988], output: 'ringer' });
  await picker.selectOption('double');
  await a.byTestId('ringtone-preview').click();
  // The ring chord (784 + 988 Hz) on the ringer, and not on the speaker. The double ring
  // sounds for 0.4 s twice in its first second: any one window that holds it counts.
  const ringHeard = async () => {
    const end = Date.now() + 5_000;
    let best = 0;
    while (Date.now() < end) {
      const { sampleRate, samples } = await a.samplesOf('ringer');
      const p = Math.min(goertzelPower(samples, sampleRate, 784), goertzelPower(samples, sampleRate, 988));
      best = Math.max(best, p);
      if (p >= 1e-4 && p >= 10 * goertzelPower(samples, sampleRate, 440)) return p;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`no ring chord on the ringer during the preview (best ${best.toExponential(2)})`);
  };
  const [ring] = await Promise.all([
    ringHeard(),
    a.waitForTones({ hear: [], notHear: [784, 988], output: 'speaker', timeout: 2_500 }),
  ]);
  t.diagnostic(`preview on the ringer: 784 and 988 Hz at least ${ring.toExponential(2)}`);
  // The preview stops by itself.
  await a.waitForTones({ hear: [], notHear: [784, 988], output: 'ringer', timeout: 10_000 });
  await a.page.reload();
  await a.byTestId('sip-uri').waitFor();
  assert.equal(await a.page.evaluate(() => localStorage.getItem('softphone.ringtone')), 'double');
});
