// The baresip desk phones of the SIP lab (xtask/src/baresip.rs), as the tests see them: their
// numbers, their tone, their control sockets (netstring-framed JSON) and what they recorded.
//
//   SOFTPHONE_DESK_PHONE            the desk phone's number (1100; G.711, never transcoded)
//   SOFTPHONE_DESK_HZ               the tone both play (1000)
//   SOFTPHONE_DESK_AMP              its amplitude, of full scale (0.5)
//   SOFTPHONE_DESK_CTRL             its ctrl_tcp address (127.0.0.1:4444)
//   SOFTPHONE_DESK_RECORDINGS       where it writes one dump-<time>-dec.wav (what it heard) per call,
//                                   up to its first hold, and what its player played, on through
//                                   re-INVITEs: heard-<ms>.raw (xtask/src/desk_ear.rs)
//   SOFTPHONE_PCMU_DESK_PHONE       the PCMU-only desk phone (1101: its calls are transcoded)
//   SOFTPHONE_PCMU_DESK_CTRL        its ctrl_tcp address (127.0.0.1:4446)
//   SOFTPHONE_PCMU_DESK_RECORDINGS  its recordings

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { config, goertzelPower, readWav } from './harness.mjs';

const env = process.env;

function deskOf(user, ctrl, recordings) {
  const [ctrlHost, ctrlPort] = ctrl.split(':');
  return {
    user,
    hz: Number(env.SOFTPHONE_DESK_HZ ?? 1000),
    amp: Number(env.SOFTPHONE_DESK_AMP ?? 0.5),
    ctrlHost,
    ctrlPort: Number(ctrlPort),
    recordings,
  };
}

export const desk = deskOf(env.SOFTPHONE_DESK_PHONE ?? '1100', env.SOFTPHONE_DESK_CTRL ?? '127.0.0.1:4444', env.SOFTPHONE_DESK_RECORDINGS);
export const pcmuDesk = deskOf(
  env.SOFTPHONE_PCMU_DESK_PHONE ?? '1101',
  env.SOFTPHONE_PCMU_DESK_CTRL ?? '127.0.0.1:4446',
  env.SOFTPHONE_PCMU_DESK_RECORDINGS,
);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether Kamailio knows where the desk phone is (its registration). */
function deskKnown(phone) {
  // kamcmd exits 0 on an RPC error too ("error: 500 - AOR not found"): read its answer.
  try {
    const out = execFileSync('kamcmd', ['-s', `unix:${config.kamailioCtl}`, 'ul.lookup', 'location', `${phone.user}@127.0.0.1`], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return /Contact/i.test(out) && !/not found/i.test(out);
  } catch {
    return false;
  }
}

/**
 * Resolves once the desk phone is registered. A restarted Kamailio (the fault tests) forgets
 * it until its next registration (every 10 s, xtask/src/baresip.rs; a challenged or failed
 * one is retried later, so allow a few intervals).
 */
export async function deskRegistered({ timeout = 45_000, phone = desk } = {}) {
  const end = Date.now() + timeout;
  while (!deskKnown(phone)) {
    if (Date.now() > end) throw new Error(`the desk phone did not register within ${timeout} ms`);
    await sleep(200);
  }
}

/**
 * The whole netstrings (`<length>:<json>,`, ctrl_tcp's framing of events and responses) at
 * the start of `buf`, parsed, and what is left of it: the start of one still arriving.
 */
function netstrings(buf) {
  const msgs = [];
  for (;;) {
    const colon = buf.indexOf(':');
    if (colon < 0) break;
    const len = Number(buf.slice(0, colon));
    if (buf.length < colon + 1 + len + 1) break;
    msgs.push(JSON.parse(buf.slice(colon + 1, colon + 1 + len)));
    buf = buf.slice(colon + 1 + len + 1);
  }
  return { msgs, rest: buf };
}

/** Sends one command (`dial`, `hangup`, ...); resolves to its response's data text. */
export function deskCommand(command, params = '', { phone = desk } = {}) {
  return new Promise((resolve, reject) => {
    const token = `t${Date.now()}`;
    const socket = net.connect(phone.ctrlPort, phone.ctrlHost);
    let buf = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`baresip did not answer ${command} within 5 s`));
    }, 5000);
    socket.on('connect', () => {
      const json = JSON.stringify({ command, params, token });
      socket.write(`${Buffer.byteLength(json)}:${json},`);
    });
    socket.on('data', (d) => {
      let msgs;
      ({ msgs, rest: buf } = netstrings(buf + d.toString()));
      const msg = msgs.find((m) => m.response && m.token === token);
      if (!msg) return;
      clearTimeout(timer);
      socket.end();
      if (msg.ok === false) reject(new Error(`baresip refused ${command} ${params}: ${msg.data}`));
      else resolve(msg.data ?? '');
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Listens to the desk phone's events (`{ type, param, ... }`, e.g. CALL_DTMF_START with the
 * digit) on one control connection until `close()`. baresip's ctrl_tcp serves one connection
 * at a time: a `deskCommand` meanwhile would end this one, so commands go through `command`.
 */
export async function deskEvents({ phone = desk } = {}) {
  const socket = net.connect(phone.ctrlPort, phone.ctrlHost);
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const events = [];
  const waiting = new Map();
  let closed = null;
  let buf = '';
  socket.on('data', (d) => {
    let msgs;
    ({ msgs, rest: buf } = netstrings(buf + d.toString()));
    for (const msg of msgs) {
      if (msg.event) events.push({ at: Date.now(), ...msg });
      if (msg.response && waiting.has(msg.token)) {
        waiting.get(msg.token)(msg);
        waiting.delete(msg.token);
      }
    }
  });
  socket.on('close', () => {
    closed ??= 'closed by baresip';
  });
  socket.on('error', (err) => {
    closed = String(err);
  });
  return {
    events,
    /** Sends one command on this connection; resolves to its response's data text. */
    command(command, params = '') {
      const token = `e${Date.now()}${Math.random()}`;
      const json = JSON.stringify({ command, params, token });
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`baresip did not answer ${command} within 5 s`)), 5000);
        waiting.set(token, (msg) => {
          clearTimeout(timer);
          if (msg.ok === false) reject(new Error(`baresip refused ${command} ${params}: ${msg.data}`));
          else resolve(msg.data ?? '');
        });
        socket.write(`${Buffer.byteLength(json)}:${json},`);
      });
    },
    /** Waits until `count` events satisfy `test`; resolves to them. */
    async waitFor(test, { count = 1, timeout = 15_000, what = 'events' } = {}) {
      const end = Date.now() + timeout;
      for (;;) {
        const found = events.filter(test);
        if (found.length >= count) return found;
        if (closed || Date.now() > end) {
          throw new Error(`the desk phone did not report ${count} ${what} within ${timeout} ms${closed ? ` (${closed})` : ''}: ${JSON.stringify(events.map((e) => [e.type, e.param]))}`);
        }
        await sleep(50);
      }
    },
    close() {
      socket.destroy();
    },
  };
}

/**
 * What the desk phone heard in its latest call that began after `since` (ms since the epoch):
 * `{ file, sampleRate, samples }`, once the recording holds at least `minSeconds`. baresip
 * finishes the file when the call ends.
 */
export async function deskHeard(since, { minSeconds = 1.5, timeout = 5000, phone = desk } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const files = fs
      .readdirSync(phone.recordings)
      .filter((f) => f.endsWith('-dec.wav'))
      .map((f) => path.join(phone.recordings, f))
      .filter((f) => fs.statSync(f).mtimeMs >= since)
      .sort((x, y) => fs.statSync(x).mtimeMs - fs.statSync(y).mtimeMs);
    const file = files.at(-1);
    if (file) {
      try {
        const wav = readWav(file);
        if (wav.samples.length >= minSeconds * wav.sampleRate) return { file, ...wav };
      } catch {
        // still being written
      }
    }
    if (Date.now() > end) {
      throw new Error(`no recording of ${minSeconds} s or more in ${phone.recordings} since ${new Date(since).toISOString()}: ${fs.readdirSync(phone.recordings).join(', ')}`);
    }
    await sleep(200);
  }
}

/**
 * RTP packets the desk phone has received in its current call, by its own count (the `rcvd`
 * of each source in its RTCP session, summed; `audio_debug` over the control socket).
 *
 * Its recording filter stops at the first hold: baresip 1.0 drops its decode filters
 * (sndfile among them) when a re-offer changes the direction (`audio_decoder_set` flushes
 * them) and never sets them up again while the encode side still has its own (`aufilt_setup`
 * returns early; its log shows `audio rx pipeline: alsa <--- PCMU` from then on). This count,
 * like `deskPlayed`, goes on across re-INVITEs.
 * `events`: a `deskEvents()` connection to ask over.
 */
export async function deskReceived({ phone = desk, events } = {}) {
  // over `events` when the test holds the one control connection baresip serves
  const text = events ? await events.command('audio_debug') : await deskCommand('audio_debug', '', { phone });
  const counts = [...text.matchAll(/\brcvd=(\d+)/g)].map((m) => Number(m[1]));
  if (counts.length === 0) throw new Error(`the desk phone reported no RTP source: ${text}`);
  return counts.reduce((x, y) => x + y, 0);
}

/**
 * The direction the desk phone's audio stream has now, as its side of the last offer/answer
 * set it (`sendrecv`, `sendonly`, `recvonly`, `inactive`; `audio_debug`).
 */
export async function deskDirection({ phone = desk, events } = {}) {
  const text = events ? await events.command('audio_debug') : await deskCommand('audio_debug', '', { phone });
  const m = /\baudio dir=(\w+)/.exec(text);
  if (!m) throw new Error(`the desk phone reported no audio direction: ${text}`);
  return m[1];
}

/** Packets the desk phone receives in `ms` milliseconds of the call (its own count). */
export async function deskReceivesIn(ms, { phone = desk, events } = {}) {
  const before = await deskReceived({ phone, events });
  await sleep(ms);
  return (await deskReceived({ phone, events })) - before;
}

/**
 * What the desk phone's player played since `since` (ms since the epoch), placed in time: one
 * `{ file, sampleRate, samples, startMs, endMs }` per stretch of playing (a call, or the part
 * of one between two player restarts run together), sample `i` played at
 * `startMs + i / 8`. The lab's ear reads it from the player as a sound card would
 * (xtask/src/desk_ear.rs), so unlike the recording it goes on after holds and retrieves.
 */
export function deskPlayed(since, { phone = desk } = {}) {
  const sampleRate = 8000;
  return fs
    .readdirSync(phone.recordings)
    .map((f) => ({ f, m: /^heard-(\d+)\.raw$/.exec(f) }))
    .filter(({ m }) => m && Number(m[1]) >= since - 1000)
    .sort((x, y) => Number(x.m[1]) - Number(y.m[1]))
    .map(({ f, m }) => {
      const file = path.join(phone.recordings, f);
      const buf = fs.readFileSync(file);
      const samples = new Float32Array(buf.length >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(i * 2) / 32768;
      const startMs = Number(m[1]);
      return { file, sampleRate, samples, startMs, endMs: startMs + (samples.length / sampleRate) * 1000 };
    });
}

/** Trimmed off each end of a stretch: the jitter buffers and the signalling in between. */
const MARGIN_MS = 700;

/** What `deskPlayed` holds between two moments (epoch ms), margins trimmed: powers by Hz. */
export function deskPlayedBetween(recs, [fromMs, toMs], freqs) {
  const [from, to] = [fromMs + MARGIN_MS, toMs - MARGIN_MS];
  const rec = recs.find((r) => r.startMs <= from && r.endMs >= to);
  const spans = recs.map((r) => `${new Date(r.startMs).toISOString()} to ${new Date(r.endMs).toISOString()} (${r.file})`);
  if (!rec) {
    throw new Error(`nothing the desk phone played covers ${new Date(from).toISOString()} to ${new Date(to).toISOString()}: ${spans.join('; ')}`);
  }
  const at = (ms) => Math.round(((ms - rec.startMs) / 1000) * rec.sampleRate);
  const part = rec.samples.subarray(at(from), at(to));
  return Object.fromEntries(freqs.map((f) => [f, goertzelPower(part, rec.sampleRate, f)]));
}

const show = (p) => Object.entries(p).map(([f, v]) => `${f} Hz ${v.toExponential(1)}`).join(', ');

/**
 * The desk phone played every tone of `hear` in `span` of `recs` (from `deskPlayed`): at least
 * 1e-4, ten times any of `notHear`; with nothing to hear, none of `notHear` (below 1e-5).
 */
export function assertDeskPlayed(t, recs, span, hear, notHear, when) {
  const p = deskPlayedBetween(recs, span, [...hear, ...notHear]);
  t.diagnostic(`${when}: the desk phone heard ${show(p)}`);
  const loudestUnwanted = Math.max(1e-20, ...notHear.map((f) => p[f]));
  // with nothing to hear, silence: every tone below what the agents' checks call silence
  if (hear.length === 0) assert.ok(loudestUnwanted < 1e-5, `${when}: the desk phone heard ${show(p)}, not silence`);
  for (const f of hear) {
    assert.ok(p[f] >= 1e-4 && p[f] >= 10 * loudestUnwanted, `${when}: the desk phone heard ${f} Hz over ${notHear.join('+')} Hz: ${show(p)}`);
  }
}
