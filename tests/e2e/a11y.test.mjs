// Accessibility of the main states, checked in the browser with axe-core (WCAG 2 A and AA
// rules): sign-in, the idle desktop, an incoming call, a connected call with the keypad open,
// and a conference in Spanish.
// Run: cargo xtask e2e --grep a11y

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { AgentPage, config, freshUser, startStaticServer } from './harness.mjs';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/** The violations of WCAG 2.x A and AA on the page now, as `rule: targets` lines. */
async function violations(agent) {
  await agent.page.evaluate(axeSource);
  const result = await agent.page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return result;
}

test('a11y: sign-in, idle, incoming, call with keypad and a Spanish conference have no WCAG A/AA violations', async (t) => {
  const agents = [];
  t.after(() => Promise.all(agents.map((a) => a.close())));
  for (const [name, wav] of [['A', config.wavA], ['B', config.wavB], ['C', config.wavC]]) {
    agents.push(await AgentPage.launch(name, wav, { baseUrl: server.url }));
  }
  const [a, b, c] = agents;
  const found = {};
  const check = async (state) => {
    found[state] = await violations(a);
    t.diagnostic(`${state}: ${found[state].length ? found[state].join(' | ') : 'no violations'}`);
  };
  await a.page.goto(server.url);
  await check('sign-in');
  const [ua, ub, uc] = [freshUser(), freshUser(), freshUser()];
  await Promise.all([a.signIn(ua), b.signIn(ub), c.signIn(uc)]);
  await check('idle');
  await b.dial(ua);
  await a.waitForCallState('Incoming');
  await check('incoming');
  await a.answer();
  await a.waitForCallState('Connected');
  await a.byTestId('keypad-toggle').click();
  await check('call with keypad');
  await a.dialIntoConference(uc);
  await c.waitForCallState('Incoming');
  await c.answer();
  await c.waitForCallState('Connected');
  await a.byTestId('language').selectOption('es');
  await check('conference in Spanish');
  assert.deepEqual(Object.values(found).flat(), []);
});
