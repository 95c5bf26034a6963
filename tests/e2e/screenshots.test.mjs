// Screenshots of the main states, narrow (a 360x640 CRM side panel) and wide, in English and
// Spanish, saved under tests/e2e/.run/screenshots/ (test artifacts, not committed).
// Run: cargo xtask e2e --grep screenshots

import { test, before, after } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { AgentPage, config, freshUser, startStaticServer } from './harness.mjs';

let server;
const dir = path.join(config.runDir ?? path.join(process.cwd(), '.run'), 'screenshots');

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
  fs.mkdirSync(dir, { recursive: true });
});

after(async () => {
  await server?.close();
});

const SIZES = { narrow: { width: 360, height: 640 }, wide: { width: 1280, height: 800 } };

async function shoot(agent, name) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    await agent.page.setViewportSize(viewport);
    await agent.page.waitForTimeout(150);
    await agent.page.screenshot({ path: path.join(dir, `${name}-${size}.png`), fullPage: true });
  }
}

test('screenshots: sign-in, idle (both languages), Settings, incoming, call card with keypad, conference, in English and Spanish', async (t) => {
  const agents = [];
  t.after(() => Promise.all(agents.map((a) => a.close())));
  for (const [name, wav] of [['A', config.wavA], ['B', config.wavB], ['C', config.wavC]]) {
    agents.push(await AgentPage.launch(name, wav, { baseUrl: server.url }));
  }
  const [a, b, c] = agents;
  await a.page.goto(server.url);
  await shoot(a, 'en-sign-in');
  const [ua, ub, uc] = [freshUser(), freshUser(), freshUser()];
  await Promise.all([a.signIn(ua), b.signIn(ub), c.signIn(uc)]);
  await shoot(a, 'en-idle');
  // The number field's placeholder must fit in both languages.
  await a.byTestId('language').selectOption('es');
  await shoot(a, 'es-idle');
  await a.byTestId('language').selectOption('en');
  // Settings open, with noise suppression on so that its strength is there to set.
  await a.byTestId('devices').click();
  await a.byTestId('noise-suppression').check();
  await a.byTestId('noise-strength').waitFor({ state: 'visible' });
  await shoot(a, 'en-settings');
  await a.byTestId('language').selectOption('es');
  await shoot(a, 'es-settings');
  await a.byTestId('language').selectOption('en');
  await a.byTestId('noise-suppression').uncheck();
  await a.byTestId('devices').click();
  await b.dial(ua);
  await a.waitForCallState('Incoming');
  await shoot(a, 'en-incoming');
  await a.answer();
  await a.waitForCallState('Connected');
  await a.byTestId('keypad-toggle').click();
  await shoot(a, 'en-call-keypad');
  await a.byTestId('keypad-toggle').click();
  await a.dialIntoConference(uc);
  await c.waitForCallState('Incoming');
  await c.answer();
  await c.waitForCallState('Connected');
  await a.page.waitForTimeout(500);
  await shoot(a, 'en-conference');
  await a.byTestId('language').selectOption('es');
  await shoot(a, 'es-conference');
  await a.byTestId('hang-up').click();
  await shoot(a, 'es-hang-up-question');
  t.diagnostic(`screenshots in ${dir}`);
});
