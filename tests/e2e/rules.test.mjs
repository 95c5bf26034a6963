// The conference rules of ../shared/spec/CONFERENCE.md that no other browser test covers,
// clicked like an agent would, each test titled with its rule ids so `cargo xtask e2e --grep
// C10` runs it. Every agent's microphone plays its own tone (A 440 Hz, B 660, C 880, D 1200,
// E 1500); after every step each party's speaker is checked for exactly the tones it should
// hear, and nothing of the others (its own included).
// Run: cargo xtask e2e --grep "C5|C9|C10|C12|C14|C15|C16|C18|E1|E2|E3|attended"

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

const TONE = { A: 440, B: 660, C: 880, D: 1200, E: 1500 };
const WAV = { A: config.wavA, B: config.wavB, C: config.wavC, D: config.wavD, E: config.wavE };

/** Launches and signs in the agents named (letters of TONE); closed when `t` ends. */
async function agents(t, names) {
  const list = await Promise.all(names.map((n) => AgentPage.launch(n, WAV[n], { baseUrl: server.url })));
  t.after(() => Promise.all(list.map((a) => a.close())));
  await Promise.all(list.map((a) => a.signIn(freshUser())));
  return Object.fromEntries(list.map((a) => [a.name, a]));
}

/**
 * Checks who hears whom: `heard` maps each agent's name to the names it must hear (an empty
 * list: silence); it must hear none of the other agents' tones, its own included.
 */
function hearing(parties, heard) {
  const everyone = Object.keys(parties);
  return Promise.all(
    Object.entries(heard).map(([name, names]) => {
      const hear = names.map((n) => TONE[n]);
      const notHear = everyone.filter((n) => !names.includes(n)).map((n) => TONE[n]);
      return parties[name].waitForTones({ hear, notHear });
    }),
  );
}

/** Every party hears every other one. */
const allHearAll = (parties, names = Object.keys(parties)) =>
  hearing(parties, Object.fromEntries(names.map((n) => [n, names.filter((m) => m !== n)])));

/** `from` calls `to` from the number field; `to` answers; both connected. */
async function call(from, to) {
  await from.dial(to.user);
  await to.waitForCallState('Incoming');
  await to.answer();
  await Promise.all([from.waitForCallState('Connected'), to.waitForCallState('Connected')]);
}

/** The host adds `who` with the single-step conference of the Start call menu (C7). */
async function singleStep(host, who) {
  await host.dialIntoConference(who.user);
  await who.waitForCallState('Incoming');
  await who.answer();
  await who.waitForCallState('Connected');
}

/** `aria-disabled` of a control, as a boolean. */
const disabled = async (agent, id) => (await agent.byTestId(id).first().getAttribute('aria-disabled')) === 'true';

/** The reason a screen reader reads with a control: the text of its aria-describedby. */
const description = (agent, id) =>
  agent.byTestId(id).first().evaluate((el) => {
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return ids.map((i) => document.getElementById(i)?.textContent ?? '').join(' ').trim();
  });

/** The participant rows of `agent`'s Contact Info panel, as `{ name, state, host }`. */
const roster = (agent) =>
  agent.page.locator('[data-testid="participant"]').evaluateAll((rows) =>
    rows.map((r) => ({
      name: r.dataset.name,
      state: r.querySelector('[data-testid="participant-state"]')?.textContent.trim(),
      host: r.querySelector('[data-testid="participant-host"]') !== null,
    })),
  );

/** Waits until `agent`'s roster satisfies `ok`; returns it. */
async function waitForRoster(agent, ok, what, timeout = 15_000) {
  const end = Date.now() + timeout;
  let rows;
  for (;;) {
    rows = await roster(agent);
    if (ok(rows)) return rows;
    if (Date.now() > end) throw new Error(`${agent.name}: roster never showed ${what}: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until `agent` is a participant who sees `host` as the host among `count` others. */
const seesHost = (agent, host, count) =>
  waitForRoster(
    agent,
    (rows) => rows.length === count && rows.filter((r) => r.host).map((r) => r.name).join() === host.user,
    `${count} rows with ${host.user} as the only host`,
  );

/** The line-state text of the Contact Info row of `agent`'s line to `peer`. */
const lineState = (agent, peer) => agent.lineTo(peer.user).getByTestId('line-state').textContent();

/** Waits until the row of `agent`'s line to `peer` shows a state matching `re`. */
async function waitLineState(agent, peer, re, timeout = 15_000) {
  const end = Date.now() + timeout;
  let seen;
  for (;;) {
    seen = (await agent.lineTo(peer.user).count()) ? await lineState(agent, peer) : null;
    if (seen !== null && re.test(seen)) return seen;
    if (Date.now() > end) throw new Error(`${agent.name}: the row of ${peer.name} never showed ${re} (last: ${seen})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('C5 Merge with two calls on hold asks first: Cancel changes nothing, Confirm joins all four', async (t) => {
  const p = await agents(t, ['A', 'B', 'C', 'D']);
  const { A, B, C, D } = p;
  await call(A, B);
  await hearing(p, { A: ['B'], B: ['A'], C: [], D: [] });
  // Start call with B connected is a consultation (C3): B goes on hold.
  await call(A, C);
  await hearing(p, { A: ['C'], B: [], C: ['A'], D: [] });
  // And again: C goes on hold too.
  await call(A, D);
  await hearing(p, { A: ['D'], B: [], C: [], D: ['A'] });
  assert.match(await lineState(A, B), /on hold/i);
  assert.match(await lineState(A, C), /on hold/i);

  await A.byTestId('merge').click();
  const question = await A.waitForText('merge-question', (s) => s.includes(B.user) && s.includes(C.user));
  t.diagnostic(`C5 asks: ${question}`);
  // Focus moves to the question.
  assert.equal(await A.page.evaluate(() => document.activeElement?.dataset.testid), 'merge-confirm');
  await A.byTestId('merge-cancel').click();
  assert.equal(await A.byTestId('merge-question').count(), 0);
  // Cancel: nothing changed.
  await hearing(p, { A: ['D'], B: [], C: [], D: ['A'] });
  assert.match(await lineState(A, B), /on hold/i);
  assert.equal(await A.byTestId('host-badge').count(), 0);

  await A.byTestId('merge').click();
  await A.byTestId('merge-confirm').click();
  await allHearAll(p);
  await A.waitForText('host-badge', /host/i);
  await A.waitForText('call-conference', /4/);
});

test('C9 single-step with a call on hold is a plain call: the held call stays held and hears nothing', async (t) => {
  const p = await agents(t, ['A', 'B', 'C']);
  const { A, B, C } = p;
  await call(A, B);
  await A.byTestId('hold').click();
  await A.waitForText('badge-held', /hold/i);
  await hearing(p, { A: [], B: [], C: [] });

  await A.dialIntoConference(C.user);
  await C.waitForCallState('Incoming');
  // B, held, does not hear the attempt's ringback (C8 is for a call not on hold).
  await B.waitForTones({ hear: [], notHear: [440, 480, 660, 880] });
  await C.answer();
  await C.waitForCallState('Connected');
  await hearing(p, { A: ['C'], B: [], C: ['A'] });
  // A plain two-way call with C; B still on hold, no conference anywhere.
  assert.equal(await A.byTestId('host-badge').count(), 0);
  assert.equal(await A.byTestId('call-conference').count(), 0);
  assert.equal(await C.byTestId('call-conference').count(), 0);
  assert.match(await lineState(A, B), /on hold/i);
  assert.match(await A.text('call-peer'), new RegExp(C.user));
  // And Merge would now be the agent's own choice (C4), not an accident.
  assert.equal(await disabled(A, 'merge'), false);
});

test('C10 C11 C13 C17 E2 four and five parties by single-step and consultation; the host badge in every panel; Leave disabled with its reason', async (t) => {
  const p = await agents(t, ['A', 'B', 'C', 'D', 'E']);
  const { A, B, C, D, E } = p;
  await call(A, B);
  await singleStep(A, C);
  await allHearAll(p, ['A', 'B', 'C']);
  await A.waitForText('host-badge', /host/i);
  assert.equal(await disabled(A, 'leave'), false, 'C17: Leave at three');

  // C10: single-step again, to four.
  await singleStep(A, D);
  await allHearAll(p, ['A', 'B', 'C', 'D']);
  await A.waitForText('call-conference', /4/);
  // C17 + E2: Leave is there, disabled, and says why in words.
  assert.equal(await disabled(A, 'leave'), true, 'C17: no Leave at four');
  const why = await description(A, 'leave');
  t.diagnostic(`Leave at four: ${why}`);
  assert.match(why, /three/i);
  assert.match(why, /4/);
  assert.equal(await A.byTestId('leave').getAttribute('title'), why);

  // C10: and by consultation, to five: Start call holds the whole conference as one call
  // (C3), and a held conference is silent for all its parties.
  await call(A, E);
  await hearing(p, { A: ['E'], B: [], C: [], D: [], E: ['A'] });
  await A.byTestId('merge').click();
  await allHearAll(p);
  await A.waitForText('call-conference', /5/);
  assert.equal(await disabled(A, 'leave'), true, 'C17: no Leave at five');
  assert.match(await description(A, 'leave'), /5/);

  // C11: everyone's panel lists the four others; C13: A is the host in every one of them.
  await A.waitForText('host-badge', /host/i);
  for (const other of [B, C, D, E]) {
    const rows = await seesHost(other, A, 4);
    t.diagnostic(`${other.name}'s panel: ${rows.map((r) => `${r.name}${r.host ? ' (host)' : ''} ${r.state}`).join(', ')}`);
    assert.equal(await other.byTestId('host-badge').count(), 0, `${other.name} is not the host`);
  }
  assert.equal(await A.page.locator('[data-testid="line"]').count(), 4);
});

test('C12 C13 an internal participant consults and merges a fourth party: everyone hears everyone, the host stays host', async (t) => {
  const p = await agents(t, ['A', 'B', 'C', 'D']);
  const { A, B, C, D } = p;
  await call(A, B);
  await singleStep(A, C);
  await allHearAll(p, ['A', 'B', 'C']);
  await seesHost(B, A, 2);

  // B consults D from its own call card: its call with the host goes on hold.
  await B.byTestId('consult').click();
  await B.page.keyboard.type(D.user);
  await B.byTestId('start-call').click();
  await D.waitForCallState('Incoming');
  await D.answer();
  await D.waitForCallState('Connected');
  await hearing(p, { A: ['C'], B: ['D'], C: ['A'], D: ['B'] });

  // C12: B's Merge hands D to the host.
  await B.byTestId('merge').click();
  await allHearAll(p);
  // C13: A is still the host, of four, and can disconnect D (C14).
  await A.waitForText('call-conference', /4/);
  await A.waitForText('host-badge', /host/i);
  assert.equal(await disabled(A, 'leave'), true);
  await A.lineTo(D.user).waitFor();
  assert.equal(await A.lineTo(D.user).getByTestId('line-disconnect').getAttribute('aria-disabled'), 'false');
  for (const other of [B, C, D]) {
    await seesHost(other, A, 3);
    assert.equal(await other.byTestId('host-badge').count(), 0);
  }
});

test('C14 E1 the host disconnects one participant from its row; back to a plain call with the plain controls', async (t) => {
  const p = await agents(t, ['A', 'B', 'C']);
  const { A, B, C } = p;
  await call(A, B);
  await singleStep(A, C);
  await allHearAll(p);

  // The disconnect icon of B's row: named for B, for screen readers.
  const row = A.lineTo(B.user);
  await row.hover();
  const icon = row.getByTestId('line-disconnect');
  assert.ok(await icon.isVisible());
  const name = await icon.getAttribute('aria-label');
  assert.ok(name.includes(B.user) && /disconnect/i.test(name), `accessible name: ${name}`);
  await icon.click();
  await B.waitForCallState('Ended|Idle');
  await hearing(p, { A: ['C'], B: [], C: ['A'] });

  // E1: two left, so a plain call: no conference, no host, no Leave; Hold and Merge as usual.
  await A.waitForText('call-state', /connected/i);
  for (const agent of [A, C]) {
    for (let i = 0; (await agent.byTestId('call-conference').count()) > 0; i++) {
      if (i > 100) assert.fail(`${agent.name} still shows a conference`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  assert.equal(await A.byTestId('host-badge').count(), 0);
  assert.equal(await A.byTestId('leave').count(), 0);
  assert.equal(await A.byTestId('end-conference').count(), 0);
  assert.equal(await disabled(A, 'merge'), true);
  await A.byTestId('hold').click();
  await hearing(p, { A: [], B: [], C: [] });
  await A.byTestId('retrieve').click();
  await hearing(p, { A: ['C'], B: [], C: ['A'] });
});

test('C15 End conference ends the call of every participant in one step', async (t) => {
  const p = await agents(t, ['A', 'B', 'C']);
  const { A, B, C } = p;
  await call(A, B);
  await singleStep(A, C);
  await allHearAll(p);
  await A.byTestId('end-conference').click();
  await Promise.all([A, B, C].map((x) => x.waitForCallState('Ended|Idle')));
  await hearing(p, { A: [], B: [], C: [] });
});

test('C16 E1 a participant leaves: the host and the other go on in a plain call', async (t) => {
  const p = await agents(t, ['A', 'B', 'C']);
  const { A, B, C } = p;
  await call(A, B);
  await singleStep(A, C);
  await allHearAll(p);
  // For a participant, Leave is there and enabled (C16), unlike the host's at four.
  assert.equal(await disabled(B, 'leave'), false);
  await B.byTestId('leave').click();
  await B.waitForCallState('Ended|Idle');
  await hearing(p, { A: ['C'], B: [], C: ['A'] });
  for (let i = 0; (await A.byTestId('host-badge').count()) > 0; i++) {
    if (i > 100) assert.fail('A is still shown as host at two');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(await A.byTestId('leave').count(), 0);
  await A.waitForText('call-state', /connected/i);
});

test('C18 every conference control works while the third party rings; the host leaves before it answers', async (t) => {
  const p = await agents(t, ['A', 'B', 'C']);
  const { A, B, C } = p;
  await call(A, B);
  await A.dialIntoConference(C.user);
  await C.waitForCallState('Incoming');
  // C8: both hear ringback while C rings.
  await Promise.all([A.waitForTones({ hear: [480], notHear: [400] }), B.waitForTones({ hear: [480], notHear: [400] })]);
  // C18: the conference controls are there and enabled while dialing.
  for (const id of ['leave', 'end-conference']) assert.equal(await disabled(A, id), false, `${id} while dialing`);
  const row = A.lineTo(C.user);
  assert.match(await row.getByTestId('line-state').textContent(), /ringing|dialing/i);
  assert.equal(await row.getByTestId('line-disconnect').getAttribute('aria-disabled'), 'false');

  await A.byTestId('leave').click();
  // C rings again, now called by B (a blind REFER), and answers: B and C talk, A is out.
  await C.waitForCallState('Incoming');
  const fromB = C.page.locator(`[data-testid="incoming-call"][data-peer*="${B.user}"]`);
  await fromB.getByTestId('answer').click();
  await hearing(p, { A: [], B: ['C'], C: ['B'] });
  await A.waitForCallState('Ended|Idle', { timeout: 20_000 });
});

test('E2 disabled controls say why, to the keyboard and to screen readers', async (t) => {
  const p = await agents(t, ['A', 'B']);
  const { A, B } = p;
  await call(A, B);
  await hearing(p, { A: ['B'], B: ['A'] });
  // On a plain call Merge is visible, disabled, focusable, and described.
  assert.equal(await disabled(A, 'merge'), true);
  const why = await description(A, 'merge');
  t.diagnostic(`Merge on a plain call: ${why}`);
  assert.ok(why.length > 10, why);
  assert.equal(await A.byTestId('merge').getAttribute('title'), why);
  // Reach it with Tab: the reason shows as a bubble on keyboard focus.
  for (let i = 0; i < 80 && (await A.page.evaluate(() => document.activeElement?.dataset?.testid)) !== 'merge'; i++) {
    await A.page.keyboard.press('Tab');
  }
  assert.equal(await A.page.evaluate(() => document.activeElement?.dataset?.testid), 'merge');
  const bubble = await A.byTestId('merge').locator('.why').boundingBox();
  assert.ok(bubble && bubble.width > 20 && bubble.height > 8, `the reason is shown on focus: ${JSON.stringify(bubble)}`);
  // The accessibility tree gives the button its name and the reason as its description.
  const cdp = await A.page.context().newCDPSession(A.page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  const node = nodes.find((n) => n.role?.value === 'button' && /^merge/i.test(n.name?.value ?? ''));
  assert.ok(node, 'Merge is in the accessibility tree');
  t.diagnostic(`AX: ${node.name.value} / ${node.description?.value}`);
  // Named by its label alone; the reason is its description, read once.
  assert.equal(node.name.value, 'Merge');
  assert.equal(node.description?.value, why);
  // Pressing it changes nothing.
  await A.page.keyboard.press('Enter');
  await hearing(p, { A: ['B'], B: ['A'] });
  assert.equal(await A.byTestId('host-badge').count(), 0);
});

test('E3 rows show translated states and live speaking indicators', async (t) => {
  const p = await agents(t, ['A', 'B', 'C']);
  const { A, B, C } = p;
  await call(A, B);
  await A.dialIntoConference(C.user);
  await C.waitForCallState('Incoming');
  // While C rings: A's row for C and B's participant row for C say so.
  await waitLineState(A, C, /^Ringing/);
  await waitForRoster(B, (rows) => rows.some((r) => r.name.includes(C.user) && r.state === 'ringing'), 'C ringing');
  await C.answer();
  await allHearAll(p);
  await waitLineState(A, C, /^Connected/);
  await waitForRoster(B, (rows) => rows.some((r) => r.name.includes(C.user) && r.state === 'connected'), 'C connected');

  // Speaking, at the host: from the DSP meters of each leg.
  const speaking = (agent, peer) => agent.lineTo(peer.user).getByTestId('speaking').getAttribute('data-speaking');
  const waitSpeaking = async (agent, peer, want) => {
    for (let i = 0; (await speaking(agent, peer)) !== String(want); i++) {
      if (i > 150) assert.fail(`${agent.name}: ${peer.name}'s row never showed speaking=${want}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.all([waitSpeaking(A, B, true), waitSpeaking(A, C, true)]);
  // B mutes: its row goes quiet, C's stays on; nobody hears B.
  await B.byTestId('mute').click();
  await waitSpeaking(A, B, false);
  assert.equal(await speaking(A, C), 'true');
  await hearing(p, { A: ['C'], B: ['A', 'C'], C: ['A'] });
  await B.byTestId('mute').click();
  await waitSpeaking(A, B, true);

  // In Spanish the same rows read in Spanish.
  await A.byTestId('language').selectOption('es');
  await B.byTestId('language').selectOption('es');
  await waitLineState(A, C, /^Conectada/);
  await waitForRoster(B, (rows) => rows.some((r) => r.name.includes(C.user) && r.state === 'conectado'), 'C conectado');
  const hostRow = (await roster(B)).find((r) => r.host);
  assert.ok(hostRow?.name.includes(A.user), 'B sees A as the host');
  assert.equal(await B.page.locator('[data-testid="participant-host"]').first().textContent(), 'Anfitrión');
});

test('attended transfer: after a consultation, the held caller and the consulted party are connected', async (t) => {
  const p = await agents(t, ['A', 'B', 'C']);
  const { A, B, C } = p;
  await call(A, B);
  await call(A, C); // a consultation: B on hold
  await hearing(p, { A: ['C'], B: [], C: ['A'] });
  await A.byTestId('transfer').click();
  const attended = A.page.locator(`[data-testid="attended-transfer"][data-peer*="${B.user}"]`);
  await attended.click();
  await hearing(p, { A: [], B: ['C'], C: ['B'] });
  await A.waitForCallState('Ended|Idle', { timeout: 20_000 });
  // Each of B and C is left with one connected call.
  for (const x of [B, C]) {
    await x.waitForText('call-state', /connected/i);
  }
});
