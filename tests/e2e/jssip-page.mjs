// The page object of the JsSIP peer page (tests/e2e/jssip/): another web phone in its own
// Chromium, as a colleague on a different softphone would run it. The page is served from
// tests/e2e/jssip/ on a port of its own; its JsSIP bundle is built by `cargo xtask e2e`.

import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AgentPage, config, freshUser, launchAgent, passwordOf, startStaticServer } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const JSSIP_DIR = path.join(here, 'jssip');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Serves the JsSIP page on a free port; resolves to the static server (`url`, `close()`). */
export async function startJsSipServer() {
  if (!fs.existsSync(path.join(JSSIP_DIR, '.build', 'jssip.js'))) {
    throw new Error(`${JSSIP_DIR}/.build/jssip.js is missing: cargo xtask e2e bundles it`);
  }
  return startStaticServer(JSSIP_DIR, 0);
}

/**
 * For a test file with JsSIP in it: the app's server and the JsSIP page's, started before the
 * file's tests and closed after them. Call at the file's top level; the returned object has
 * `app` and `jssip` (each with `url`) once the tests run.
 */
export function serveAppAndJsSip() {
  const servers = { app: null, jssip: null };
  before(async () => {
    servers.app = await startStaticServer(config.dist, config.httpPort);
    servers.jssip = await startJsSipServer();
  });
  after(async () => {
    await Promise.all([servers.app?.close(), servers.jssip?.close()]);
  });
  return servers;
}

export class JsSipPage {
  constructor(agent) {
    this.agent = agent;
    this.name = agent.name;
    this.page = agent.page;
    this.user = null;
    this.eventCursor = 0;
  }

  /** A Chromium whose microphone plays `wavPath`, on the JsSIP page at `url`. */
  static async launch(name, wavPath, { url }) {
    const agent = await launchAgent(wavPath, { name });
    await agent.page.goto(url);
    return new JsSipPage(agent);
  }

  /**
   * Registers as test user `user`. `sessionTimersExpires`: the Session-Expires of its INVITEs;
   * `uasSessionExpires`: when set, the interval (refresher: the caller) it answers INVITEs with.
   */
  async start(user, { sessionTimersExpires = 90, uasSessionExpires = null } = {}) {
    this.user = String(user);
    await this.page.evaluate((o) => window.jssipPhone.start(o), {
      ws: config.wsUrl,
      user: this.user,
      password: passwordOf(user),
      domain: config.sipDomain,
      sessionTimersExpires,
      uasSessionExpires,
    });
  }

  call(user) {
    return this.page.evaluate((t) => window.jssipPhone.call(t), `sip:${user}@${config.sipDomain}`);
  }

  answer() {
    return this.page.evaluate(() => window.jssipPhone.answer());
  }

  hold() {
    return this.page.evaluate(() => window.jssipPhone.hold());
  }

  unhold() {
    return this.page.evaluate(() => window.jssipPhone.unhold());
  }

  hangUp() {
    return this.page.evaluate(() => window.jssipPhone.hangUp());
  }

  /** Transfers the call to `user` (blind): REFER, then a hang-up once the transfer succeeded. */
  refer(user) {
    return this.page.evaluate((t) => window.jssipPhone.refer(t), `sip:${user}@${config.sipDomain}`);
  }

  established() {
    return this.page.evaluate(() => window.jssipPhone.established());
  }

  /** Every SIP message the page sent or received so far: `{ dir, method, status, cseq, sdp }`. */
  sipLog() {
    return this.page.evaluate(() => window.jssipPhone.sip.slice());
  }

  /**
   * Waits for the next event named `ev` (after the one the previous wait matched) for which
   * `test` holds; resolves to it.
   */
  async waitForEvent(ev, test = () => true, { timeout = 15_000 } = {}) {
    const end = Date.now() + timeout;
    let events = [];
    for (;;) {
      events = await this.page.evaluate(() => window.jssipPhone.events.slice());
      for (let i = this.eventCursor; i < events.length; i++) {
        if (events[i].ev === ev && test(events[i])) {
          this.eventCursor = i + 1;
          return events[i];
        }
      }
      if (Date.now() > end) {
        throw new Error(`${this.name}: JsSIP never reported ${ev} within ${timeout} ms; it reported ${JSON.stringify(events.slice(this.eventCursor))}`);
      }
      await sleep(100);
    }
  }

  /** The far end's audio as heard on this page (see `AgentPage.samplesOf`). */
  async samplesOf() {
    const r = await this.page.evaluate(() => window.jssipPhone.samples());
    return { sampleRate: r.sampleRate, samples: Float32Array.from(r.samples) };
  }

  close() {
    return this.agent.close();
  }
}

// The same tone check as the app's agents, on the page's own measurement.
JsSipPage.prototype.waitForTones = AgentPage.prototype.waitForTones;

/**
 * Agents A (440 Hz) and B (660 Hz) on the app at `appUrl` and a colleague on JsSIP (880 Hz) at
 * `jssipUrl`, each signed in as a fresh user; closed when `t` ends.
 */
export async function twoAgentsAndJsSip(t, servers) {
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: servers.app.url });
  const b = await AgentPage.launch('B', config.wavB, { baseUrl: servers.app.url });
  const j = await JsSipPage.launch('JsSIP', config.wavC, { url: servers.jssip.url });
  t.after(() => Promise.all([a.close(), b.close(), j.close()]));
  const [ua, ub, uj] = [freshUser(), freshUser(), freshUser()];
  await Promise.all([a.signIn(ua), b.signIn(ub), j.start(uj)]);
  return { a, b, j, ua, ub, uj };
}
