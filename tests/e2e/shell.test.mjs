// The page's built-in sign-in screen (crates/app/src/shell): painted from the HTML alone, it
// takes typing and a Sign in before the app's wasm has arrived, in the agent's language, and
// the app takes all of it over unseen. Each test holds the app's wasm back (page.route) to act
// on the screen before the app, then lets it through.
// Run: cargo xtask e2e --grep 'sign-in shell'

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AgentPage, config, freshUser, passwordOf, startStaticServer } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** Holds the app's wasm until `release()`; `requested` resolves once the page asked for it. */
async function holdWasm(page) {
  let release;
  let asked;
  const held = new Promise((r) => (release = r));
  const requested = new Promise((r) => (asked = r));
  await page.route('**/app-*_bg.wasm', async (route) => {
    asked();
    await held;
    await route.continue();
  });
  return { release, requested };
}

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

/** The built-in screen is still there: the app has not taken over. */
const shellShown = (page) => page.locator('#shell').count().then((n) => n === 1);

/** Waits until the app has taken over (the built-in screen is gone). */
const appUp = (page) => page.waitForFunction(() => !document.getElementById('shell'), null, { timeout: 15_000 });

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
    const user = freshUser();
    await a.byTestId('server-more').click();
    await a.byTestId('ws-url').fill(config.wsUrl);
    await a.byTestId('sip-uri').fill(`sip:${user}@${config.sipDomain}`);
    await a.byTestId('password').fill(passwordOf(user));
    await a.byTestId('sign-in').click();
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
