// E6: the agent switches the phone to Spanish; labels, states, reasons and the registration
// status follow, and the choice is remembered in this browser.
// Run: cargo xtask e2e --grep language

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { config, startStaticServer, twoSignedIn } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

test('language: Spanish labels, call states and disabled-control reasons, remembered after a reload', async (t) => {
  const { a, b, ua } = await twoSignedIn(t, server.url);
  const label = (id) => a.byTestId(id).locator('.text').first().textContent();
  assert.equal(await label('start-call'), 'Start call');

  await a.byTestId('language').selectOption('es');
  await a.waitForText('reg-status', /^Registrado$/);
  assert.equal(await label('start-call'), 'Iniciar llamada');
  await a.byTestId('start-call-menu').click();
  assert.equal(await a.text('single-step'), 'Iniciar conferencia de un solo paso');
  await a.page.keyboard.press('Escape');
  assert.equal(await a.page.getAttribute('html', 'lang'), 'es');

  // B (still in English) calls A: A's call state is in Spanish.
  await b.dial(ua);
  await a.waitForCallState('Llamada entrante');
  await b.waitForCallState('Ringing');
  await a.answer();
  await a.waitForCallState('Conectada');
  await b.waitForCallState('Connected');
  // On a plain call, Merge is there, disabled, and says why in Spanish (E2).
  assert.equal(await label('merge'), 'Unir');
  assert.equal(await a.byTestId('merge').getAttribute('aria-disabled'), 'true');
  const why = await a.byTestId('merge').getAttribute('title');
  t.diagnostic(`Unir, disabled: ${why}`);
  assert.match(why, /consulta.*\(C4\)$/);
  await a.byTestId('hang-up').click();
  await b.waitForCallState('Idle');

  // The choice outlives the page.
  await a.page.reload();
  await a.waitForText('sign-in', /^Iniciar sesión$/);
});
