// The whole consultation path without the mouse: Tab, Shift+Tab, Enter, Space and typing
// only, the way an agent who cannot or will not use a pointer works. Audio is checked by
// tone after each step (A 440 Hz, B 660 Hz, C 880 Hz).
// Run: cargo xtask e2e --grep keyboard

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, passwordOf, startStaticServer } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

const SILENT = { hear: [], notHear: [440, 660, 880] };

/** The data-testid of the focused element (`null` when focus is on the page itself). */
const focused = (a) => a.page.evaluate(() => document.activeElement?.dataset?.testid ?? null);

/**
 * Presses Tab until the element with `testid` has focus, as a keyboard user moves through the
 * page; fails if it is never reached (not focusable, hidden, or out of the tab order).
 */
async function tabTo(a, testid, { max = 80 } = {}) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    const now = await focused(a);
    if (now === testid) return;
    seen.push(now);
    await a.page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testid}; it went through ${JSON.stringify(seen)}`);
}

/** Tabs to `testid` and presses Enter on it. */
async function activate(a, testid) {
  await tabTo(a, testid);
  await a.page.keyboard.press('Enter');
}

/** Signs in with the keyboard alone. */
async function signInByKeyboard(a, user) {
  a.user = String(user);
  // Counts pointer presses on the page, to prove at the end that there were none.
  await a.page.addInitScript(() => {
    window.__pointerPresses = 0;
    for (const type of ['pointerdown', 'mousedown', 'touchstart']) {
      window.addEventListener(type, () => window.__pointerPresses++, true);
    }
  });
  await a.page.goto(a.baseUrl);
  await a.byTestId('sip-uri').waitFor();
  await tabTo(a, 'sip-uri');
  await a.page.keyboard.press('ControlOrMeta+A');
  await a.page.keyboard.type(`sip:${user}@${config.sipDomain}`);
  await tabTo(a, 'password');
  await a.page.keyboard.type(passwordOf(user));
  // The server address sits in a collapsed <details>: its summary opens with Enter.
  if (!(await a.byTestId('ws-url').isVisible())) {
    for (let i = 0; i < 10 && !(await a.byTestId('ws-url').isVisible()); i++) {
      await a.page.keyboard.press('Tab');
      const tag = await a.page.evaluate(() => document.activeElement?.tagName);
      if (tag === 'SUMMARY') await a.page.keyboard.press('Enter');
    }
  }
  await tabTo(a, 'ws-url');
  await a.page.keyboard.press('ControlOrMeta+A');
  await a.page.keyboard.type(config.wsUrl);
  // Enter in a field submits the form.
  await a.page.keyboard.press('Enter');
  await a.waitForText('reg-status', (t) => /\bRegistered\b/.test(t) && !/\b(not|un)\s*registered/i.test(t), {
    what: '"Registered"',
  });
}

/** Types `number` in the number field and starts the call with Enter on Start call. */
async function callByKeyboard(a, number) {
  await tabTo(a, 'number');
  await a.page.keyboard.type(String(number));
  await activate(a, 'start-call');
}

test('keyboard only: sign in, place a call, hold, consult, merge and leave without the mouse', async (t) => {
  const [a, b, c] = await Promise.all([
    AgentPage.launch('A', config.wavA, { baseUrl: server.url }),
    AgentPage.launch('B', config.wavB, { baseUrl: server.url }),
    AgentPage.launch('C', config.wavC, { baseUrl: server.url }),
  ]);
  t.after(() => Promise.all([a.close(), b.close(), c.close()]));
  const [ua, ub, uc] = [freshUser(), freshUser(), freshUser()];
  await Promise.all([signInByKeyboard(a, ua), b.signIn(ub), c.signIn(uc)]);

  await callByKeyboard(a, ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);

  // Hold from the call card; Retrieve takes its place and B hears nothing.
  await activate(a, 'hold');
  await a.waitForText('badge-held', /hold/i);
  await b.waitForTones(SILENT);

  // Consult: the number field, C's number, Start call (C3).
  await callByKeyboard(a, uc);
  await c.waitForCallState('Incoming');
  await c.answer();
  await c.waitForCallState('Connected');
  await Promise.all([a.waitForTones({ hear: [880], notHear: [440, 660] }), b.waitForTones(SILENT)]);

  // Merge (C4): everyone hears the two others.
  await activate(a, 'merge');
  await Promise.all([
    a.waitForTones({ hear: [660, 880], notHear: [440] }),
    b.waitForTones({ hear: [440, 880], notHear: [660] }),
    c.waitForTones({ hear: [440, 660], notHear: [880] }),
  ]);
  await a.waitForText('host-badge', /host/i);

  // Leave at three (C17): the two others go on hearing each other, and A is out.
  await activate(a, 'leave');
  await Promise.all([
    b.waitForTones({ hear: [880], notHear: [440, 660] }),
    c.waitForTones({ hear: [660], notHear: [440, 880] }),
  ]);
  await a.waitForCallState('Ended|Idle');
  // Nothing on the way needed the pointer: A's page saw no pointer press at all.
  assert.equal(await a.page.evaluate(() => window.__pointerPresses), 0);
});

test('E5 a consultation to a number nobody answers at: "not found" in words, nothing merged, the held call comes back, Recents keeps it', async (t) => {
  const [a, b] = await Promise.all([
    AgentPage.launch('A', config.wavA, { baseUrl: server.url }),
    AgentPage.launch('B', config.wavB, { baseUrl: server.url }),
  ]);
  t.after(() => Promise.all([a.close(), b.close()]));
  const [ua, ub, nobody] = [freshUser(), freshUser(), freshUser()];
  await Promise.all([signInByKeyboard(a, ua), b.signIn(ub)]);
  await callByKeyboard(a, ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);

  // A consults a user who never signed in: the registrar knows no such contact.
  await callByKeyboard(a, nobody);
  await a.waitForCallState('not found');
  await b.waitForTones(SILENT);
  // Nothing to merge with: Merge is disabled and says why, in words a screen reader reaches.
  await a.waitForText('call-state', /hold|on hold|connected/i, { what: 'the held call back on the card' });
  const merge = a.byTestId('merge');
  if (await merge.count()) assert.equal(await merge.getAttribute('aria-disabled'), 'true');
  // Retrieve brings B back.
  await activate(a, 'retrieve');
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);
  // Recents keeps the failed consultation, in words.
  await activate(a, 'tab-recents');
  const results = await a.page.locator('[data-testid="recent-result"]').allTextContents();
  assert.ok(results.some((r) => /not found/i.test(r)), `Recents: ${JSON.stringify(results)}`);
});
