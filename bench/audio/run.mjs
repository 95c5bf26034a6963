// `cargo xtask bench audio`: the browser benchmark of issue 5. Headless Chromium renders
// 60 s of 48 kHz audio in an OfflineAudioContext for each variant (s, f, a, b, c, d; see bench.js) at
// N = 2, 4, 8, 16 legs, after checking that each variant's outputs hold exactly the inputs
// they should. Each round runs every row, in an order that alternates from round to round;
// the page is reloaded before every render (Chromium keeps finished offline contexts alive while
// a page lives). Prints the median of the rounds, and the ratios as the median of the per-round
// ratios: a round runs every variant of a row back to back, so the machine's load at the time
// cancels out of its ratios (more robust than a ratio of medians on a shared machine).
// With (d), the rows with the microphone's noise suppressor on follow: the whole worklet DSP's
// share of real time ((d) - (f)), and the suppressor alone per 10 ms frame ((d) - (a), divided
// by the frames rendered), each the median of the per-round figures.
//
//   node bench/audio/run.mjs --dsp <dsp.wasm> [--seconds 60] [--rounds 5] [--legs 2,4,8,16]
//                            [--variants s,f,a,b,c,d] [--json out.json]
//
// Reuses the e2e harness (tests/e2e) for its MIME table and its Playwright install.

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mimeType, config } from '../../tests/e2e/harness.mjs';
import { chromium } from '../../tests/e2e/node_modules/playwright-core/index.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

function options(argv) {
  const o = { seconds: 60, rounds: 5, legs: [2, 4, 8, 16], variants: ['s', 'f', 'a', 'b', 'c', 'd'], dsp: null, json: null };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--dsp': o.dsp = value; i++; break;
      case '--seconds': o.seconds = Number(value); i++; break;
      case '--rounds': o.rounds = Number(value); i++; break;
      case '--legs': o.legs = value.split(',').map(Number); i++; break;
      case '--variants': o.variants = value.split(','); i++; break;
      case '--json': o.json = value; i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!o.dsp || !fs.existsSync(o.dsp)) throw new Error(`--dsp must name the built dsp.wasm (got ${o.dsp})`);
  return o;
}

function serve(files) {
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.replace(/^\//, '') || 'index.html';
    const file = files[name];
    if (name === 'favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': mimeType(file), 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, server }));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// The median of the per-round ratios that were measured (NaN where a variant was not run).
const ratioMedian = (xs) => {
  const measured = xs.filter((x) => !Number.isNaN(x));
  return measured.length ? median(measured) : NaN;
};

async function main() {
  const o = options(process.argv.slice(2));
  const files = { 'dsp.wasm': path.resolve(o.dsp), 'mixer-worklet.js': path.join(repo, 'www', 'mixer-worklet.js') };
  for (const f of ['index.html', 'bench.js', 'copy-worklet.js', 'js-mixer-worklet.js']) files[f] = path.join(here, f);
  const { url, server } = await serve(files);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: config.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') console.log(`page: ${m.text()}`); });
  page.on('pageerror', (e) => console.log(`page error: ${e.stack ?? e}`));
  const run = async (args) => {
    await page.goto(url);
    await page.waitForFunction(() => window.benchReady === true);
    return page.evaluate((a) => window.bench(a), args);
  };
  try {
    const version = context.browser()?.version() ?? 'chromium';
    console.log(`bench audio: ${version}, ${o.seconds} s at 48 kHz, median of ${o.rounds}, legs ${o.legs.join(',')}, variants ${o.variants.join(',')}`);
    // Verify every row before timing anything.
    let failed = false;
    for (const legs of o.legs) {
      for (const variant of o.variants) {
        const v = await run({ variant, legs, verify: true });
        console.log(`verify ${variant} N=${legs}: ${v.ok ? 'ok' : 'FAILED ' + v.problems.join('; ')}`);
        failed ||= !v.ok;
      }
    }
    if (failed) throw new Error('verification failed: no timing');
    const times = {};
    for (let round = 0; round < o.rounds; round++) {
      const rows = [];
      for (const legs of o.legs) for (const variant of o.variants) rows.push({ legs, variant });
      if (round % 2 === 1) rows.reverse();
      for (const { legs, variant } of rows) {
        const { ms } = await run({ variant, legs, seconds: o.seconds });
        (times[`${variant}${legs}`] ??= []).push(ms);
      }
      console.log(`round ${round + 1}/${o.rounds} done`);
    }
    const budget = o.seconds * 1000;
    const m = (variant, legs) => (times[`${variant}${legs}`] ? median(times[`${variant}${legs}`]) : NaN);
    // Round r of every variant of a row ran back to back: ratios are taken within a round.
    const roundTime = (variant, legs, round) => times[`${variant}${legs}`]?.[round] ?? NaN;
    // One figure per round from every variant's time in that round, as `{ s, f, a, b, c, d }`.
    const perRoundOf = (legs, figure) =>
      Array.from({ length: o.rounds }, (_, r) =>
        figure(Object.fromEntries(['s', 'f', 'a', 'b', 'c', 'd'].map((v) => [v, roundTime(v, legs, r)]))),
      );
    const perRound = (legs, ratio) =>
      Array.from({ length: o.rounds }, (_, r) => ratio(...['s', 'f', 'a', 'b', 'c'].map((v) => roundTime(v, legs, r))));
    console.log(`\nrender time of ${o.seconds} s of audio, ms (median of ${o.rounds}; % of real time)`);
    console.log(`(b-f)/(a-f) and a/c: median of the ${o.rounds} per-round ratios (each round runs every variant back to back)`);
    console.log(['N', ...o.variants.map((v) => `(${v})`), '(b-f)/(a-f)', 'a/c', '(a-f)/budget'].map((s) => s.padStart(16)).join(''));
    const summary = [];
    for (const legs of o.legs) {
      const [s, f, a, b, c] = ['s', 'f', 'a', 'b', 'c'].map((v) => m(v, legs));
      const cells = o.variants.map((v) => `${m(v, legs).toFixed(1)} (${((100 * m(v, legs)) / budget).toFixed(2)}%)`);
      const dspRatios = perRound(legs, (_s, f, a, b) => (b - f) / (a - f));
      const nativeRatios = perRound(legs, (_s, _f, a, _b, c) => a / c);
      const dspRatio = ratioMedian(dspRatios);
      const nativeRatio = ratioMedian(nativeRatios);
      const dspShare = `${((100 * (a - f)) / budget).toFixed(2)}%`;
      console.log([String(legs), ...cells, dspRatio.toFixed(2), nativeRatio.toFixed(2), dspShare].map((s) => s.padStart(16)).join(''));
      summary.push({
        legs, s, f, a, b, c, dspShareOfBudget: (a - f) / budget, dspRatio, nativeRatio,
        dspRatioOfMedians: (b - f) / (a - f), nativeRatioOfMedians: a / c,
        rounds: { dspRatio: dspRatios, nativeRatio: nativeRatios },
        runs: Object.fromEntries(o.variants.map((v) => [v, times[`${v}${legs}`]])),
      });
    }
    const suppressor = [];
    if (o.variants.includes('d')) {
      const frames = o.seconds * 100;
      console.log(`\nwith the microphone's noise suppressor on (d): the worklet DSP's share of real time, and the suppressor alone`);
      console.log(['N', '(d)', '(d-f)/budget', '(d-a) per 10 ms frame'].map((s) => s.padStart(24)).join(''));
      for (const legs of o.legs) {
        const share = ratioMedian(perRoundOf(legs, (v) => v.d - v.f).map((x) => x / budget));
        const perFrameUs = ratioMedian(perRoundOf(legs, (v) => v.d - v.a).map((x) => (1000 * x) / frames));
        const d = m('d', legs);
        console.log([String(legs), `${d.toFixed(1)} ms`, `${(100 * share).toFixed(2)}%`, `${perFrameUs.toFixed(1)} µs (${(perFrameUs / 100).toFixed(2)}%)`].map((s) => s.padStart(24)).join(''));
        suppressor.push({ legs, d, dspShareOfBudget: share, suppressorPerFrameUs: perFrameUs });
      }
    }
    if (o.json) {
      const ratios = 'dspRatio and nativeRatio are medians of the per-round ratios in rounds; the *OfMedians are ratios of the median times';
      fs.writeFileSync(o.json, JSON.stringify({ seconds: o.seconds, rounds: o.rounds, ratios, summary, suppressor }, null, 2));
    }
  } finally {
    await context.close().catch(() => {});
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench audio: ${e.message ?? e}`);
  process.exit(1);
});
