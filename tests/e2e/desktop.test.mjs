// The agent desktop, clicked like a person: every test starts from a plain call and uses
// only what the call card, the number field, Recents and the questions offer. Audio is
// checked by tone after every step (A 440 Hz, B 660 Hz, C 880 Hz).
// Run: cargo xtask e2e --grep "E4|C3|C6|C15|E5|transfer|notification|keyboard|directory"

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, startStaticServer, twoSignedIn } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** A, B and C signed in; A and B in a plain call, hearing each other. */
async function threeWithACall(t) {
  const { a, b, ua, ub } = await twoSignedIn(t, server.url);
  const c = await AgentPage.launch('C', config.wavC, { baseUrl: server.url });
  t.after(() => c.close());
  const uc = freshUser();
  await c.signIn(uc);
  await connect(a, b, ub);
  return { a, b, c, ua, ub, uc };
}

/** `from` calls `to` (user `number`), `to` answers; both hear each other. */
async function connect(from, to, number) {
  await from.dial(number);
  await to.waitForCallState('Incoming');
  await to.answer();
  await Promise.all([from.waitForCallState('Connected'), to.waitForCallState('Connected')]);
}

const SILENT = { hear: [], notHear: [440, 660, 880] };

test('E4 hold and retrieve on a plain call, from the call card', async (t) => {
  const { a, b } = await twoSignedIn(t, server.url);
  const ub = b.user;
  await connect(a, b, ub);
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);

  await a.byTestId('hold').click();
  await a.waitForText('badge-held', /hold/i);
  await b.waitForText('badge-remote-held', /holding you/i);
  await Promise.all([a.waitForTones(SILENT), b.waitForTones(SILENT)]);

  await a.byTestId('retrieve').click();
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);
  assert.equal(await a.byTestId('badge-held').count(), 0);
});

test('C3 C4 consult from a plain call with Start call, then Merge: all three hear each other', async (t) => {
  const { a, b, c, uc } = await threeWithACall(t);
  // C3: Consult puts the cursor in the number field; Start call holds B and calls C.
  await a.byTestId('consult').click();
  await a.page.keyboard.type(String(uc));
  await a.byTestId('start-call').click();
  await c.waitForCallState('Incoming');
  await c.answer();
  await c.waitForCallState('Connected');
  await Promise.all([a.waitForTones({ hear: [880], notHear: [440, 660] }), b.waitForTones(SILENT)]);

  // C4: Merge.
  await a.byTestId('merge').click();
  const heard = await Promise.all([
    a.waitForTones({ hear: [660, 880], notHear: [440] }),
    b.waitForTones({ hear: [440, 880], notHear: [660] }),
    c.waitForTones({ hear: [440, 660], notHear: [880] }),
  ]);
  t.diagnostic(`after Merge: ${heard.map((h) => JSON.stringify(h)).join(' | ')}`);
  await a.waitForText('host-badge', /host/i);
});

test('C6 change of mind: End call ends the consultation, Retrieve brings the original call back', async (t) => {
  const { a, b, c, uc } = await threeWithACall(t);
  await a.dial(uc);
  await c.waitForCallState('Incoming');
  await c.answer();
  await c.waitForCallState('Connected');
  await a.byTestId('hang-up').click();
  await c.waitForCallState('Ended|Idle');
  // The card now shows the held original call, with Retrieve.
  await a.byTestId('retrieve').click();
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440, 880] }), b.waitForTones({ hear: [440], notHear: [660, 880] })]);
});

test('C15 C17 End call in a conference asks the host; Leave keeps the two others talking', async (t) => {
  const { a, b, c, uc } = await threeWithACall(t);
  await a.dialIntoConference(uc);
  await c.waitForCallState('Incoming');
  await c.answer();
  await c.waitForCallState('Connected');
  await a.byTestId('hang-up').click();
  await a.waitForText('hang-up-question', /everyone/i);
  // Focus moved to the question.
  assert.equal(await a.page.evaluate(() => document.activeElement?.dataset.testid), 'question-end-conference');
  await a.byTestId('question-cancel').click();
  assert.equal(await a.byTestId('hang-up-question').count(), 0);
  await a.byTestId('hang-up').click();
  await a.byTestId('question-leave').click();
  await a.waitForCallState('Idle|Ended', { timeout: 20_000 });
  await Promise.all([b.waitForTones({ hear: [880], notHear: [440] }), c.waitForTones({ hear: [660], notHear: [440] })]);
});

test('E5 recents: a declined call is kept in Recents in words, redial in one click', async (t) => {
  const { a, b } = await twoSignedIn(t, server.url);
  await a.dial(b.user);
  await b.waitForCallState('Incoming');
  await b.decline();
  await a.waitForCallState('Declined');
  await a.byTestId('tab-recents').click();
  const result = await a.waitForText('recent-result', /declined/i);
  t.diagnostic(`A's Recents: ${result}`);
  // B missed nothing (it declined), but sees the call too.
  await b.byTestId('tab-recents').click();
  await b.waitForText('recent-result', /declined|missed/i);
  // Redial from Recents.
  await a.byTestId('redial').first().click();
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
});

test('transfer: a blind transfer from the call card connects the two others', async (t) => {
  const { a, b, c, uc } = await threeWithACall(t);
  await a.byTestId('transfer').click();
  await a.byTestId('transfer-number').fill(String(uc));
  await a.byTestId('blind-transfer').click();
  await c.waitForCallState('Incoming');
  await c.answer();
  await Promise.all([b.waitForTones({ hear: [880], notHear: [440] }), c.waitForTones({ hear: [660], notHear: [440] })]);
  await a.waitForCallState('Idle|Ended', { timeout: 20_000 });
});

test('notification: an incoming call while the tab is hidden shows a desktop notification with the caller', async (t) => {
  const { a, b } = await twoSignedIn(t, server.url);
  await a.agent.context.grantPermissions(['notifications']);
  // Observe the Notification API and pretend the tab went to the background.
  await a.page.evaluate(() => {
    window.__e2eNotes = [];
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.__e2eNotes.push({ title, body: options?.body });
      }
    };
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  });
  await b.dial(a.user);
  await a.waitForCallState('Incoming');
  let notes = [];
  for (let i = 0; i < 40 && notes.length === 0; i++) {
    notes = await a.page.evaluate(() => window.__e2eNotes);
    await new Promise((r) => setTimeout(r, 100));
  }
  t.diagnostic(`notifications: ${JSON.stringify(notes)}`);
  assert.equal(notes.length, 1);
  assert.match(notes[0].title, /incoming/i);
  assert.ok(notes[0].body.includes(b.user), notes[0].body);
});

test('keyboard: answer, hold, retrieve, mute and end a call with the shortcuts alone', async (t) => {
  const { a, b } = await twoSignedIn(t, server.url);
  await b.dial(a.user);
  await a.waitForCallState('Incoming');
  // Focus is on Answer: Enter answers.
  assert.equal(await a.page.evaluate(() => document.activeElement?.dataset.testid), 'answer');
  await a.page.keyboard.press('Enter');
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  await b.waitForTones({ hear: [440], notHear: [660] });
  await a.page.keyboard.press('Alt+KeyH');
  await a.waitForText('badge-held', /hold/i);
  await b.waitForTones(SILENT);
  await a.page.keyboard.press('Alt+KeyH');
  await b.waitForTones({ hear: [440], notHear: [660] });
  await a.page.keyboard.press('Alt+KeyM');
  assert.equal(await a.byTestId('mute').getAttribute('aria-pressed'), 'true');
  await b.waitForTones({ hear: [], notHear: [440] });
  await a.page.keyboard.press('Alt+KeyM');
  await a.page.keyboard.press('Alt+KeyE');
  await Promise.all([a.waitForCallState('Ended|Idle'), b.waitForCallState('Ended|Idle')]);
  // The help lists the shortcuts.
  await a.page.keyboard.press('?');
  await a.waitForText('shortcuts-help', /Alt\+A/);
});

test('directory: what the agent types in the number field filters the Directory, in any case and with accents', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.signIn(freshUser());
  await a.byTestId('tab-directory').click();
  // The rows shown, by number, once they are `want` (www/directory.json: 1001 Ana García,
  // 1002 Ben Okafor, 1003 Carla Rossi, 1004 Dev Patel).
  const shows = async (typed, want) => {
    await a.byTestId('number').fill(typed);
    await a.page
      .waitForFunction(
        (w) => {
          const rows = [...document.querySelectorAll('[data-testid="book-entry"]')].map((e) => e.dataset.number);
          return rows.join(' ') === w.join(' ');
        },
        want,
        { timeout: 5_000, polling: 50 },
      )
      .catch(async () => {
        const rows = await a.page.locator('[data-testid="book-entry"]').evaluateAll((es) => es.map((e) => e.dataset.number));
        assert.fail(`typed ${JSON.stringify(typed)}: rows ${JSON.stringify(rows)}, want ${JSON.stringify(want)}`);
      });
  };
  await shows('', ['1001', '1002', '1003', '1004']);
  // Not ASCII: the page lowers it with the browser's toLowerCase (crates/app/src/state/book.rs).
  await shows('GARCÍA', ['1001']);
  await shows('garcía', ['1001']);
  await shows('García', ['1001']);
  await shows('garcia', []);
  await shows('ROSSI', ['1003']);
  await shows('100', ['1001', '1002', '1003', '1004']);
  await shows('1002', ['1002']);
});
