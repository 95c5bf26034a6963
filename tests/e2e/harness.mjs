// Test harness for the softphone's end-to-end tests.
//
// Run through `cargo xtask e2e [--grep PATTERN]`, which builds dist/, writes the WAV fixtures,
// starts Kamailio on loopback and passes everything below through the environment.
//
//   SOFTPHONE_DIST        the built app (default: <repo>/dist)
//   SOFTPHONE_WAV_A       agent A's microphone: 440 Hz, 48 kHz 16-bit mono
//   SOFTPHONE_WAV_B       agent B's microphone: 660 Hz
//   SOFTPHONE_WAV_C, _D, _E  agents C, D and E: 880, 1200 and 1500 Hz
//   SOFTPHONE_HTTP_PORT   port of the static server for dist/ (default 8080)
//   SOFTPHONE_WS_URL      Kamailio's WebSocket (default ws://127.0.0.1:8088)
//   SOFTPHONE_SIP_DOMAIN  the SIP domain (default 127.0.0.1)
//   SOFTPHONE_RUN_DIR     scratch space shared by the test processes of one run
//   SOFTPHONE_KAMAILIO_CTL Kamailio's control socket (kamcmd -s unix:<it>)
//   SOFTPHONE_KAMAILIO_RESTART where to ask xtask to restart Kamailio (see restartKamailio)
//   SOFTPHONE_CLUSTER_WS_URLS  the two-edge cluster's WebSocket URLs, edge 1 first
//   SOFTPHONE_CLUSTER_CONTROL  where to ask xtask to kill and start edges (see askServers)
//   SOFTPHONE_CLUSTER_CTLS     the edges' control sockets, edge 1 first
//   CHROMIUM              the browser (default /usr/bin/chromium)
//   E2E_CONSOLE=all       forward every console message of the pages, not only errors
//   E2E_DUMP_DIR=dir      write every speaker measurement (with its samples) there as JSON

import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const env = process.env;

export const config = {
  dist: env.SOFTPHONE_DIST ?? path.join(repo, 'dist'),
  wavA: env.SOFTPHONE_WAV_A ?? path.join(repo, 'tests', 'fixtures', 'agent-a-440hz.wav'),
  wavB: env.SOFTPHONE_WAV_B ?? path.join(repo, 'tests', 'fixtures', 'agent-b-660hz.wav'),
  wavC: env.SOFTPHONE_WAV_C ?? path.join(repo, 'tests', 'fixtures', 'agent-c-880hz.wav'),
  wavD: env.SOFTPHONE_WAV_D ?? path.join(repo, 'tests', 'fixtures', 'agent-d-1200hz.wav'),
  wavE: env.SOFTPHONE_WAV_E ?? path.join(repo, 'tests', 'fixtures', 'agent-e-1500hz.wav'),
  httpPort: Number(env.SOFTPHONE_HTTP_PORT ?? 8080),
  wsUrl: env.SOFTPHONE_WS_URL ?? 'ws://127.0.0.1:8088',
  sipDomain: env.SOFTPHONE_SIP_DOMAIN ?? '127.0.0.1',
  runDir: env.SOFTPHONE_RUN_DIR ?? path.join(here, '.run'),
  kamailioCtl: env.SOFTPHONE_KAMAILIO_CTL ?? path.join(repo, 'target', 'kamailio-run', 'kamailio_ctl'),
  kamailioRestart: env.SOFTPHONE_KAMAILIO_RESTART ?? null,
  clusterWsUrls: (env.SOFTPHONE_CLUSTER_WS_URLS ?? '').split(' ').filter(Boolean),
  clusterControl: env.SOFTPHONE_CLUSTER_CONTROL ?? null,
  clusterCtls: (env.SOFTPHONE_CLUSTER_CTLS ?? '').split(' ').filter(Boolean),
  chromium: env.CHROMIUM ?? '/usr/bin/chromium',
  consoleAll: env.E2E_CONSOLE === 'all',
};

// ---------------------------------------------------------------------------------------------
// Static file server for dist/

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.txt': 'text/plain; charset=utf-8',
};

/** Content type of a file name, `application/octet-stream` when unknown. */
export function mimeType(file) {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Serves `root` on 127.0.0.1:`port` (0 picks a free port). Paths without an extension that
 * match no file get index.html (client-side routes). Resolves to `{ url, port, close() }`.
 * `requireIndex: false` serves a folder that is not an app (the example CRM in www/embed).
 */
export async function startStaticServer(root = config.dist, port = config.httpPort, { requireIndex = true } = {}) {
  const rootDir = path.resolve(root);
  if (requireIndex && !fs.existsSync(path.join(rootDir, 'index.html'))) {
    throw new Error(`${rootDir}/index.html does not exist: build first (cargo xtask build)`);
  }
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(rootDir, path.normalize(rel));
    if (file !== rootDir && !file.startsWith(rootDir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    let stat = statOrNull(file);
    if (stat?.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = statOrNull(file);
    }
    if (!stat && path.extname(rel) === '') {
      file = path.join(rootDir, 'index.html');
      stat = statOrNull(file);
    }
    if (!stat && rel === '/favicon.ico') {
      res.writeHead(204).end(); // no console error for the icon browsers ask for by themselves
      return;
    }
    if (!stat?.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${rel}\n`);
      return;
    }
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const headers = {
      'Content-Type': mimeType(file),
      'Cache-Control': cacheControl(file),
      ETag: etag,
      Vary: 'Accept-Encoding',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    const packed = precompressed(file, req.headers['accept-encoding']);
    if (packed) {
      headers['Content-Encoding'] = packed.encoding;
      file = packed.file;
      stat = packed.stat;
    }
    headers['Content-Length'] = stat.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', (err) => {
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`127.0.0.1:${port} is in use (is \`cargo xtask dev\` running?)`));
      } else reject(err);
    });
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A TCP port on loopback that takes connections and never says a word: a WebSocket to it
 *  stays connecting, so a phone never hears from its registrar. `open()` counts the
 *  connections still open (one the page closed while connecting may stay open here a while:
 *  Chromium's business). */
export async function silentServer() {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${server.address().port}`,
    open: () => sockets.size,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * How long a browser may keep `file`, the way a deployment sets it: trunk names the app's
 * script, wasm and styles by a hash of their content (`app-<hash>_bg.wasm`), so they never
 * change under a name and are kept a year without asking again; every other file (index.html,
 * which names the hashed ones, the worklet, dsp.wasm, the JSON files) is asked about on every
 * use (`no-cache`: a revalidation that a 304 answers while it has not changed).
 */
export function cacheControl(file) {
  return /-[0-9a-f]{8,}(_bg)?\.[a-z0-9]+$/.test(path.basename(file))
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
}

/**
 * The `.br` or `.gz` made beside `file` at build time (cargo xtask precompress), if the
 * client accepts that encoding: `{ file, stat, encoding }`, or null to send `file` as it is.
 */
function precompressed(file, acceptEncoding = '') {
  const accepted = acceptEncoding.split(',').map((e) => e.split(';')[0].trim());
  for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
    if (!accepted.includes(encoding)) continue;
    const stat = statOrNull(file + suffix);
    if (stat?.isFile()) return { file: file + suffix, stat, encoding };
  }
  return null;
}

function statOrNull(file) {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Chromium agents

/** The Chromium flags of an agent whose microphone plays `wavPath` (see shared NOTES). */
export function chromiumArgs(wavPath) {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wavPath}`,
    '--autoplay-policy=no-user-gesture-required',
    // without it there are no ICE candidates on a loopback-only network
    '--allow-loopback-in-peer-connection',
  ];
}

/**
 * Launches a headless Chromium with a fresh profile whose fake microphone plays `wavPath`.
 * Console errors and uncaught exceptions of its pages are printed, prefixed by `name`.
 * `locale`: the browser's language (navigator.language), Chromium's own otherwise.
 * Resolves to `{ name, context, page, close() }`.
 */
export async function launchAgent(wavPath, { name = 'agent', locale } = {}) {
  if (!fs.existsSync(wavPath)) throw new Error(`missing WAV fixture ${wavPath} (cargo xtask e2e writes it)`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `softphone-${name}-`));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: config.chromium,
      headless: true,
      args: chromiumArgs(wavPath),
      viewport: { width: 1100, height: 800 },
      ...(locale ? { locale } : {}),
    });
  } catch (err) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const forward = (p) => {
    p.on('console', (msg) => {
      const type = msg.type();
      if (config.consoleAll || type === 'error' || type === 'assert') {
        console.log(`[${name}] console.${type}: ${msg.text()}`);
      }
    });
    p.on('pageerror', (err) => console.log(`[${name}] uncaught: ${err.stack ?? err}`));
    p.on('crash', () => console.log(`[${name}] page crashed`));
  };
  forward(page);
  context.on('page', forward);
  return {
    name,
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The app's code on its way (the page's built-in sign-in screen shows until it is up)

/**
 * Holds the page's requests for `pattern` (a page.route glob) until `release(how)`: `how` is
 * 'continue' (the default), 'abort' (a network error) or an HTTP status to answer with.
 * `requested` resolves once the page asked for it.
 */
export async function holdRoute(page, pattern) {
  let release;
  let asked;
  const held = new Promise((r) => (release = r));
  const requested = new Promise((r) => (asked = r));
  await page.route(pattern, async (route) => {
    asked();
    const how = await held;
    if (how === 'abort') await route.abort();
    else if (typeof how === 'number') await route.fulfill({ status: how, body: `${how}\n` });
    else await route.continue();
  });
  return { release: (how = 'continue') => release(how), requested };
}

/** The app's script and its wasm, by trunk's hashed names. */
export const APP_JS = '**/app-*.js';
export const APP_WASM = '**/app-*_bg.wasm';

/** Holds the app's wasm (see `holdRoute`). */
export const holdWasm = (page) => holdRoute(page, APP_WASM);

/** Whether the page's built-in screen is still there: the app has not taken over. */
export const shellShown = (page) => page.locator('#shell').count().then((n) => n === 1);

/** Waits until the app has taken over (the built-in screen is gone). */
export const appUp = (page) => page.waitForFunction(() => !document.getElementById('shell'), null, { timeout: 15_000 });

// ---------------------------------------------------------------------------------------------
// SIP accounts

/** The password Kamailio (tests/kamailio/kamailio.cfg) expects for test user 2001..2999. */
export const passwordOf = (user) => (/^10\d\d$/.test(String(user)) ? `${user}pw` : `pw${user}`);

/**
 * A test user (2001..2999) that no test of this run has used: registrations live in
 * Kamailio's memory, so a fresh user never meets a stale contact. Allocation is a
 * `mkdir` in the run directory, so parallel test files never share a user.
 */
export function freshUser() {
  const dir = path.join(config.runDir, 'users');
  fs.mkdirSync(dir, { recursive: true });
  for (let n = 2001; n <= 2999; n++) {
    try {
      fs.mkdirSync(path.join(dir, String(n)));
      return String(n);
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`all test users 2001..2999 used: clear ${dir} (cargo xtask e2e does)`);
}

// ---------------------------------------------------------------------------------------------
// The app's UI contract, as a page object

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Records every text the call-state element shows, so short states ("Ended") are not missed. */
function recordCallStates() {
  window.__e2eCallStates = [];
  let last;
  const check = () => {
    const el = document.querySelector('[data-testid="call-state"]');
    const text = el ? el.textContent.trim() : null;
    if (text !== last) {
      last = text;
      window.__e2eCallStates.push(text);
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });
}

/** Records every text reg-status shows, with the time (`window.__e2eRegStates`: `{ at, text }`). */
function recordRegStates() {
  window.__e2eRegStates = [];
  let last;
  const check = () => {
    const el = document.querySelector('[data-testid="reg-status"]');
    const text = el ? el.textContent.trim() : null;
    if (text !== last) {
      last = text;
      window.__e2eRegStates.push({ at: Date.now(), text });
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });
}

/**
 * Kills Kamailio (SIGKILL: its registrations and nonces are lost, every WebSocket drops) and
 * has xtask start it again with the same configuration after `downMs`. Resolves to
 * `{ killedAt, readyAt }` (epoch ms: when it died, when it answered /health again).
 */
export async function restartKamailio({ downMs = 1400, timeout = 20_000 } = {}) {
  if (!config.kamailioRestart) throw new Error('SOFTPHONE_KAMAILIO_RESTART is not set: run through `cargo xtask e2e`');
  return askServers(config.kamailioRestart, { downMs }, { timeout: downMs + timeout });
}

/**
 * Asks xtask, through the directory `dir`, to kill, start or restart servers it runs
 * (xtask/src/restart.rs): `{ action: 'kill' | 'start' | 'restart', edges: [1, 2], downMs }`.
 * Resolves to `{ killedAt, readyAt }` (epoch ms) once done.
 */
export async function askServers(dir, request, { timeout = 20_000 } = {}) {
  const done = path.join(dir, 'done.json');
  fs.rmSync(done, { force: true });
  const tmp = path.join(dir, 'request.json.tmp');
  fs.writeFileSync(tmp, JSON.stringify(request));
  fs.renameSync(tmp, path.join(dir, 'request.json'));
  const end = Date.now() + timeout;
  while (!fs.existsSync(done)) {
    if (Date.now() > end) throw new Error(`xtask did not carry out ${JSON.stringify(request)} within ${timeout} ms`);
    await sleep(20);
  }
  const answer = JSON.parse(fs.readFileSync(done, 'utf8'));
  if (answer.error) throw new Error(`${JSON.stringify(request)}: ${answer.error}`);
  return answer;
}

/** Records every Content-Security-Policy violation of the page (`window.__e2eCspViolations`). */
function recordCspViolations() {
  window.__e2eCspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__e2eCspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
  });
}

/**
 * Launches agents A and B (microphones: fixtures A and B) on `baseUrl`, closed when `t` ends,
 * and signs them in as fresh users. Resolves to `{ a, b, ua, ub }`.
 */
export async function twoSignedIn(t, baseUrl) {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl });
  const b = await AgentPage.launch('B', config.wavB, { baseUrl });
  t.after(() => Promise.all([a.close(), b.close()]));
  const [ua, ub] = [freshUser(), freshUser()];
  const [msA, msB] = await Promise.all([a.signIn(ua), b.signIn(ub)]);
  t.diagnostic(`registration: A (${ua}) ${msA} ms, B (${ub}) ${msB} ms from page load to Registered`);
  return { a, b, ua, ub };
}

export class AgentPage {
  /** @param agent what `launchAgent` returned */
  constructor(agent, { baseUrl }) {
    this.agent = agent;
    this.name = agent.name;
    this.page = agent.page;
    this.baseUrl = baseUrl;
    this.user = null;
    this.stateCursor = 0;
  }

  /** Launches an agent whose microphone plays `wavPath` (`locale`: see launchAgent). */
  static async launch(name, wavPath, { baseUrl, locale }) {
    const agent = await launchAgent(wavPath, { name, locale });
    await agent.page.addInitScript(recordCallStates);
    await agent.page.addInitScript(recordCspViolations);
    await agent.page.addInitScript(recordRegStates);
    return new AgentPage(agent, { baseUrl });
  }

  byTestId(id) {
    return this.page.getByTestId(id);
  }

  /** Text of a test id, or null if it is not on the page. */
  async text(id) {
    const loc = this.byTestId(id);
    if ((await loc.count()) === 0) return null;
    return (await loc.first().textContent())?.trim() ?? '';
  }

  /** Waits until the text of `id` satisfies `test` (RegExp or predicate); returns the text. */
  async waitForText(id, test, { timeout = 15_000, what } = {}) {
    const ok = typeof test === 'function' ? test : (t) => test.test(t);
    const end = Date.now() + timeout;
    let seen;
    for (;;) {
      seen = await this.text(id);
      if (seen !== null && ok(seen)) return seen;
      if (Date.now() > end) {
        throw new Error(
          `${this.name}: ${id} never showed ${what ?? test} within ${timeout} ms (last: ${JSON.stringify(seen)})`,
        );
      }
      await sleep(50);
    }
  }

  /**
   * Opens the app, signs in as `user` and waits for "Registered".
   * Resolves to the milliseconds from the start of the page load to "Registered".
   */
  async signIn(user, { password = passwordOf(user), wsUrl = config.wsUrl, domain = config.sipDomain, open = true } = {}) {
    this.user = String(user);
    const t0 = Date.now();
    // `open: false`: the phone is already there (in a CRM's iframe, see `launchEmbedded`).
    if (open) await this.page.goto(this.baseUrl);
    const wsField = this.byTestId('ws-url');
    if (!(await wsField.isVisible())) {
      // server settings may sit in a collapsed <details>: open it the way a person would
      await this.page.locator('details', { has: wsField }).locator('summary').first().click();
    }
    await wsField.fill(wsUrl);
    await this.byTestId('sip-uri').fill(`sip:${user}@${domain}`);
    await this.byTestId('password').fill(password);
    await this.byTestId('sign-in').click();
    await this.waitForText('reg-status', (t) => /\bRegistered\b/.test(t) && !/\b(not|un)\s*registered/i.test(t), {
      what: '"Registered"',
    });
    return Date.now() - t0;
  }

  /** Every text reg-status showed since the page loaded, as `{ at, text }` (epoch ms). */
  regStates() {
    return this.page.evaluate(() => window.__e2eRegStates ?? []);
  }

  /** The Contact Info row of the line to `peer` (its name or number). */
  lineTo(peer) {
    return this.page.locator('[data-testid="line"]', { hasText: String(peer) });
  }

  async dial(number) {
    await this.byTestId('number').fill(String(number));
    await this.byTestId('start-call').click();
  }

  /** Answers the call ringing here (the first, when several wait). */
  answer() {
    return this.byTestId('answer').first().click();
  }

  decline() {
    return this.byTestId('decline').first().click();
  }

  hangUp() {
    return this.byTestId('hang-up').click();
  }

  /**
   * Waits until call-state has shown `word` (case-insensitive, a whole word; "A|B" for either)
   * at or after the state the previous wait matched, so a sequence such as Ended then Idle is
   * checked in order even when a state shows only briefly.
   */
  async waitForCallState(word, { timeout = 15_000 } = {}) {
    const re = new RegExp(`\\b(?:${word})\\b`, 'i');
    const end = Date.now() + timeout;
    let history = [];
    for (;;) {
      history = (await this.page.evaluate(() => window.__e2eCallStates ?? [])) ?? [];
      for (let i = this.stateCursor; i < history.length; i++) {
        if (history[i] !== null && re.test(history[i])) {
          this.stateCursor = i;
          return history[i];
        }
      }
      if (Date.now() > end) {
        throw new Error(
          `${this.name}: call-state never showed /${word}/i within ${timeout} ms; it showed ${JSON.stringify(history.slice(this.stateCursor))}`,
        );
      }
      await sleep(50);
    }
  }

  /** `{ sampleRate, samples: Float32Array }` of the speaker output (worklet output 0). */
  async speakerSamples() {
    return this.samplesOf('speaker');
  }

  /**
   * `{ sampleRate, samples: Float32Array }` of an output the probe exposes: `'speaker'` or
   * `'ringer'`.
   */
  async samplesOf(output) {
    const method = `${output}Samples`;
    const r = await this.page.evaluate((method) => {
      const probe = window.softphoneProbe;
      if (!probe || typeof probe[method] !== 'function') return null;
      const { sampleRate, samples } = probe[method]();
      return { sampleRate, samples: Array.from(samples) };
    }, method);
    if (!r) throw new Error(`${this.name}: window.softphoneProbe.${method}() is missing`);
    return { sampleRate: r.sampleRate, samples: Float32Array.from(r.samples) };
  }

  /**
   * Polls the speaker until `hear` Hz is at least `ratio` times stronger (in power) than
   * `notHear` Hz and at least `minPower` (1e-4: amplitude 0.01, -40 dBFS), in `consecutive`
   * polls in a row; resolves to the last measurement, throws with it on timeout.
   */
  async waitForTone({ hear, notHear, ratio = 10, minPower = 1e-4, consecutive = 2, timeout = 10_000 }) {
    const end = Date.now() + timeout;
    let m;
    let passes = 0;
    for (;;) {
      const { sampleRate, samples } = await this.speakerSamples();
      m = {
        hear,
        notHear,
        powerHear: goertzelPower(samples, sampleRate, hear),
        powerNotHear: goertzelPower(samples, sampleRate, notHear),
        rms: rms(samples),
        n: samples.length,
        sampleRate,
      };
      m.ratioDb = 10 * Math.log10(m.powerHear / Math.max(m.powerNotHear, 1e-20));
      m.peak = peakFrequency(samples, sampleRate);
      if (env.E2E_DUMP_DIR) {
        fs.mkdirSync(env.E2E_DUMP_DIR, { recursive: true });
        const file = path.join(env.E2E_DUMP_DIR, `${this.name}-${this.user}-${Date.now()}.json`);
        fs.writeFileSync(file, JSON.stringify({ ...m, samples: Array.from(samples) }));
      }
      const pass = samples.length >= 1024 && m.powerHear >= minPower && m.powerHear >= ratio * m.powerNotHear;
      passes = pass ? passes + 1 : 0;
      // twice in a row: a window that caught the audio starting is not a steady state
      if (passes >= consecutive) return m;
      if (Date.now() > end) {
        throw new Error(`${this.name}: speaker did not hear ${hear} Hz over ${notHear} Hz: ${describeTone(m)}`);
      }
      await sleep(250);
    }
  }

  /**
   * Polls the speaker until every tone of `hear` is present (at least `minPower`) and at
   * least `ratio` times stronger than every tone of `notHear` (with `hear` empty: until every
   * tone of `notHear` is below `silence`), twice in a row; resolves to the powers measured,
   * throws with them on timeout. `output`: which output to read (see `samplesOf`).
   */
  async waitForTones({ hear, notHear, ratio = 10, minPower = 1e-4, silence = 1e-5, timeout = 15_000, output = 'speaker' }) {
    const end = Date.now() + timeout;
    let passes = 0;
    let powers;
    for (;;) {
      const { sampleRate, samples } = await this.samplesOf(output);
      powers = Object.fromEntries(
        [...hear, ...notHear].map((f) => [f, goertzelPower(samples, sampleRate, f)]),
      );
      const loudestUnwanted = Math.max(1e-20, ...notHear.map((f) => powers[f]));
      // With nothing to hear, "not hear" means silence: every unwanted tone below `silence`.
      const pass = hear.length
        ? hear.every((f) => powers[f] >= minPower && powers[f] >= ratio * loudestUnwanted)
        : loudestUnwanted < silence;
      passes = pass ? passes + 1 : 0;
      if (passes >= 2) return powers;
      if (Date.now() > end) {
        const shown = Object.entries(powers).map(([f, p]) => `${f} Hz ${p.toExponential(2)}`).join(', ');
        throw new Error(`${this.name}: wanted ${hear.join('+')} Hz over ${notHear.join('+')} Hz on the ${output}; heard ${shown}`);
      }
      await sleep(250);
    }
  }

  /**
   * Runs `action`, then keeps reading the speaker for `ms`; resolves to the largest
   * sample-to-sample jump seen across the change (a click shows as a jump far above what the
   * tones themselves make).
   */
  async largestJumpDuring(action, ms = 600) {
    const pollEvery = 60;
    await action();
    let largest = 0;
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const { samples } = await this.speakerSamples();
      const { jump, at } = largestJump(samples);
      if (jump > largest) {
        largest = jump;
        this.lastJump = jumpContext(samples, at);
      }
      await sleep(pollEvery);
    }
    return largest;
  }

  /** The page's Content-Security-Policy (from its meta tag) and what it blocked so far. */
  async csp() {
    return this.page.evaluate(() => ({
      policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? null,
      violations: window.__e2eCspViolations ?? [],
    }));
  }

  /** Single-step conference (C7): the number, then the dropdown next to Start call. */
  async dialIntoConference(number) {
    await this.byTestId('number').fill(String(number));
    await this.byTestId('start-call-menu').click();
    await this.byTestId('single-step').click();
  }

  close() {
    return this.agent.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The phone embedded in a CRM page (www/embed)

/** Serves www/embed (the SDK and the example CRM) on a second origin: 127.0.0.1, a free port. */
export function startCrmServer() {
  return startStaticServer(path.join(repo, 'www', 'embed'), 0, { requireIndex: false });
}

/**
 * Launches agent `name` whose phone (`phoneUrl`) runs inside a CRM page (`crmUrl`), with the
 * deployment's embed.json replaced by `embedConfig`. Resolves to an AgentPage that acts on
 * the phone's frame, with `crm` (the CRM's Playwright page) beside it.
 */
export async function launchEmbedded(name, wavPath, { phoneUrl, crmUrl, embedConfig }) {
  const outer = await AgentPage.launch(name, wavPath, { baseUrl: phoneUrl });
  const page = outer.page;
  await page.context().route(new URL('embed.json', phoneUrl).href, (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify(embedConfig) }),
  );
  await page.goto(crmUrl);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.getByTestId('reg-status').waitFor();
  const phone = new AgentPage({ ...outer.agent, page: frame }, { baseUrl: phoneUrl });
  phone.crm = page;
  return phone;
}

// ---------------------------------------------------------------------------------------------
// Signal analysis

/**
 * Goertzel with a Hann window: the power (amplitude squared) of the component at `freq` Hz.
 * A full-scale sine of amplitude A gives about A*A; works for frequencies between bins.
 */
/** The largest sample-to-sample jump in `samples` and the index it lands on. */
export function largestJump(samples) {
  let jump = 0;
  let at = 0;
  for (let i = 1; i < samples.length; i++) {
    const d = Math.abs(samples[i] - samples[i - 1]);
    if (d > jump) [jump, at] = [d, i];
  }
  return { jump, at };
}

/**
 * What surrounds the jump at `i`, for a failure message: the samples around it and how many
 * of the 480 before (10 ms at 48 kHz) were exact zeros.
 */
function jumpContext(samples, i) {
  let zeros = 0;
  for (let k = Math.max(0, i - 480); k < i; k++) if (samples[k] === 0) zeros++;
  const around = Array.from(samples.slice(Math.max(0, i - 8), i + 8), (x) => x.toFixed(3)).join(' ');
  return `${zeros}/480 zeros before; samples around: ${around}`;
}

export function goertzelPower(samples, sampleRate, freq) {
  const n = samples.length;
  if (n < 2) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * freq) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    wsum += w;
    const s0 = samples[i] * w + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const mag2 = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  const amp = (2 * Math.sqrt(Math.max(mag2, 0))) / wsum;
  return amp * amp;
}

/** The strongest frequency between `lo` and `hi` Hz (10 Hz steps): `{ hz, power }`. */
export function peakFrequency(samples, sampleRate, lo = 50, hi = 4000) {
  let best = { hz: 0, power: 0 };
  for (let hz = lo; hz <= hi; hz += 10) {
    const power = goertzelPower(samples, sampleRate, hz);
    if (power > best.power) best = { hz, power };
  }
  return best;
}

export function rms(samples) {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(samples.length, 1));
}

export function describeTone(m) {
  const f = (x) => x.toExponential(2);
  return `${m.hear} Hz power ${f(m.powerHear)}, ${m.notHear} Hz power ${f(m.powerNotHear)} (${m.ratioDb.toFixed(1)} dB), rms ${m.rms.toFixed(4)}, ${m.peak ? `peak ${m.peak.hz} Hz (${f(m.peak.power)}), ` : ''}${m.n} samples at ${m.sampleRate} Hz`;
}

/** Reads a PCM WAV: `{ sampleRate, channels, bitsPerSample, format, samples: Float32Array (first channel) }`. */
export function readWav(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file}: not a RIFF/WAVE file`);
  }
  let off = 12;
  let fmt;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.bitsPerSample !== 16) throw new Error(`${file}: not 16-bit PCM`);
      const frames = Math.floor(size / (2 * fmt.channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = buf.readInt16LE(body + i * 2 * fmt.channels) / 32768;
      return { ...fmt, samples };
    }
    off = body + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}
