// What an agent reads has room and sits where it belongs, in a 360x640 CRM side panel and on a
// 1280x800 desktop, in English and Spanish: the number field shows its whole placeholder, and
// Settings' "Applies from the next sign-in" note stands under its own checkbox's text (and is
// that checkbox's description), closer to it than to the setting below.
// Run: cargo xtask e2e --grep layout

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, startStaticServer } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

const SIZES = [
  { width: 360, height: 640 },
  { width: 1280, height: 800 },
];

/** The placeholder's rendered width in the field's own font, and the room the field gives it. */
function placeholderRoom(input) {
  const style = getComputedStyle(input);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return { text: input.placeholder, needs: ctx.measureText(input.placeholder).width, room };
}

/** Boxes of the voice-processing text, its note, and the noise-suppression setting below. */
function noteBoxes() {
  const box = (el) => el.getBoundingClientRect();
  const voice = document.querySelector('[data-testid="voice-processing"]');
  const note = document.getElementById(voice.getAttribute('aria-describedby'));
  const noise = document.querySelector('[data-testid="noise-suppression"]');
  if (!note) return { described: false };
  return {
    described: true,
    checkbox: box(voice).toJSON(),
    own: box(voice.closest('label')).toJSON(),
    note: box(note).toJSON(),
    next: box(noise.closest('label')).toJSON(),
  };
}

test('layout: the whole number placeholder shows, and the sign-in note sits with its own setting, at 360 and 1280 px in English and Spanish', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.signIn(freshUser());
  await a.byTestId('devices').click();
  await a.page.locator('#voice-processing-note').waitFor({ state: 'visible' });
  // Every size and language is checked before the test fails, so one run shows all that is off.
  const problems = [];
  const check = (ok, what) => {
    if (!ok) problems.push(what);
    return ok;
  };
  for (const lang of ['en', 'es']) {
    await a.byTestId('language').selectOption(lang);
    await a.waitForText('reg-status', lang === 'es' ? /^Registrado$/ : /^Registered$/);
    for (const size of SIZES) {
      await a.page.setViewportSize(size);
      const where = `${lang} ${size.width}x${size.height}`;

      const p = await a.byTestId('number').evaluate(placeholderRoom);
      t.diagnostic(`${where}: "${p.text}" needs ${p.needs.toFixed(0)} px, the field gives ${p.room.toFixed(0)} px`);
      check(p.needs <= p.room, `${where}: the placeholder "${p.text}" is cut off`);

      const b = await a.page.evaluate(noteBoxes);
      if (!check(b.described, `${where}: the checkbox is not described by its note`)) continue;
      const above = b.note.top - b.own.bottom;
      const below = b.next.top - b.note.bottom;
      t.diagnostic(`${where}: note ${above.toFixed(0)} px under its setting, ${below.toFixed(0)} px over the next`);
      check(above >= 0 && above < below, `${where}: the note is not closer to its own setting than to the next`);
      check(b.note.left >= b.checkbox.right, `${where}: the note is not indented under its setting's text`);
    }
  }
  assert.deepEqual(problems, []);
});
