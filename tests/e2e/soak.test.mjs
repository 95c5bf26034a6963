// Soak: agent A places and ends many calls to agent B, holding and retrieving in each, and
// afterwards what both pages hold is back to where it stood after the first call: peer
// connections, connected and live audio nodes (the worklet's among them), <audio> elements,
// message ports and interval timers, counted by
// wrappers this test installs in the page (the product has no such hooks), and the Rust heap
// (live blocks and bytes, counted by the test build's allocator) grows by no more than each
// call's Recents row. The JS heap and the Wasm memory are printed with their growth per
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
/** What one call may leave on the Rust heap: its Recents row (see the end of the test). */
// After the merges of 2026-12-03 (Directory search through the browser's toLowerCase, noise
// suppression settings), the caller A measured 244.6 blocks and 8,915 B a call over 10 calls in
// `cargo xtask test` (B stayed under 200): the bounds sit above that and below the 317 blocks
// and 23 KB the unswept signals cost, so that leak coming back still fails.
const RUST_HEAP_BLOCKS_PER_CALL = 300;
const RUST_HEAP_BYTES_PER_CALL = 16_000;

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
    // Chromium keeps every MediaStreamAudioSourceNode (and its stream) until the context
    // closes, even unconnected and unreferenced (seen with a bare page: create one from a
    // remote stream, drop it, collect garbage: it stays). Counted apart so that every other
    // kind can be held to its baseline.
    otherAudioNodes: alive(made.node, (n) => !(n instanceof MediaStreamAudioSourceNode)),
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
  t.diagnostic(`wasm memory after each ${step} calls: ${curve.join('; ')}`);

  for (const [who, s, e] of [['A', start[0], end[0]], ['B', start[1], end[1]]]) {
    const rows = Object.keys(s).map((k) => {
      const growth = e[k] - s[k];
      return `${who} ${k}: ${fmt(s[k])} -> ${fmt(e[k])} (per call ${(growth / CALLS).toFixed(1)})`;
    });
    for (const row of rows) t.diagnostic(row);
    console.log(`soak ${CALLS} calls\n  ${rows.join('\n  ')}\n  ${who} audio nodes alive: ${(who === 'A' ? a : b).nodeKindsAtStart} -> ${(who === 'A' ? a : b).nodeKinds}`);
    const held = ['peerConnections', 'connectedNodes', 'audioElements', 'otherAudioNodes', 'workletNodes', 'messagePorts', 'intervals'];
    for (const k of held) {
      assert.ok(e[k] <= s[k], `${who}: ${k} grew from ${s[k]} to ${e[k]} over ${CALLS} calls`);
    }
    // Each call adds its row to Recents (kept up to 200): that much the Rust heap may grow.
    // Measured over 40 calls: about 104 blocks and 4.9 KB a call; with the Directory tab
    // shown instead, 4 blocks and 0.5 KB on the side that does not type, so the rest is the
    // row. Before the session's signals were swept of dead subscribers (app state/sweep.rs):
    // 317 blocks and 23 KB a call (10 calls). The bounds sit between (see their definition).
    for (const [k, bound] of [['rustHeapBlocks', RUST_HEAP_BLOCKS_PER_CALL], ['rustHeapBytes', RUST_HEAP_BYTES_PER_CALL]]) {
      const perCall = (e[k] - s[k]) / CALLS;
      assert.ok(perCall <= bound, `${who}: the Rust heap grew by ${perCall.toFixed(1)} ${k} a call (bound ${bound})`);
    }
  }
});
