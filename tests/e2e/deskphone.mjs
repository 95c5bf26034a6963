// The baresip desk phone of the SIP lab (xtask/src/baresip.rs), as the tests see it: its
// number, its tone, its control socket (netstring-framed JSON) and what it recorded.
//
//   SOFTPHONE_DESK_PHONE       its number (1100)
//   SOFTPHONE_DESK_HZ          the tone it plays (1000)
//   SOFTPHONE_DESK_CTRL        its ctrl_tcp address (127.0.0.1:4444)
//   SOFTPHONE_DESK_RECORDINGS  where it writes one dump-<time>-dec.wav (what it heard) per call

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { config, readWav } from './harness.mjs';

const env = process.env;
const [ctrlHost, ctrlPort] = (env.SOFTPHONE_DESK_CTRL ?? '127.0.0.1:4444').split(':');

export const desk = {
  user: env.SOFTPHONE_DESK_PHONE ?? '1100',
  hz: Number(env.SOFTPHONE_DESK_HZ ?? 1000),
  recordings: env.SOFTPHONE_DESK_RECORDINGS,
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether Kamailio knows where the desk phone is (its registration). */
function deskKnown() {
  // kamcmd exits 0 on an RPC error too ("error: 500 - AOR not found"): read its answer.
  try {
    const out = execFileSync('kamcmd', ['-s', `unix:${config.kamailioCtl}`, 'ul.lookup', 'location', `${desk.user}@127.0.0.1`], {
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
export async function deskRegistered({ timeout = 45_000 } = {}) {
  const end = Date.now() + timeout;
  while (!deskKnown()) {
    if (Date.now() > end) throw new Error(`the desk phone did not register within ${timeout} ms`);
    await sleep(200);
  }
}

/** Reads netstring-framed JSON messages off `socket`, handing each to `onMessage`. */
function readNetstrings(socket, onMessage) {
  let buf = '';
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
      onMessage(msg);
    }
  });
}

/**
 * Listens to the desk phone's events (every ctrl_tcp client gets them: `{ event: true, type,
 * param, ... }`). Resolves, once connected, to `{ events, close() }`; `events` grows as they come.
 */
export function deskEvents() {
  return new Promise((resolve, reject) => {
    const events = [];
    const socket = net.connect(Number(ctrlPort), ctrlHost);
    readNetstrings(socket, (msg) => {
      if (msg.event) events.push(msg);
    });
    socket.on('connect', () => resolve({ events, close: () => socket.destroy() }));
    socket.on('error', reject);
  });
}

/** Sends one command (`dial`, `hangup`, ...); resolves to its response's data text. */
export function deskCommand(command, params = '') {
  return new Promise((resolve, reject) => {
    const token = `t${Date.now()}`;
    const socket = net.connect(Number(ctrlPort), ctrlHost);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`baresip did not answer ${command} within 5 s`));
    }, 5000);
    socket.on('connect', () => {
      const json = JSON.stringify({ command, params, token });
      socket.write(`${Buffer.byteLength(json)}:${json},`);
    });
    readNetstrings(socket, (msg) => {
      if (msg.response && msg.token === token) {
        clearTimeout(timer);
        socket.end();
        if (msg.ok === false) reject(new Error(`baresip refused ${command} ${params}: ${msg.data}`));
        else resolve(msg.data ?? '');
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * What the desk phone heard in its latest call that began after `since` (ms since the epoch):
 * `{ file, sampleRate, samples }`, once the recording holds at least `minSeconds`. baresip
 * finishes the file when the call ends.
 */
export async function deskHeard(since, { minSeconds = 1.5, timeout = 5000 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const files = fs
      .readdirSync(desk.recordings)
      .filter((f) => f.endsWith('-dec.wav'))
      .map((f) => path.join(desk.recordings, f))
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
      throw new Error(`no recording of ${minSeconds} s or more in ${desk.recordings} since ${new Date(since).toISOString()}: ${fs.readdirSync(desk.recordings).join(', ')}`);
    }
    await sleep(200);
  }
}
