// Faults on a Kamailio cluster: two edges on loopback (xtask/src/cluster.rs, `-A WITH_CLUSTER`
// in tests/kamailio/kamailio.cfg) sharing registrations through DMQ. Every agent has both
// edges in its server list, in an order that puts A and C on edge 1 and B on edge 2. A call
// reaches an agent through the edge holding its WebSocket (Path, RFC 3327), and in-dialog
// requests go to each end's GRUU (RFC 5627), which any edge resolves, so a dialog does not
// depend on the edge it started on. The edges are killed (SIGKILL) and started by xtask on
// request (askServers).
// Run: flock /tmp/softphone-e2e.lock cargo xtask e2e --grep fault

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { AgentPage, askServers, config, freshUser, goertzelPower, startStaticServer } from './harness.mjs';

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const REGISTERED = /^Registered$/;
const show = (p) => Object.entries(p).map(([f, v]) => `${f} Hz ${v.toExponential(1)}`).join(', ');

function clusterConfig() {
  assert.equal(config.clusterWsUrls.length, 2, 'SOFTPHONE_CLUSTER_WS_URLS names two edges: run through `cargo xtask e2e`');
  assert.ok(config.clusterControl, 'SOFTPHONE_CLUSTER_CONTROL is set: run through `cargo xtask e2e`');
  return config;
}

/** The server list of an agent that starts on edge `first` (1 or 2) and fails over to the other. */
const edgesFrom = (first) => {
  const [one, two] = clusterConfig().clusterWsUrls;
  return first === 1 ? `${one} ${two}` : `${two} ${one}`;
};

const control = (request, timeout) => askServers(clusterConfig().clusterControl, request, { timeout });

/** Both edges up again after a test, whatever it did to them. */
const bothUp = () => control({ action: 'start', edges: [1, 2] });

/**
 * The edge (1 or 2) that holds `user`'s newest binding, read from edge `via`'s registrations:
 * its Path names the edge that saved it (127.0.0.11 is edge 1, 127.0.0.12 edge 2). Read on
 * the other edge, it also shows the registrations are shared.
 */
function edgeOf(user, via) {
  const dump = execFileSync('kamcmd', ['-s', `unix:${clusterConfig().clusterCtls[via - 1]}`, 'ul.dump'], { encoding: 'utf8' });
  const at = dump.indexOf(`AoR: ${user}`);
  if (at < 0) return null;
  const next = dump.indexOf('AoR:', at + 1);
  const entry = dump.slice(at, next < 0 ? undefined : next);
  let newest = null;
  for (const contact of entry.split(/Contact:/).slice(1)) {
    const modified = Number(contact.match(/Last-Modified:\s*(\d+)/)?.[1] ?? 0);
    const host = contact.match(/Path:\s*<sip:(127\.0\.0\.1[12]):/)?.[1];
    if (host && (!newest || modified >= newest.modified)) newest = { modified, edge: host === '127.0.0.11' ? 1 : 2 };
  }
  return newest?.edge ?? null;
}

/** Waits until edge `via` says `user`'s newest binding was saved by edge `edge`. */
async function waitForEdge(user, edge, via, timeout = 15_000) {
  const end = Date.now() + timeout;
  let seen;
  while ((seen = edgeOf(user, via)) !== edge) {
    if (Date.now() > end) throw new Error(`${user}: edge ${via} never showed a binding saved by edge ${edge} (last: ${seen})`);
    await sleep(50);
  }
}

/** When `agent` showed "Registered" again after `since`, and every text reg-status showed since. */
async function reRegistered(agent, since, { timeout = 20_000 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const seen = (await agent.regStates()).filter((s) => s.at >= since);
    const back = seen.find((s) => REGISTERED.test(s.text ?? ''));
    if (back) return { at: back.at, seen: seen.map((s) => s.text) };
    if (Date.now() > end) throw new Error(`${agent.name}: not "Registered" again within ${timeout} ms; showed ${JSON.stringify(seen)}`);
    await sleep(20);
  }
}

/** Asserts no reg-status text since `since` claimed a wrong password, and "Registered" now. */
async function noFalseWrongPassword(agents, since) {
  for (const p of agents) {
    const seen = (await p.regStates()).filter((s) => s.at >= since).map((s) => s.text);
    assert.ok(!seen.some((s) => /wrong credentials/i.test(s ?? '')), `${p.name} never claims a wrong password: ${JSON.stringify(seen)}`);
    assert.match(await p.text('reg-status'), REGISTERED);
  }
}

async function launch(t, names) {
  const wavs = { A: config.wavA, B: config.wavB, C: config.wavC };
  const agents = [];
  t.after(() => Promise.all(agents.map((a) => a.close())));
  for (const n of names) agents.push(await AgentPage.launch(n, wavs[n], { baseUrl: server.url }));
  return agents;
}

/** Signs `agent` in as a fresh user whose server list starts with edge `first`. */
async function signInOn(agent, first) {
  const user = freshUser();
  await agent.signIn(user, { wsUrl: edgesFrom(first) });
  return user;
}

// ---- the longest gap in what an agent hears ------------------------------------------------

/**
 * Starts watching the tones of `freqs` in `agent`'s page: every 40 ms, cut the speaker's
 * latest samples (8192, about 170 ms) into 20 ms blocks, and note per block and per tone
 * whether it is there (the harness's `goertzelPower`, run in the page: at least 1e-4,
 * amplitude 0.01), keyed by the block's time. Overlapping reads fill the same keys.
 */
async function watchTones(agent, freqs) {
  // Through DevTools, as every evaluate: the page's own policy forbids eval.
  await agent.page.evaluate(`window.__goertzelPower = ${goertzelPower}`);
  await agent.page.evaluate((freqs) => {
    const block = 960;
    const watch = { freqs, slots: new Map(), timer: 0 };
    watch.timer = setInterval(() => {
      const now = performance.now();
      const { sampleRate, samples } = window.softphoneProbe.speakerSamples();
      const n = samples.length;
      for (let end = n; end - block >= 0; end -= block) {
        const at = now - ((n - end) / sampleRate) * 1000;
        const x = samples.subarray(end - block, end);
        watch.slots.set(Math.round(at / 20), freqs.map((f) => window.__goertzelPower(x, sampleRate, f) >= 1e-4));
      }
    }, 40);
    window.__toneWatch = watch;
  }, freqs);
}

/**
 * Stops the page's watch; per tone the longest run of blocks without it (ms), and the longest
 * stretch the watch could not see (a busy page), which a gap cannot be told apart from.
 */
function stopWatchingTones() {
  const watch = window.__toneWatch;
  clearInterval(watch.timer);
  const keys = [...watch.slots.keys()].sort((x, y) => x - y);
  const gaps = watch.freqs.map(() => 0);
  const runs = watch.freqs.map(() => 0);
  let unseen = 0;
  let unseenRun = 0;
  for (let k = keys[0]; k <= keys[keys.length - 1]; k++) {
    const present = watch.slots.get(k);
    if (!present) {
      unseenRun += 20;
      unseen = Math.max(unseen, unseenRun);
      continue;
    }
    unseenRun = 0;
    present.forEach((here, i) => {
      runs[i] = here ? 0 : runs[i] + 20;
      gaps[i] = Math.max(gaps[i], runs[i]);
    });
  }
  return { gaps: Object.fromEntries(watch.freqs.map((f, i) => [f, gaps[i]])), unseen, span: (keys[keys.length - 1] - keys[0]) * 20 };
}

// ---- the tests -----------------------------------------------------------------------------

test('fault (cluster): agents on different edges call each other and hear each other, and a three-party conference spans both edges', async (t) => {
  const [a, b, c] = await launch(t, ['A', 'B', 'C']);
  const [ua, ub, uc] = [await signInOn(a, 1), await signInOn(b, 2), await signInOn(c, 1)];
  // Each edge knows the others' agents, with the Path of the edge holding their flow.
  await Promise.all([waitForEdge(ua, 1, 2), waitForEdge(ub, 2, 1), waitForEdge(uc, 1, 2)]);

  // A (edge 1) calls B (edge 2): edge 1 finds B's binding, shared by edge 2, and routes the
  // INVITE by its Path to edge 2, which holds B's WebSocket.
  await a.dial(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);

  // The other way, edge 2 to edge 1: B hangs up (its BYE goes to A's GRUU) and calls A.
  await b.hangUp();
  await Promise.all([a.waitForCallState('Idle'), b.waitForCallState('Idle')]);
  await b.dial(ua);
  await a.waitForCallState('Incoming');
  await a.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);

  // B (edge 2) hosts a conference with C (edge 1) dialled straight in.
  await b.dialIntoConference(uc);
  await c.waitForCallState('Incoming');
  await c.answer();
  await c.waitForCallState('Connected');
  const [hA, hB, hC] = await Promise.all([
    a.waitForTones({ hear: [660, 880], notHear: [440] }),
    b.waitForTones({ hear: [440, 880], notHear: [660] }),
    c.waitForTones({ hear: [440, 660], notHear: [880] }),
  ]);
  t.diagnostic(`A (edge 1) hears ${show(hA)}; B (edge 2, host) hears ${show(hB)}; C (edge 1) hears ${show(hC)}`);

  await b.byTestId('end-conference').click();
  await Promise.all([a.waitForCallState('Idle'), b.waitForCallState('Idle'), c.waitForCallState('Idle')]);
});

test('fault (cluster): edge 1 is killed mid-conference; its agents fail over to edge 2 and register again, the conference audio goes on, then hold, retrieve and hang-up work both ways', async (t) => {
  t.after(bothUp);
  const [a, b, c] = await launch(t, ['A', 'B', 'C']);
  const [ua, ub, uc] = [await signInOn(a, 1), await signInOn(b, 2), await signInOn(c, 1)];
  await Promise.all([waitForEdge(ua, 1, 2), waitForEdge(ub, 2, 2), waitForEdge(uc, 1, 2)]);

  // A (edge 1) hosts B (edge 2) and C (edge 1).
  await a.dial(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  await a.dialIntoConference(uc);
  await c.waitForCallState('Incoming');
  await c.answer();
  await c.waitForCallState('Connected');
  const hears = { A: [660, 880], B: [440, 880], C: [440, 660] };
  const everyoneTalks = () =>
    Promise.all([
      a.waitForTones({ hear: hears.A, notHear: [440] }),
      b.waitForTones({ hear: hears.B, notHear: [660] }),
      c.waitForTones({ hear: hears.C, notHear: [880] }),
    ]);
  await everyoneTalks();

  // Watch every party's tones across the crash, from a second before it.
  await Promise.all([a, b, c].map((p) => watchTones(p, hears[p.name])));
  await sleep(1_000);
  const { killedAt } = await control({ action: 'kill', edges: [1] });
  const back = await Promise.all([a, c].map((p) => reRegistered(p, killedAt)));
  for (const [p, r] of [[a, back[0]], [c, back[1]]]) {
    t.diagnostic(`${p.name}: "Registered" on edge 2 ${r.at - killedAt} ms after edge 1 was killed; showed ${JSON.stringify(r.seen)}`);
  }
  await Promise.all([waitForEdge(ua, 2, 2), waitForEdge(uc, 2, 2)]);
  await sleep(2_000);
  for (const p of [a, b, c]) {
    const w = await p.page.evaluate(stopWatchingTones);
    t.diagnostic(`${p.name}: longest gap in each tone it hears over ${w.span} ms across the crash: ${Object.entries(w.gaps).map(([f, ms]) => `${f} Hz ${ms} ms`).join(', ')} (longest stretch the page could not read: ${w.unseen} ms)`);
  }
  await noFalseWrongPassword([a, b, c], killedAt);
  for (const p of [a, b, c]) {
    assert.match(await p.text('call-state'), /Connected/);
    assert.equal(await p.byTestId('badge-reconnecting').count(), 0, `${p.name} no longer says "reconnecting"`);
  }
  await everyoneTalks();

  // The host (moved to edge 2) holds the conference: re-INVITEs to B and C, by their GRUUs.
  await a.byTestId('line-hold').first().click();
  await Promise.all([
    a.waitForTones({ hear: [], notHear: [440, 660, 880] }),
    b.waitForTones({ hear: [], notHear: [440, 660, 880] }),
    c.waitForTones({ hear: [], notHear: [440, 660, 880] }),
  ]);
  await a.byTestId('line-retrieve').first().click();
  await everyoneTalks();

  // The other way: B (edge 2 all along) holds its call with the host, whose Contact is its GRUU
  // on its new edge; the others stop hearing B, and hear it again after Retrieve.
  await b.byTestId('hold').click();
  await Promise.all([
    a.waitForTones({ hear: [880], notHear: [440, 660] }),
    c.waitForTones({ hear: [440], notHear: [660, 880] }),
  ]);
  await b.byTestId('retrieve').click();
  await everyoneTalks();

  // Hang-ups both ways: C (moved) leaves the host's conference, then B (stayed) hangs up.
  await c.hangUp();
  await c.waitForCallState('Idle');
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440, 880] }), b.waitForTones({ hear: [440], notHear: [660, 880] })]);
  await b.hangUp();
  await Promise.all([a.waitForCallState('Idle'), b.waitForCallState('Idle')]);
});

test('fault (cluster): both edges restart at once mid-call; every agent registers again with no "wrong credentials", the call survives, in-dialog requests go through and a hang-up reaches the far end', async (t) => {
  t.after(bothUp);
  const [a, b] = await launch(t, ['A', 'B']);
  const [ua, ub] = [await signInOn(a, 1), await signInOn(b, 2)];
  await Promise.all([waitForEdge(ua, 1, 2), waitForEdge(ub, 2, 1)]);
  await a.dial(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  const talk = () => Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);
  await talk();

  const { killedAt, readyAt } = await control({ action: 'restart', edges: [1, 2], downMs: 1400 }, 30_000);
  t.diagnostic(`both edges down ${readyAt - killedAt} ms (killed, 1400 ms pause, started, /health answered)`);
  const back = await Promise.all([a, b].map((p) => reRegistered(p, killedAt)));
  for (const [p, r] of [[a, back[0]], [b, back[1]]]) {
    t.diagnostic(`${p.name}: "Registered" again ${r.at - readyAt} ms after the edges were back; showed ${JSON.stringify(r.seen)}`);
    assert.ok(r.seen.some((s) => !REGISTERED.test(s ?? '')), `${p.name} showed the lost connection`);
  }
  // Past the first answer too: a false "wrong credentials" could follow a good registration.
  await sleep(2_000);
  await noFalseWrongPassword([a, b], killedAt);
  for (const p of [a, b]) assert.match(await p.text('call-state'), /Connected/);
  await talk();

  // In-dialog requests after the restart: the registrations are new on both edges, and each
  // end's GRUU leads to its new flow. A holds (B stops hearing A) and retrieves.
  await a.byTestId('hold').click();
  await b.waitForTones({ hear: [], notHear: [440, 660] });
  await a.byTestId('retrieve').click();
  await talk();
  await b.hangUp();
  await Promise.all([a.waitForCallState('Idle'), b.waitForCallState('Idle')]);
});

/**
 * A (on edge 1 alone, so its socket stays down while edge 1 is) calls B (on edge 2), who
 * answers, and both hear each other; edge 1 is killed, and A hangs up while it says
 * "reconnecting". Resolves to the agents and when edge 1 was killed.
 */
async function hangUpWhileDown(t) {
  const [a, b] = await launch(t, ['A', 'B']);
  const ua = freshUser();
  await a.signIn(ua, { wsUrl: clusterConfig().clusterWsUrls[0] });
  const ub = await signInOn(b, 2);
  await Promise.all([waitForEdge(ua, 1, 2), waitForEdge(ub, 2, 1)]);
  await a.dial(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);

  const { killedAt } = await control({ action: 'kill', edges: [1] });
  await a.waitForText('reg-status', (s) => !REGISTERED.test(s.trim()), { timeout: 10_000, what: 'the lost connection' });
  // The call card does not claim all is well: the call is up, its signalling is not.
  await a.waitForText('badge-reconnecting', /reconnecting/i);
  await a.hangUp();
  return { a, b, killedAt };
}

test('fault (cluster): an agent hangs up while its socket is down; the far end gets the BYE once the socket is back', async (t) => {
  t.after(bothUp);
  const { a, b, killedAt } = await hangUpWhileDown(t);
  await sleep(1_500);
  // Nothing could carry A's BYE yet: B is still in the call.
  assert.match(await b.text('call-state'), /Connected/);
  // Edge 1 comes back (and learns B's binding from edge 2); A reconnects, registers and
  // sends the BYE that waited, which edge 1 routes by B's GRUU and Path through edge 2.
  const { readyAt } = await control({ action: 'start', edges: [1] });
  await reRegistered(a, readyAt);
  await b.waitForCallState('Idle', { timeout: 20_000 });
  await a.waitForCallState('Idle');
  t.diagnostic(`edge 1 down ${readyAt - killedAt} ms; B's call ended ${Date.now() - readyAt} ms or less after it was back`);
});

test('fault (cluster): a hang-up made while the socket stays down past the 32 s limit is never sent; the agent is told, and the far end ends the call itself', async (t) => {
  t.after(bothUp);
  const { a, b } = await hangUpWhileDown(t);
  // The BYE waits for the socket at most sip::HELD_LIMIT (32 s), then A says it never left.
  await a.waitForText('notice', (s) => /Could not send your hang-up to .*more than 32 seconds/.test(s), {
    timeout: 45_000,
    what: 'the notice that the hang-up was not sent',
  });
  const { readyAt } = await control({ action: 'start', edges: [1] });
  // After a minute of refused connections A retries at most every 30 s (Backoff::max).
  await reRegistered(a, readyAt, { timeout: 45_000 });
  await sleep(2_000);
  // Back online, A sent nothing for the old call, so B ends it itself, one of two ways. B is
  // still in it and hangs up (A, which has forgotten that dialog, answers B's BYE). Or B's
  // media, silent since A's hang-up, made it restart ICE: its re-INVITEs found no A while
  // edge 1 was down, and the one that reached A once it was back got A's 481, on which B ends
  // the call. Which comes first is a race of B's ICE timers with A's reconnection. A BYE from
  // A would have ended B's call as hung up by the other side, which neither branch accepts.
  const state = await b.text('call-state');
  if (/Connected/.test(state)) {
    await b.hangUp();
  } else {
    assert.match(state, /\(481\)/);
    t.diagnostic(`B ended the call on A's 481 to its ICE restart: ${state}`);
  }
  await b.waitForCallState('Idle', { timeout: 20_000 });
  assert.match(await a.text('call-state'), /Idle/);
});
