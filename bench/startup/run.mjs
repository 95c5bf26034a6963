// `cargo xtask bench startup`: how fast the phone opens, signs in, rings the other side and
// connects, beside a bare JsSIP page (bench/startup/jssip/) at its default settings, in the
// same Chromium against the same Kamailio.
//
// Each round launches fresh Chromium profiles (nothing cached) for a caller and a callee, and
// times, in the pages (performance.timeOrigin + performance.now(), one clock for both
// browsers on this machine):
//   nav -> form       the navigation's start until the Sign in button is in the page
//   reload after a call
//                     the same, when the caller's tab, still signed in after its call, is sent
//                     to the page again (page.goto): that navigation also tears the signed-in
//                     page down (its connections, its audio)
//   return visit      the same, when the callee's agent closes the phone's tab after the call
//                     and, RETURN_PAUSE_MS later, opens the page again in a new tab of the same
//                     browser: nothing of the old page is left to tear down.
//                     In both, the code comes from the HTTP cache (the static server sends the
//                     headers a deployment would, tests/e2e/harness.mjs cacheControl) and the
//                     wasm from the browser's code cache, where instantiateStreaming left it
//   sign in           the click on Sign in until the status says Registered (clicked once the
//                     app is up: an agent takes seconds to type)
//   call -> incoming  the caller's click on Start call until the callee shows Incoming (placed
//                     SETTLE_MS after the callee's Registered)
//   answer -> conn.   the callee's click on Answer until the caller shows Connected
//   answer -> audio   the callee's click on Answer until each side first receives the other's
//                     audio (RTP packets counted by a receiver; see recorder())
// once with no ICE servers and once with a STUN server that never answers (a UDP port of the
// bench's own). Ours and JsSIP's rounds alternate. Prints the median and the spread (min-max)
// of each step, and the ratio of the medians (ours / JsSIP's).
//
//   node bench/startup/run.mjs --app <dist dir> [--rounds 5] [--json out.json]
//
// Reuses the e2e harness (tests/e2e) for its static server, its Chromium flags and its users.

import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { config, freshUser, launchAgent, passwordOf, startStaticServer } from '../../tests/e2e/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The pause, for both phones, between the callee's Registered and the caller's Start call. */
const SETTLE_MS = 1000;
/** How long, for both phones, the tab stays closed before the return visit opens it again. */
const RETURN_PAUSE_MS = 1000;

function options(argv) {
  const o = { app: null, rounds: 5, json: null };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--app': o.app = value; i++; break;
      case '--rounds': o.rounds = Number(value); i++; break;
      case '--json': o.json = value; i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!o.app || !fs.existsSync(path.join(o.app, 'index.html'))) throw new Error(`--app must name a built dist/ (got ${o.app})`);
  if (!(o.rounds >= 1)) throw new Error('--rounds takes a whole number above 0');
  return o;
}

// Runs in every page before its own scripts: the first time each thing happens, on the page's
// clock made absolute.
function recorder() {
  const marks = {};
  window.__benchMarks = marks;
  const now = () => performance.timeOrigin + performance.now();
  let mark = (k) => {
    if (!(k in marks)) marks[k] = now();
  };
  document.addEventListener(
    'click',
    (e) => {
      const id = e.target?.closest?.('[data-testid]')?.dataset.testid;
      if (id) mark(`click:${id}`);
    },
    true,
  );
  const text = (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
  const check = () => {
    if (document.querySelector('[data-testid="sign-in"]')) mark('form');
    const reg = text('reg-status');
    if (/\bRegistered\b/.test(reg) && !/\b(not|un)\s*registered/i.test(reg)) mark('registered');
    const call = text('call-state');
    if (/\bIncoming\b/i.test(call)) mark('incoming');
    if (/\bConnected\b/i.test(call)) mark('connected');
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  // First received audio: the first time a receiver has counted RTP packets from the far end
  // (its inbound-rtp stats), looked at every 5 ms from the callee's Answer click (callee) or
  // from Connected (caller: no audio can arrive before the answer is applied), so the polling
  // does not load the pages while the call is set up; the same for both phones.
  const connections = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      connections.push(this);
    }
  };
  let poll = null;
  let looking = false;
  const heard = async () => {
    for (const pc of connections) {
      for (const receiver of pc.getReceivers()) {
        for (const s of (await receiver.getStats()).values()) {
          if (s.type === 'inbound-rtp' && s.packetsReceived > 0) return true;
        }
      }
    }
    return false;
  };
  const listen = () => {
    if (poll !== null) return;
    poll = setInterval(async () => {
      if (looking) return;
      looking = true;
      if (await heard()) {
        mark('audio');
        clearInterval(poll);
      }
      looking = false;
    }, 5);
  };
  const base = mark;
  mark = (k) => {
    base(k);
    if (k === 'click:answer' || k === 'connected') listen();
  };
}

/** A UDP port that takes STUN requests and never answers. */
async function silentStun() {
  const socket = dgram.createSocket('udp4');
  socket.on('message', () => {});
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { url: `stun:127.0.0.1:${socket.address().port}`, close: () => new Promise((r) => socket.close(r)) };
}

async function marks(page) {
  return page.evaluate(() => ({ origin: performance.timeOrigin, ...window.__benchMarks }));
}

async function waitForMark(page, key, timeout) {
  await page.waitForFunction((k) => window.__benchMarks && k in window.__benchMarks, key, { timeout, polling: 20 });
}

/** One page of `url` in a fresh Chromium; resolves to `{ agent, page }`. */
async function open(name, wav, url) {
  const agent = await launchAgent(wav, { name });
  // On the browser, not the page: the return visit's new tab records the same marks.
  await agent.context.addInitScript(recorder);
  await agent.page.goto(url);
  await waitForMark(agent.page, 'form', 30_000);
  return { agent, page: agent.page };
}

/** The agent closes `page`'s tab and, RETURN_PAUSE_MS later, opens `url` in a new one. */
async function returnVisit(agent, page, url) {
  await page.close();
  await sleep(RETURN_PAUSE_MS);
  const again = await agent.context.newPage();
  await again.goto(url);
  await waitForMark(again, 'form', 30_000);
  return marks(again);
}

async function signIn(page, user, ice) {
  // An agent types for seconds, so the click finds the app up: our page's built-in form (the
  // shell, which keeps a click made before the app is up) is gone once the app has taken over.
  await page.waitForFunction(() => !document.getElementById('shell'), null, { timeout: 30_000, polling: 20 });
  const ws = page.getByTestId('ws-url');
  if (!(await ws.isVisible())) await page.locator('details', { has: ws }).locator('summary').first().click();
  await ws.fill(config.wsUrl);
  await page.getByTestId('sip-uri').fill(`sip:${user}@${config.sipDomain}`);
  await page.getByTestId('password').fill(passwordOf(user));
  await page.getByTestId('ice-servers').fill(ice);
  await page.getByTestId('sign-in').click();
  await waitForMark(page, 'registered', 30_000);
}

/** One round of one phone: two fresh browsers, sign in, a call, answered, hung up. */
async function round(name, url, ice) {
  const caller = await open(`${name}-A`, config.wavA, url);
  const callee = await open(`${name}-B`, config.wavB, url);
  try {
    const [ua, ub] = [freshUser(), freshUser()];
    await signIn(caller.page, ua, ice);
    await signIn(callee.page, ub, ice);
    // Nobody places a call in the same instant the other side signs in: what each phone does
    // just after Registered (our audio, spare connections and desktop) is not the call's.
    await sleep(SETTLE_MS);
    await caller.page.getByTestId('number').fill(ub);
    await caller.page.getByTestId('start-call').click();
    await waitForMark(callee.page, 'incoming', 90_000);
    await callee.page.getByTestId('answer').first().click();
    await waitForMark(caller.page, 'connected', 90_000);
    await Promise.all([waitForMark(caller.page, 'audio', 90_000), waitForMark(callee.page, 'audio', 90_000)]);
    const [a, b] = [await marks(caller.page), await marks(callee.page)];
    await caller.page.getByTestId('hang-up').click().catch(() => {});
    await sleep(300);
    // The caller's tab goes to the page again: a new navigation (not a reload, which
    // revalidates everything).
    await caller.page.goto(url);
    await waitForMark(caller.page, 'form', 30_000);
    const reloaded = await marks(caller.page);
    const returned = await returnVisit(callee.agent, callee.page, url);
    return {
      form: a.form - a.origin,
      reload: reloaded.form - reloaded.origin,
      back: returned.form - returned.origin,
      registered: a.registered - a['click:sign-in'],
      incoming: b.incoming - a['click:start-call'],
      connected: a.connected - b['click:answer'],
      heardByCaller: a.audio - b['click:answer'],
      heardByCallee: b.audio - b['click:answer'],
    };
  } finally {
    await Promise.all([caller.agent.close(), callee.agent.close()]);
  }
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const STEPS = [
  ['form', 'nav -> sign-in form'],
  ['reload', 'reload after a call: nav -> sign-in form'],
  ['back', 'return visit, tab closed and opened: nav -> sign-in form'],
  ['registered', 'Sign in -> Registered'],
  ['incoming', 'Start call -> callee Incoming'],
  ['connected', 'Answer -> caller Connected'],
  ['heardByCaller', 'Answer -> caller receives audio'],
  ['heardByCallee', 'Answer -> callee receives audio'],
];

function report(results) {
  const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1)).padStart(8);
  const lines = [];
  const shown = (stun, key) => stun === 'none' || !['form', 'reload', 'back', 'registered'].includes(key);
  const modes = [['none', 'no ICE servers'], ['silent', 'a STUN server that never answers']];
  const width = Math.max(
    ...modes.flatMap(([stun, label]) => STEPS.filter(([key]) => shown(stun, key)).map(([, step]) => `${step} (${label})`.length)),
  );
  lines.push(`${'step'.padEnd(width)} ${'ours'.padStart(8)} ${'spread'.padStart(17)} ${'JsSIP'.padStart(8)} ${'spread'.padStart(17)} ${'ratio'.padStart(6)}`);
  for (const [stun, label] of modes) {
    for (const [key, step] of STEPS) {
      // The page and the sign-in do not touch ICE: shown once, from the rounds without it.
      if (!shown(stun, key)) continue;
      const ours = results.ours[stun].map((r) => r[key]);
      const theirs = results.jssip[stun].map((r) => r[key]);
      const spread = (xs) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`.padStart(17);
      const name = `${step} (${label})`.padEnd(width);
      const ratio = (median(ours) / median(theirs)).toFixed(2).padStart(6);
      lines.push(`${name} ${fmt(median(ours))} ${spread(ours)} ${fmt(median(theirs))} ${spread(theirs)} ${ratio}`);
    }
  }
  return lines.join('\n');
}

async function main() {
  const o = options(process.argv.slice(2));
  const app = await startStaticServer(o.app, 0);
  const jssip = await startStaticServer(path.join(here, 'jssip'), 0);
  const stun = await silentStun();
  const results = { ours: { none: [], silent: [] }, jssip: { none: [], silent: [] } };
  try {
    for (let i = 0; i < o.rounds; i++) {
      // Alternate who goes first, so a slow moment of the machine falls on both.
      const order = i % 2 ? ['jssip', 'ours'] : ['ours', 'jssip'];
      for (const [mode, ice] of [['none', ''], ['silent', stun.url]]) {
        for (const who of order) {
          const url = who === 'ours' ? `${app.url}/` : `${jssip.url}/`;
          const r = await round(who, url, ice);
          results[who][mode].push(r);
          const shown = Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
          console.log(`round ${i + 1}/${o.rounds} ${who.padEnd(5)} ${mode.padEnd(6)}: ${shown} ms`);
        }
      }
    }
  } finally {
    await Promise.all([app.close(), jssip.close(), stun.close()]);
  }
  console.log(`\nstartup, ms: median and spread (min-max) of ${o.rounds} rounds; ratio = ours / JsSIP`);
  console.log(report(results));
  if (o.json) fs.writeFileSync(o.json, JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
