// Call quality under induced loss: in a three-party conference every leg of the host runs
// through a UDP relay of the test's own (tests/e2e/relay.mjs), and the relay of the host's leg
// to C drops 30 % of its RTP, seeded, both ways. C's row on the host (and the call card, which
// shows C's leg) turns poor with the loss in its tooltip and accessible text, the "poor"
// notice comes once, B's row stays good all along; with the loss back at 0 C recovers.
// 30 % is well past poor with quality.rs's constants: R < 60 from about 13.5 % random loss.
// Run: cargo xtask e2e --grep quality

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AgentPage, config, freshUser, startStaticServer } from './harness.mjs';
import { RelayRouter } from './relay.mjs';

/** The share of RTP the lossy leg's relay drops. */
const LOSS = 0.3;
/** Readings (one every 2 s, crates/web/src/stats.rs) checked while the leg is lossy. */
const LOSSY_READINGS = 3;
/** The relay's seed: the same packets of each direction's sequence are dropped every run. */
const SEED = 15;

let server;

before(async () => {
  server = await startStaticServer(config.dist, config.httpPort);
});

after(async () => {
  await server?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Records every text the notice shows (`window.__e2eNotices`), so none is missed. */
function recordNotices() {
  window.__e2eNotices = [];
  let last = null;
  new MutationObserver(() => {
    const text = document.querySelector('[data-testid="notice"]')?.textContent.trim() ?? null;
    if (text !== last) {
      last = text;
      if (text) window.__e2eNotices.push(text);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

/**
 * Every quality indicator of `agent`'s page at one instant: the call card's (with whose leg
 * it shows) and each Contact Info row's by its peer.
 */
function indicators(agent) {
  return agent.page.evaluate(() => {
    const read = (el) =>
      el && {
        level: el.dataset.level,
        title: el.getAttribute('title'),
        label: el.getAttribute('aria-label'),
        text: el.textContent.trim(),
        mos: Number(el.dataset.mos) / 100,
        loss: Number(el.dataset.loss) / 100,
      };
    const rows = {};
    for (const row of document.querySelectorAll('[data-testid="line"]')) {
      rows[row.dataset.peer] = read(row.querySelector('[data-testid="line-quality"]'));
    }
    return {
      card: read(document.querySelector('[data-testid="call-quality"]')),
      cardPeer: document.querySelector('[data-testid="call-peer"]')?.textContent.trim() ?? null,
      rows,
    };
  });
}

/** The row of `user` among `rows` (keyed by the peer as the app shows it). */
function rowOf(rows, user) {
  const keys = Object.keys(rows).filter((k) => k.includes(user));
  assert.equal(keys.length, 1, `one row for ${user} among ${JSON.stringify(Object.keys(rows))}`);
  return rows[keys[0]];
}

/** Polls `agent` until `ok(indicators)` holds; returns them. */
async function waitFor(agent, ok, what, timeout = 30_000) {
  const end = Date.now() + timeout;
  let seen;
  for (;;) {
    seen = await indicators(agent);
    if (ok(seen)) return seen;
    if (Date.now() > end) throw new Error(`${agent.name}: ${what} never came (last ${JSON.stringify(seen)})`);
    await sleep(200);
  }
}

/** The loss figure as the tooltip words it, in percent. */
function tooltipLoss(q) {
  const m = /packet loss (\d+\.\d\d) %/.exec(q.title);
  assert.ok(m, `no loss figure in ${JSON.stringify(q.title)}`);
  return Number(m[1]);
}

/** RTP received and dropped per direction of a relay since `before` (its counts then). */
function drops(relay, before) {
  const now = relay.counts();
  const of = (side) => {
    const rtp = now[side].rtp - before[side].rtp;
    const dropped = now[side].dropped - before[side].dropped;
    return { rtp, dropped, share: rtp ? dropped / rtp : 0 };
  };
  return { a: of('a'), b: of('b') };
}

test('call quality under loss: 30 % of the RTP on the host\'s leg to C turns C poor (row, card, notice once), B stays good, C recovers at 0 %', async (t) => {
  const router = new RelayRouter({ seed: SEED });
  const a = await AgentPage.launch('A', config.wavA, { baseUrl: server.url });
  const b = await AgentPage.launch('B', config.wavB, { baseUrl: server.url });
  const c = await AgentPage.launch('C', config.wavC, { baseUrl: server.url });
  t.after(async () => {
    await Promise.all([a.close(), b.close(), c.close()]);
    await router.close();
  });
  for (const agent of [a, b, c]) await router.attach(agent);
  await a.page.addInitScript(recordNotices);
  const [ua, ub, uc] = [freshUser(), freshUser(), freshUser()];
  await Promise.all([a.signIn(ua), b.signIn(ub), c.signIn(uc)]);

  // A calls C, then brings B in by single-step conference: A hosts, one leg to each.
  await a.dial(uc);
  await c.waitForCallState('Incoming');
  await c.answer();
  await Promise.all([a.waitForCallState('Connected'), c.waitForCallState('Connected')]);
  await a.dialIntoConference(ub);
  await b.waitForCallState('Incoming');
  await b.answer();
  await b.waitForCallState('Connected');

  // Both legs go through their relays (media flows both ways through each, and no candidate
  // reached a page around the SDP), and both are good while nothing is lost.
  const clean = await waitFor(
    a,
    (s) => Object.keys(s.rows).length === 2 && Object.values(s.rows).every((q) => q?.level === 'good'),
    'good on both rows',
  );
  t.diagnostic(`A's rows, no loss: ${JSON.stringify(Object.values(clean.rows).map((q) => q.title))}`);
  const toC = await router.between('A', 'C');
  const toB = await router.between('A', 'B');
  for (const [leg, { relay, sides }] of [['A-C', toC], ['A-B', toB]]) {
    const n = relay.counts();
    t.diagnostic(`${leg} relay so far (side a: ${sides.a}, b: ${sides.b}): ${JSON.stringify(n)}`);
    assert.ok(n.a.rtp > 0 && n.b.rtp > 0, `${leg}: RTP both ways through the relay: ${JSON.stringify(n)}`);
    assert.ok(n.a.dtls > 0 && n.b.dtls > 0, `${leg}: the DTLS handshake went through it too`);
    assert.equal(n.a.dropped + n.b.dropped, 0, `${leg}: nothing dropped yet`);
  }
  for (const agent of [a, b, c]) {
    assert.equal(await agent.page.evaluate(() => window.__e2eTrickled), 0, `${agent.name}: no trickled candidate`);
  }

  // C's leg loses 30 % of its RTP each way.
  const countsBefore = toC.relay.counts();
  toC.relay.setLoss(LOSS);
  const firstPoor = await waitFor(a, (s) => rowOf(s.rows, uc)?.level === 'poor', `C's row poor`);
  t.diagnostic(`A's row for C turned poor: ${rowOf(firstPoor.rows, uc).title}`);

  // Then several readings in a row: C's row poor with the loss in tooltip and accessible
  // text, the card (C's leg, the one A talks on first) the same, B's row good at every poll.
  let last = rowOf(firstPoor.rows, uc);
  let readings = 0;
  let polls = 0;
  while (readings < LOSSY_READINGS) {
    const s = await indicators(a);
    polls++;
    const rowB = rowOf(s.rows, ub);
    assert.equal(rowB?.level, 'good', `B's row while C's leg is lossy: ${JSON.stringify(rowB)}`);
    const rowC = rowOf(s.rows, uc);
    assert.equal(rowC.level, 'poor', `C's row while its leg is lossy: ${JSON.stringify(rowC)}`);
    if (rowC.mos !== last.mos || rowC.loss !== last.loss) {
      readings++;
      last = rowC;
      const shown = tooltipLoss(rowC);
      t.diagnostic(`reading ${readings}: C ${rowC.title}; B ${rowB.title}`);
      // a whole interval of about 100 packets at 30 %: within 3.5 standard deviations
      assert.ok(shown >= 14 && shown <= 46, `C's loss figure ${shown} % for ${LOSS * 100} % dropped`);
      assert.equal(rowC.loss, shown, 'the figure on screen is the one in data-loss');
      assert.equal(rowC.label, rowC.title, 'a screen reader hears the figures');
      assert.match(rowC.text, /^▮▯▯ poor$/);
      assert.ok(rowC.mos < 3.1, `MOS ${rowC.mos} is poor's`);
      assert.ok(s.cardPeer.includes(uc), `the card shows C's leg: ${s.cardPeer}`);
      assert.equal(s.card.level, 'poor');
      assert.equal(s.card.title, rowC.title, 'the card and the row show the same reading');
    }
    await sleep(200);
  }
  // The far end measures its own inbound RTP: C's card turns poor too, B's stays good.
  const cardC = (await waitFor(c, (s) => s.card?.level === 'poor', `C's own card poor`)).card;
  const cardB = (await indicators(b)).card;
  t.diagnostic(`C's card: ${cardC.title}; B's card: ${cardB.title}`);
  assert.equal(cardB.level, 'good');

  const notices = await a.page.evaluate(() => window.__e2eNotices);
  const poorNotices = (user) => notices.filter((n) => / is poor /.test(n) && n.includes(user));
  t.diagnostic(`A's notices: ${JSON.stringify(notices)}`);
  assert.equal(poorNotices(uc).length, 1, 'the poor notice about C came once over the lossy readings');
  assert.match(poorNotices(uc)[0], /^The audio with .* is poor \(estimated MOS \d\.\d\d\)/);
  assert.equal(poorNotices(ub).length, 0, 'no poor notice about B');

  const lossy = drops(toC.relay, countsBefore);
  t.diagnostic(
    `relay A-C while lossy: ${toC.sides.a} -> ${toC.sides.b} ${lossy.a.dropped}/${lossy.a.rtp} RTP dropped, ` +
      `${toC.sides.b} -> ${toC.sides.a} ${lossy.b.dropped}/${lossy.b.rtp} (${polls} polls)`,
  );
  for (const dir of [lossy.a, lossy.b]) {
    assert.ok(Math.abs(dir.share - LOSS) < 0.1, `the relay dropped ${(dir.share * 100).toFixed(1)} % of ${dir.rtp} RTP packets`);
  }

  // Back to no loss: C's row climbs back to good (through fair if a reading straddles the
  // change), B's row never moved, and recovering brings no new notice.
  toC.relay.setLoss(0);
  const levels = [];
  const recovered = await waitFor(
    a,
    (s) => {
      const q = rowOf(s.rows, uc);
      if (levels.at(-1) !== q.level) levels.push(q.level);
      assert.equal(rowOf(s.rows, ub).level, 'good', `B's row while C recovers`);
      return q.level === 'good';
    },
    `C's row good again`,
  );
  t.diagnostic(`C's row on recovery went ${levels.join(' -> ')}: ${rowOf(recovered.rows, uc).title}`);
  assert.equal(recovered.card.level, 'good');
  const after = await a.page.evaluate(() => window.__e2eNotices);
  assert.equal(after.filter((n) => / is poor /.test(n)).length, 1, `no new poor notice: ${JSON.stringify(after)}`);
});
