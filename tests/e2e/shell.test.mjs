// The page's built-in sign-in screen (crates/app/src/shell): painted from the HTML alone, it
// takes typing and a Sign in before the app's wasm has arrived, in the agent's language, and
// the app takes all of it over unseen. Each test holds the app's wasm back (page.route) to act
// on the screen before the app, then lets it through, or fails it as a network, a deploy or
// a browser can: then the screen says so, in words, and gives the Sign in button back.
// Run: cargo xtask e2e --grep 'sign-in shell'

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  AgentPage,
  APP_JS,
  appUp,
  config,
  freshUser,
  holdRoute,
  holdWasm,
  passwordOf,
  shellShown,
  startStaticServer,
} from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** Pixels that differ between two PNG screenshots of the same size: `{ count, box }`. */
async function pixelDiff(context, pngA, pngB) {
  const page = await context.newPage();
  try {
    return await page.evaluate(
      async ([a, b]) => {
        const load = async (b64) => {
          const img = new Image();
          img.src = `data:image/png;base64,${b64}`;
          await img.decode();
          const c = new OffscreenCanvas(img.width, img.height);
          const g = c.getContext('2d');
          g.drawImage(img, 0, 0);
          return g.getImageData(0, 0, img.width, img.height);
        };
        const [x, y] = [await load(a), await load(b)];
        if (x.width !== y.width || x.height !== y.height) return { count: Infinity, box: 'sizes differ' };
        let count = 0;
        const box = [Infinity, Infinity, -1, -1];
        for (let i = 0; i < x.data.length; i += 4) {
          if (x.data[i] !== y.data[i] || x.data[i + 1] !== y.data[i + 1] || x.data[i + 2] !== y.data[i + 2]) {
            count += 1;
            const p = i / 4;
            const [px, py] = [p % x.width, Math.floor(p / x.width)];
            box[0] = Math.min(box[0], px);
            box[1] = Math.min(box[1], py);
            box[2] = Math.max(box[2], px);
            box[3] = Math.max(box[3], py);
          }
        }
        return { count, box };
      },
      [pngA.toString('base64'), pngB.toString('base64')],
    );
  } finally {
    await page.close();
  }
}

test('sign-in shell: typed and clicked before the app is up, it signs in with exactly that', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  const wasm = await holdWasm(a.page);
  await a.page.goto(server.url);
  await wasm.requested;
  const user = freshUser();
  await a.byTestId('server-more').click();
  await a.byTestId('ws-url').fill(config.wsUrl);
  await a.byTestId('account-more').click();
  await a.byTestId('display-name').fill('Early Agent');
  await a.byTestId('sip-uri').fill(`sip:${user}@${config.sipDomain}`);
  await a.byTestId('password').fill(passwordOf(user));
  await a.byTestId('password').press('Enter');
  // Kept, and the button says so; the app is still held back.
  await a.waitForText('sign-in', /^Signing in…$/);
  assert.ok(await a.byTestId('sign-in').isDisabled());
  assert.ok(await shellShown(a.page), 'the app is not up yet');

  wasm.release();
  await a.waitForText('reg-status', /^Registered$/, { what: '"Registered"' });
  // The phone signed in with what was typed (saved once signed in, from the form it used).
  const saved = await a.page.evaluate(() => ({
    uri: localStorage.getItem('softphone.sip_uri'),
    ws: localStorage.getItem('softphone.ws_url'),
    name: localStorage.getItem('softphone.display_name'),
  }));
  assert.deepEqual(saved, { uri: `sip:${user}@${config.sipDomain}`, ws: config.wsUrl, name: 'Early Agent' });
  assert.deepEqual(await a.page.evaluate(() => window.__e2eCspViolations ?? []), []);
});

test('sign-in shell: typing goes on across the take-over, in the same field, sections open', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  const wasm = await holdWasm(a.page);
  await a.page.goto(server.url);
  await wasm.requested;
  await a.byTestId('server-more').click();
  await a.byTestId('ice-servers').click();
  await a.page.keyboard.type('stun:one.example');
  assert.ok(await shellShown(a.page));
  wasm.release();
  await appUp(a.page);
  await a.page.keyboard.type('.com:3478');
  assert.equal(await a.byTestId('ice-servers').inputValue(), 'stun:one.example.com:3478');
  assert.ok(await a.byTestId('ws-url').isVisible(), 'the Server section stayed open');
  assert.equal(await a.byTestId('sign-in').textContent(), 'Sign in');
});

test('sign-in shell: in Spanish before the app when the browser is, or the agent chose it', async (t) => {
  const cases = [
    { name: 'browser', locale: 'es-MX' },
    { name: 'stored', locale: 'en-US', stored: 'es' },
  ];
  for (const c of cases) {
    const a = await AgentPage.launch(`A-${c.name}`, config.wavA, { baseUrl: server.url, locale: c.locale });
    t.after(() => a.close());
    if (c.stored) await a.page.addInitScript((tag) => localStorage.setItem('softphone.lang', tag), c.stored);
    const wasm = await holdWasm(a.page);
    await a.page.goto(server.url);
    await wasm.requested;
    assert.ok(await shellShown(a.page));
    assert.equal(await a.text('sign-in'), 'Iniciar sesión', c.name);
    assert.equal(await a.text('reg-status'), 'Sesión cerrada', c.name);
    assert.equal(await a.page.getAttribute('html', 'lang'), 'es', c.name);
    assert.equal(await a.byTestId('language').inputValue(), 'es', c.name);
    await fillAndSignIn(a);
    await a.waitForText('sign-in', /^Iniciando sesión…$/);
    wasm.release();
    await a.waitForText('reg-status', /^Registrado$/, { what: '"Registrado"' });
  }
});

test('sign-in shell: the agent switches to Spanish before the app; typing and choice are kept', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url, locale: 'en-US' });
  t.after(() => a.close());
  const wasm = await holdWasm(a.page);
  await a.page.goto(server.url);
  await wasm.requested;
  await a.byTestId('sip-uri').fill('sip:2999@example.org');
  await a.byTestId('language').selectOption('es');
  assert.equal(await a.text('sign-in'), 'Iniciar sesión');
  assert.equal(await a.byTestId('sip-uri').inputValue(), 'sip:2999@example.org');
  wasm.release();
  await appUp(a.page);
  assert.equal(await a.text('reg-status'), 'Sesión cerrada');
  assert.equal(await a.byTestId('sip-uri').inputValue(), 'sip:2999@example.org');
  assert.equal(await a.page.evaluate(() => localStorage.getItem('softphone.lang')), 'es');
});

test('sign-in shell: the remembered account is in the form before the app, as the app shows it', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.page.addInitScript(() => {
    localStorage.setItem('softphone.sip_uri', 'sip:2998@example.org');
    localStorage.setItem('softphone.password', 'not-remembered');
  });
  const wasm = await holdWasm(a.page);
  await a.page.goto(server.url);
  await wasm.requested;
  assert.equal(await a.byTestId('sip-uri').inputValue(), 'sip:2998@example.org');
  // Without "remember", a stored password is not the app's to show, nor the screen's.
  assert.equal(await a.byTestId('password').inputValue(), '');
  wasm.release();
  await appUp(a.page);
  assert.equal(await a.byTestId('sip-uri').inputValue(), 'sip:2998@example.org');
  assert.equal(await a.byTestId('password').inputValue(), '');
});

test('sign-in shell: looks the same as the app it turns into (en, es; 360x640, 1280x800)', async (t) => {
  const dir = path.join(config.runDir ?? path.join(process.cwd(), '.run'), 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const diffs = [];
  for (const locale of ['en-US', 'es-ES']) {
    for (const [width, height] of [
      [360, 640],
      [1280, 800],
    ]) {
      const a = await AgentPage.launch(`A-${locale}`, config.wavA, { baseUrl: server.url, locale });
      t.after(() => a.close());
      await a.page.setViewportSize({ width, height });
      const wasm = await holdWasm(a.page);
      await a.page.goto(server.url);
      await wasm.requested;
      const name = `shell-${locale.slice(0, 2)}-${width}x${height}`;
      const before = await a.page.screenshot({ path: path.join(dir, `${name}-before.png`) });
      wasm.release();
      await appUp(a.page);
      const afterShot = await a.page.screenshot({ path: path.join(dir, `${name}-after.png`) });
      const diff = await pixelDiff(a.agent.context, before, afterShot);
      const select = await a.byTestId('language').boundingBox();
      t.diagnostic(`${name}: ${diff.count} pixels differ, in ${JSON.stringify(diff.box)}; select at ${JSON.stringify(select)}`);
      diffs.push([name, diff, select]);
    }
  }
  t.diagnostic(`screenshots in ${dir}`);
  // Chromium shades the language <select>'s rounded corner a little differently from one
  // paint to the next (a few pixels, seen enlarged); nothing else may differ at all.
  for (const [name, diff, select] of diffs) {
    if (diff.count === 0) continue;
    const [x0, y0, x1, y1] = diff.box;
    const inSelect =
      x0 >= Math.floor(select.x) - 1 &&
      y0 >= Math.floor(select.y) - 1 &&
      x1 <= Math.ceil(select.x + select.width) &&
      y1 <= Math.ceil(select.y + select.height);
    assert.ok(inSelect && diff.count <= 16, `${name}: the screen and the app differ: ${diff.count} pixels in ${diff.box}`);
  }
});

/** Fills the form with a fresh account on the lab's server and clicks Sign in. */
async function fillAndSignIn(a) {
  const user = freshUser();
  await a.byTestId('server-more').click();
  await a.byTestId('ws-url').fill(config.wsUrl);
  await a.byTestId('sip-uri').fill(`sip:${user}@${config.sipDomain}`);
  await a.byTestId('password').fill(passwordOf(user));
  await a.byTestId('sign-in').click();
  return user;
}

/** The screen's note on the app's code: `{ role, words }`, null when there is none. */
const loadNote = (a) =>
  a.page.evaluate(() => {
    const note = document.querySelector('[data-testid="load-note"]');
    return note && { role: note.getAttribute('role'), words: note.querySelector('p').textContent };
  });

/** Waits for the screen's note to read `words`; returns it. */
async function waitForNote(a, words, timeout = 30_000) {
  await a.page.waitForFunction(
    (w) => document.querySelector('[data-testid="load-note"] p')?.textContent === w,
    words,
    { timeout },
  );
  return loadNote(a);
}

const FAILED_EN = 'The phone could not load. Check the connection, then reload the page.';
const FAILED_ES = 'No se pudo cargar el teléfono. Compruebe la conexión y vuelva a cargar la página.';

test('sign-in shell: the app\'s script never comes (a network error): a kept Sign in says so in words, the button comes back, and Reload brings the phone', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  const js = await holdRoute(a.page, APP_JS);
  // Held, the app's module script holds the page's load event too.
  await a.page.goto(server.url, { waitUntil: 'commit' });
  await js.requested;
  await fillAndSignIn(a);
  await a.waitForText('sign-in', /^Signing in…$/);
  js.release('abort');
  assert.deepEqual(await waitForNote(a, FAILED_EN), { role: 'alert', words: FAILED_EN });
  assert.equal(await a.text('sign-in'), 'Sign in');
  assert.ok(await a.byTestId('sign-in').isEnabled(), 'the button is back');
  // Clicked again, it does not pretend: the note stays, the button stays usable.
  await a.byTestId('sign-in').click();
  assert.equal(await a.text('sign-in'), 'Sign in');
  assert.equal((await loadNote(a))?.words, FAILED_EN);
  // What it says to do, done once the network is back.
  await a.page.unroute(APP_JS);
  await Promise.all([a.page.waitForEvent('load'), a.byTestId('reload').click()]);
  await a.signIn(freshUser(), { open: false });
  assert.equal(await loadNote(a), null);
});

test('sign-in shell: the app\'s wasm is gone after a deploy (404): the kept Sign in ends in words, in Spanish', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url, locale: 'es-ES' });
  t.after(() => a.close());
  const wasm = await holdWasm(a.page);
  await a.page.goto(server.url);
  await wasm.requested;
  await fillAndSignIn(a);
  await a.waitForText('sign-in', /^Iniciando sesión…$/);
  wasm.release(404);
  assert.deepEqual(await waitForNote(a, FAILED_ES), { role: 'alert', words: FAILED_ES });
  assert.equal(await a.text('sign-in'), 'Iniciar sesión');
  assert.ok(await a.byTestId('sign-in').isEnabled());
  assert.equal(await a.text('reload'), 'Volver a cargar');
  // Switching language keeps what was said, in the other language.
  await a.byTestId('language').selectOption('en');
  assert.equal((await loadNote(a))?.words, FAILED_EN);
  assert.equal(await a.text('sign-in'), 'Sign in');
  assert.ok(await shellShown(a.page));
});

test('sign-in shell: a browser without WebAssembly is told at once, and Sign in stays a button', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  await a.page.addInitScript(() => delete globalThis.WebAssembly);
  await a.page.goto(server.url);
  assert.deepEqual(await waitForNote(a, FAILED_EN), { role: 'alert', words: FAILED_EN });
  await a.byTestId('sign-in').click();
  assert.equal(await a.text('sign-in'), 'Sign in');
  assert.ok(await a.byTestId('sign-in').isEnabled());
});

test('sign-in shell: a slow app: the screen says it is still loading, and the kept Sign in goes ahead once it comes', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  const wasm = await holdWasm(a.page);
  await a.page.goto(server.url);
  await wasm.requested;
  await fillAndSignIn(a);
  const slow = 'Still loading the phone…';
  // A note, not a failure: the button stays busy with the click kept.
  assert.deepEqual(await waitForNote(a, slow), { role: 'status', words: slow });
  assert.equal(await a.text('sign-in'), 'Signing in…');
  assert.equal(await a.text('reload'), null);
  wasm.release();
  await a.waitForText('reg-status', /^Registered$/, { what: '"Registered"' });
  assert.equal(await loadNote(a), null);
});

test('sign-in shell: "?" opens the shortcuts before the app is up, and they stay open into the app', async (t) => {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  t.after(() => a.close());
  const wasm = await holdWasm(a.page);
  await a.page.goto(server.url);
  await wasm.requested;
  const help = a.byTestId('help');
  await help.click();
  await a.waitForText('shortcuts-help', /Alt\+A answer/);
  assert.equal(await help.getAttribute('aria-expanded'), 'true');
  await a.byTestId('help-close').click();
  assert.equal(await a.text('shortcuts-help'), null);
  assert.equal(await help.getAttribute('aria-expanded'), 'false');
  await help.click();
  await a.waitForText('shortcuts-help', /Alt\+A answer/);
  assert.ok(await shellShown(a.page));
  wasm.release();
  await appUp(a.page);
  // The app's own help, open, and its "?" closes it.
  await a.waitForText('shortcuts-help', /Alt\+A answer/);
  assert.equal(await help.getAttribute('aria-expanded'), 'true');
  await help.click();
  assert.equal(await a.text('shortcuts-help'), null);
});
