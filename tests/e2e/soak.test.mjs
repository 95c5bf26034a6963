// Soak: agent A places and ends many calls to agent B, holding and retrieving in each, and
// afterwards what both pages hold is back to where it stood after the first call: peer
// connections, connected and live audio nodes (the worklet's among them), <audio> elements,
// message ports, interval timers and live remote tracks, counted by wrappers this test installs
// in the page (the product has no such hooks), and the Rust heap (live blocks and bytes,
// counted by the test build's allocator) grows by no more than each call's Recents row, and by
// next to nothing with the rows off screen. The JS heap and the Wasm memory are printed with their growth per
// call: they move with the garbage collector and the allocator's slack, so they are
// measured, not asserted.
//
// `cargo xtask test` runs a short soak (SOFTPHONE_SOAK_CALLS, default 10);
// `cargo xtask soak [--calls N]` runs the long one (200 calls).
// Run: cargo xtask e2e --grep soak

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { config, startStaticServer, AgentPage, freshUser } from './harness.mjs';

const CALLS = Number(process.env.SOFTPHONE_SOAK_CALLS ?? 10);
/**
 * What one call may leave on the Rust heap: its Recents row, kept on purpose (up to 200).
 *
 * Measured (`cargo xtask e2e --grep soak`, 10 calls): A 244.6 blocks and 8,915 B a call,
 * B 245.3 and 8,893 B; over 40 calls A 245.7 and 8,926 B, B 246.6 and 9,000 B. Nearly all of
 * it is the row on screen: switching 6 rows' Recents to the empty Favorites tab frees 1,421
 * blocks and 45 KB (237 blocks, 7.5 KB a row), and with the rows off screen a call leaves
 * about 8 blocks (see `NO_ROWS_*`). A row cost 95 blocks and 3.7 KB before the app was built
 * with `--cfg erase_components` (.cargo/config.toml: an Arc and a boxed closure per reactive
 * closure, for 24 KB less gzipped wasm); the same tree built without it frees 573 blocks and
 * 21.9 KB for the same 6 rows, 95 blocks and 3.7 KB a row. The bounds sit above today's
 * figures and below the 317 blocks and 23 KB a call that the unswept signals cost (app
 * state/sweep.rs), so that leak coming back still fails.
 */
const RUST_HEAP_BLOCKS_PER_CALL = 300;
const RUST_HEAP_BYTES_PER_CALL = 12_000;
/**
 * What one call may leave on the Rust heap with Recents off screen: the call's record in the
 * history. Measured (10 calls): A 7.7 blocks and 1,334 B a call, B 8.5 and 1,396 B. A leak of
 * anything a call draws (its card, its controls) shows here, where the rows cannot hide it.
 */
const NO_ROWS_BLOCKS_PER_CALL = 20;
const NO_ROWS_BYTES_PER_CALL = 2_500;

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

/**
 * Runs in the page before its scripts: keeps a WeakRef to every peer connection, audio node
 * and message port the page makes, and the ids of live timers, so that after a garbage
 * collection the live ones can be counted.
 */
function countResources() {
  const made = { pc: [], node: [], port: [] };
  const track = (list, o) => {
    list.push(new WeakRef(o));
    return o;
  };
  const wrapClass = (name, list) => {
    const C = window[name];
    if (typeof C !== 'function') return;
    window[name] = new Proxy(C, {
      construct: (target, args, newTarget) => track(list, Reflect.construct(target, args, newTarget)),
    });
  };
  wrapClass('RTCPeerConnection', made.pc);
  wrapClass('MessageChannel', made.port);
  const isNode = (C) => typeof C === 'function' && C.prototype instanceof AudioNode;
  for (const name of Object.getOwnPropertyNames(window)) {
    let C;
    try {
      C = window[name];
    } catch {
      continue;
    }
    if (isNode(C)) wrapClass(name, made.node);
  }
  for (const proto of [BaseAudioContext.prototype, AudioContext.prototype]) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (!key.startsWith('create')) continue;
      const desc = Object.getOwnPropertyDescriptor(proto, key);
      if (typeof desc?.value !== 'function') continue;
      const f = desc.value;
      proto[key] = function (...args) {
        const out = f.apply(this, args);
        return out instanceof AudioNode ? track(made.node, out) : out;
      };
    }
  }
  // Outgoing connections per node: a node still connected is one the page's graph holds.
  const links = new Map();
  const { connect, disconnect } = AudioNode.prototype;
  AudioNode.prototype.connect = function (...args) {
    const out = connect.apply(this, args);
    links.set(this, (links.get(this) ?? 0) + 1);
    return out;
  };
  AudioNode.prototype.disconnect = function (...args) {
    const out = disconnect.apply(this, args);
    const left = args.length === 0 ? 0 : Math.max(0, (links.get(this) ?? 0) - 1);
    if (left === 0) links.delete(this);
    else links.set(this, left);
    return out;
  };
  const timers = { interval: new Set(), timeout: new Set() };
  const { setInterval: si, clearInterval: ci, setTimeout: st, clearTimeout: ct } = window;
  window.setInterval = (...a) => {
    const id = si(...a);
    timers.interval.add(id);
    return id;
  };
  window.clearInterval = (id) => {
    timers.interval.delete(id);
    return ci(id);
  };
  window.setTimeout = (f, ms, ...rest) => {
    const id = st(
      (...x) => {
        timers.timeout.delete(id);
        return typeof f === 'function' ? f(...x) : undefined;
      },
      ms,
      ...rest,
    );
    timers.timeout.add(id);
    return id;
  };
  window.clearTimeout = (id) => {
    timers.timeout.delete(id);
    return ct(id);
  };
  const memories = [];
  for (const key of ['instantiate', 'instantiateStreaming']) {
    const f = WebAssembly[key];
    WebAssembly[key] = async (...args) => {
      const out = await f.apply(WebAssembly, args);
      const instance = out.instance ?? out;
      const memory = instance?.exports?.memory;
      if (memory instanceof WebAssembly.Memory) memories.push(memory);
      return out;
    };
  }
  const alive = (list, keep = () => true) => list.filter((r) => {
    const o = r.deref();
    return o !== undefined && keep(o);
  }).length;
  window.__soakCount = () => ({
    peerConnections: alive(made.pc, (pc) => pc.signalingState !== 'closed'),
    connectedNodes: links.size,
    audioElements: document.querySelectorAll('audio').length,
    audioNodes: alive(made.node),
    // Chromium keeps every MediaStreamAudioSourceNode (and its stream) while the context
    // runs, even unconnected and unreferenced: its HasPendingActivity() is "the context is
    // running" (crbug.com/937231; seen with a bare page too: create one from a remote stream,
    // drop it, collect garbage: it stays). The app disconnects and drops each call's
    // (crates/web/src/audio/remote.rs, `detach_remote`), so they are counted apart: one more
    // a call at most, each with its track ended, and every other kind held to its baseline.
    otherAudioNodes: alive(made.node, (n) => !(n instanceof MediaStreamAudioSourceNode)),
    sourceNodes: alive(made.node, (n) => n instanceof MediaStreamAudioSourceNode),
    liveSources: alive(
      made.node,
      (n) => n instanceof MediaStreamAudioSourceNode && n.mediaStream.getAudioTracks().some((t) => t.readyState === 'live'),
    ),
    workletNodes: alive(made.node, (n) => n instanceof AudioWorkletNode),
    messagePorts: alive(made.port),
    intervals: timers.interval.size,
    timeouts: timers.timeout.size,
    wasmBytes: memories.reduce((n, m) => n + m.buffer.byteLength, 0),
  });
  // Which kinds of audio node are alive, for the message when they grow.
  window.__soakNodeKinds = () => {
    const kinds = {};
    for (const r of made.node) {
      const n = r.deref();
      if (n) kinds[n.constructor.name] = (kinds[n.constructor.name] ?? 0) + 1;
    }
    return kinds;
  };
}

/** Collects garbage (twice: audio nodes go in a second pass), then counts. */
async function measure(agent) {
  const cdp = agent.cdp ?? (agent.cdp = await agent.page.context().newCDPSession(agent.page));
  for (let i = 0; i < 2; i++) {
    await cdp.send('HeapProfiler.collectGarbage');
    await new Promise((r) => setTimeout(r, 200));
  }
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const kinds = await agent.page.evaluate(() => window.__soakNodeKinds());
  agent.nodeKindsAtStart ??= JSON.stringify(kinds);
  agent.nodeKinds = JSON.stringify(kinds);
  // What the Rust heap holds (the test build counts it): unlike the Wasm memory, which only
  // grows and moves with the allocator's slack, this says what a call leaves behind.
  const heap = await agent.page.evaluate(() => window.softphoneProbe.heap());
  return {
    ...(await agent.page.evaluate(() => window.__soakCount())),
    jsHeapBytes: usedSize,
    rustHeapBytes: heap.bytes,
    rustHeapBlocks: heap.blocks,
  };
}

/**
 * The Rust heap with the Recents rows off screen (the Favorites tab, empty here), then Recents
 * again: what calls leave besides their rows.
 */
async function withoutRows(agent) {
  await agent.byTestId('tab-favorites').click();
  await agent.page.locator('[data-testid="recent"]').first().waitFor({ state: 'detached' });
  const m = await measure(agent);
  await agent.byTestId('tab-recents').click();
  await agent.byTestId('recent').first().waitFor();
  return m;
}

/** One call: A dials B, B answers, A holds and retrieves, A hangs up; both back to idle. */
async function oneCall(a, b, { listen = false } = {}) {
  await a.dial(b.user);
  await b.waitForCallState('Incoming');
  await b.answer();
  await Promise.all([a.waitForCallState('Connected'), b.waitForCallState('Connected')]);
  if (listen) {
    await Promise.all([a.waitForTones({ hear: [660], notHear: [440] }), b.waitForTones({ hear: [440], notHear: [660] })]);
  }
  await a.byTestId('hold').click();
  await a.waitForText('badge-held', /hold/i);
  await b.waitForText('badge-remote-held', /holding you/i);
  await a.byTestId('retrieve').click();
  await Promise.all([
    a.byTestId('badge-held').waitFor({ state: 'detached' }),
    b.byTestId('badge-remote-held').waitFor({ state: 'detached' }),
  ]);
  if (listen) await b.waitForTones({ hear: [440], notHear: [660] });
  await a.hangUp();
  await Promise.all([a.waitForCallState('Ended|Idle'), b.waitForCallState('Ended|Idle')]);
  // The card is gone once the call has ended for good: nothing of the call is on screen.
  await Promise.all([a.byTestId('hang-up').waitFor({ state: 'detached' }), b.byTestId('hang-up').waitFor({ state: 'detached' })]);
}

const fmt = (n) => (Math.abs(n) >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${n}`);

test(`soak: ${CALLS} calls with hold and retrieve each leave no peer connection, connected audio node, audio element, port or interval behind`, { timeout: 120_000 + CALLS * 30_000 }, async (t) => {
  const [a, b] = await Promise.all([
    AgentPage.launch('A', config.wavA, { baseUrl: server.url }),
    AgentPage.launch('B', config.wavB, { baseUrl: server.url }),
  ]);
  t.after(() => Promise.all([a.close(), b.close()]));
  await Promise.all([a.page.addInitScript(countResources), b.page.addInitScript(countResources)]);
  await Promise.all([a.signIn(freshUser()), b.signIn(freshUser())]);

  // The first call brings up what stays for the session (the worklet, the ringer): the
  // baseline is taken after it.
  await oneCall(a, b, { listen: true });
  const start = await Promise.all([measure(a), measure(b)]);
  const startNoRows = await Promise.all([a, b].map(withoutRows));
  const step = Math.max(1, Math.round(CALLS / 10));
  const curve = [];
  for (let i = 1; i <= CALLS; i++) {
    await oneCall(a, b, { listen: i === CALLS });
    if (i % step === 0) {
      // Wasm memory only grows (it is never handed back), so its curve says whether something
      // accumulates per call or a working set settled.
      const wasm = await Promise.all([a, b].map((p) => p.page.evaluate(() => window.__soakCount().wasmBytes)));
      curve.push(`${i}: A ${fmt(wasm[0])}, B ${fmt(wasm[1])}`);
      console.log(`soak: ${i} of ${CALLS} calls; wasm memory A ${fmt(wasm[0])}, B ${fmt(wasm[1])}`);
    }
  }
  const end = await Promise.all([measure(a), measure(b)]);
  const endNoRows = await Promise.all([a, b].map(withoutRows));
  t.diagnostic(`wasm memory after each ${step} calls: ${curve.join('; ')}`);

  for (const [who, s, e] of [['A', start[0], end[0]], ['B', start[1], end[1]]]) {
    const rows = Object.keys(s).map((k) => {
      const growth = e[k] - s[k];
      return `${who} ${k}: ${fmt(s[k])} -> ${fmt(e[k])} (per call ${(growth / CALLS).toFixed(1)})`;
    });
    for (const row of rows) t.diagnostic(row);
    console.log(`soak ${CALLS} calls\n  ${rows.join('\n  ')}\n  ${who} audio nodes alive: ${(who === 'A' ? a : b).nodeKindsAtStart} -> ${(who === 'A' ? a : b).nodeKinds}`);
    const held = ['peerConnections', 'connectedNodes', 'audioElements', 'otherAudioNodes', 'liveSources', 'workletNodes', 'messagePorts', 'intervals'];
    for (const k of held) {
      assert.ok(e[k] <= s[k], `${who}: ${k} grew from ${s[k]} to ${e[k]} over ${CALLS} calls`);
    }
    assert.ok(e.sourceNodes - s.sourceNodes <= CALLS, `${who}: ${e.sourceNodes - s.sourceNodes} more MediaStreamAudioSourceNodes after ${CALLS} calls`);
    // Each call adds its row to Recents (kept up to 200): that much the Rust heap may grow,
    // and next to nothing once the rows are off screen (see the bounds' definitions).
    const [sn, en] = who === 'A' ? [startNoRows[0], endNoRows[0]] : [startNoRows[1], endNoRows[1]];
    t.diagnostic(`${who} with Recents off screen: rustHeapBlocks ${sn.rustHeapBlocks} -> ${en.rustHeapBlocks}, rustHeapBytes ${sn.rustHeapBytes} -> ${en.rustHeapBytes}`);
    for (const [k, bound, from, to, what] of [
      ['rustHeapBlocks', RUST_HEAP_BLOCKS_PER_CALL, s, e, ''],
      ['rustHeapBytes', RUST_HEAP_BYTES_PER_CALL, s, e, ''],
      ['rustHeapBlocks', NO_ROWS_BLOCKS_PER_CALL, sn, en, ' with Recents off screen'],
      ['rustHeapBytes', NO_ROWS_BYTES_PER_CALL, sn, en, ' with Recents off screen'],
    ]) {
      const perCall = (to[k] - from[k]) / CALLS;
      console.log(`  ${who} ${k}${what}: per call ${perCall.toFixed(1)} (bound ${bound})`);
      assert.ok(perCall <= bound, `${who}: the Rust heap grew by ${perCall.toFixed(1)} ${k} a call${what} (bound ${bound})`);
    }
  }
});
