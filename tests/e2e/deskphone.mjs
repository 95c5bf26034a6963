// The baresip desk phones of the SIP lab (xtask/src/baresip.rs), as the tests see them: their
// numbers, their tone, their control sockets (netstring-framed JSON) and what they recorded.
//
//   SOFTPHONE_DESK_PHONE            the desk phone's number (1100; G.711, never transcoded)
//   SOFTPHONE_DESK_HZ               the tone both play (1000)
//   SOFTPHONE_DESK_AMP              its amplitude, of full scale (0.5)
//   SOFTPHONE_DESK_CTRL             its ctrl_tcp address (127.0.0.1:4444)
//   SOFTPHONE_DESK_RECORDINGS       where it writes one dump-<time>-dec.wav (what it heard) per call
//   SOFTPHONE_PCMU_DESK_PHONE       the PCMU-only desk phone (1101: its calls are transcoded)
//   SOFTPHONE_PCMU_DESK_CTRL        its ctrl_tcp address (127.0.0.1:4446)
//   SOFTPHONE_PCMU_DESK_RECORDINGS  its recordings

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { config, readWav } from './harness.mjs';

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
      buf += d.toString();
      // netstrings: <length>:<json>, one after another (events and the response)
      for (;;) {
        const colon = buf.indexOf(':');
        if (colon < 0) return;
        const len = Number(buf.slice(0, colon));
        if (buf.length < colon + 1 + len + 1) return;
        const msg = JSON.parse(buf.slice(colon + 1, colon + 1 + len));
        buf = buf.slice(colon + 1 + len + 1);
        if (msg.response && msg.token === token) {
          clearTimeout(timer);
          socket.end();
          if (msg.ok === false) reject(new Error(`baresip refused ${command} ${params}: ${msg.data}`));
          else resolve(msg.data ?? '');
          return;
        }
      }
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
    buf += d.toString();
    for (;;) {
      const colon = buf.indexOf(':');
      if (colon < 0) return;
      const len = Number(buf.slice(0, colon));
      if (buf.length < colon + 1 + len + 1) return;
      const msg = JSON.parse(buf.slice(colon + 1, colon + 1 + len));
      buf = buf.slice(colon + 1 + len + 1);
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
