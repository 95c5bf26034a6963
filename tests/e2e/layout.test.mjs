// What an agent reads has room and sits where it belongs, in a 360x640 CRM side panel and on a
// 1280x800 desktop, in English and Spanish: the number field shows its whole placeholder,
// Settings' "Applies from the next sign-in" note stands under its own checkbox's text (and is
// that checkbox's description), closer to it than to the setting below, and the header keeps
// to one line with no word cut, signed out (the page's own screen, then the app) and signed in.
// Run: cargo xtask e2e --grep layout

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AgentPage, appUp, config, freshUser, holdWasm, startStaticServer } from './harness.mjs';

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

/** The header's visible parts: their boxes, whether they share one line inside it, and which
 *  show their words only in part. */
function headerRow() {
  const header = document.querySelector('.phone-header');
  const h = header.getBoundingClientRect();
  const parts = [...header.children].filter((el) => el.getClientRects().length > 0);
  const name = (el) => el.dataset.testid ?? el.tagName.toLowerCase();
  const boxes = parts.map((el) => ({ name: name(el), box: el.getBoundingClientRect().toJSON() }));
  const oneLine = Math.max(...boxes.map((b) => b.box.top)) < Math.min(...boxes.map((b) => b.box.bottom));
  const outside = boxes.filter((b) => b.box.left < h.left - 0.5 || b.box.right > h.right + 0.5).map((b) => b.name);
  // Lines the words of `el` run over (its text nodes, not its dot): more than one is a wrap.
  const lines = (el) => {
    const tops = new Set();
    for (const node of el.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
    }
    return tops.size;
  };
  const status = header.querySelector('[data-testid="reg-status"]');
  const select = header.querySelector('[data-testid="language"]');
  const style = getComputedStyle(select);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const selectNeeds = ctx.measureText(select.selectedOptions[0].text).width;
  const selectRoom = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const title = header.querySelector('.title');
  const cut = [];
  if (lines(status) > 1) cut.push(`status "${status.textContent}" wraps`);
  // The select's own arrow takes part of its padding box: its text needs at most that.
  if (selectNeeds > selectRoom) cut.push(`select "${select.selectedOptions[0].text}" needs ${selectNeeds.toFixed(0)} px of ${selectRoom.toFixed(0)}`);
  // The name shows whole, or gives way to the logo (width 0): never in part.
  if (title.clientWidth > 0 && title.scrollWidth > title.clientWidth) cut.push(`title "${title.textContent}" cut`);
  return { width: h.width, height: h.height, boxes, oneLine, outside, cut, title: title.clientWidth > 0 };
}

test('layout: the header keeps to one line with no word cut, at 360 and 1280 px in English and Spanish, signed out and signed in', async (t) => {
  const dir = path.join(config.runDir ?? path.join(process.cwd(), '.run'), 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  const problems = [];
  const measure = async (state) => {
    for (const lang of ['en', 'es']) {
      await a.byTestId('language').selectOption(lang);
      for (const size of SIZES) {
        await a.page.setViewportSize(size);
        const where = `${state} ${lang} ${size.width}x${size.height}`;
        const r = await a.page.evaluate(headerRow);
        const parts = r.boxes.map((b) => `${b.name} ${b.box.left.toFixed(0)}+${b.box.width.toFixed(0)}`).join(', ');
        t.diagnostic(`${where}: header ${r.width.toFixed(0)}x${r.height.toFixed(0)}, name ${r.title ? 'shown' : 'as its logo'}: ${parts}`);
        if (!r.oneLine) problems.push(`${where}: the header takes more than one line (${parts})`);
        if (r.outside.length) problems.push(`${where}: ${r.outside.join(', ')} outside the header`);
        for (const c of r.cut) problems.push(`${where}: ${c}`);
        await a.page.screenshot({ path: path.join(dir, `layout-${state}-${lang}-${size.width}x${size.height}.png`) });
      }
    }
  };
  const wasm = await holdWasm(a.page);
  await a.page.goto(server.url);
  await wasm.requested;
  await measure('shell');
  wasm.release();
  await appUp(a.page);
  await measure('signed-out');
  await a.byTestId('language').selectOption('en');
  await a.signIn(freshUser(), { open: false });
  await measure('signed-in');
  t.diagnostic(`screenshots in ${dir}`);
  assert.deepEqual(problems, []);
});
