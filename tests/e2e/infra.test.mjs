// Tests of the test bench itself, independent of the app: the WAV fixtures, the static
// server, Chromium's fake microphone and Kamailio's digest-authenticated registrar over
// WebSocket. When one of these fails, the app's tests cannot be trusted either.
// Run: cargo xtask e2e --grep infra

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  config,
  describeTone,
  goertzelPower,
  launchAgent,
  passwordOf,
  freshUser,
  readWav,
  startStaticServer,
} from './harness.mjs';

/** A throwaway site: a blank page and one file of each type the app ships. */
function tempSite() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-site-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>bench</title><p>bench</p>');
  fs.writeFileSync(path.join(dir, 'app.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  fs.writeFileSync(path.join(dir, 'app.js'), 'export const x = 1;\n');
  fs.writeFileSync(path.join(dir, 'style.css'), 'body{}\n');
  return dir;
}

describe('infra', () => {
  test('infra: goertzel measures a tone and rejects another', () => {
    const sr = 48000;
    const s = new Float32Array(8192).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / sr));
    const p440 = goertzelPower(s, sr, 440);
    const p660 = goertzelPower(s, sr, 660);
    assert.ok(Math.abs(p440 - 0.25) < 0.01, `power at 440 Hz ${p440}`);
    assert.ok(p660 < p440 * 1e-6, `power at 660 Hz ${p660}`);
  });

  test('infra: fixtures are 48 kHz 16-bit mono tones at 440 and 660 Hz', () => {
    for (const [file, f, other] of [
      [config.wavA, 440, 660],
      [config.wavB, 660, 440],
    ]) {
      const w = readWav(file);
      assert.deepEqual([w.format, w.channels, w.sampleRate, w.bitsPerSample], [1, 1, 48000, 16], file);
      assert.ok(w.samples.length >= 48000 * 9, `${file}: ${w.samples.length} samples`);
      const block = w.samples.subarray(1000, 1000 + 8192);
      assert.ok(goertzelPower(block, w.sampleRate, f) > 0.1, `${file} has ${f} Hz`);
      assert.ok(goertzelPower(block, w.sampleRate, other) < 1e-6, `${file} has no ${other} Hz`);
    }
  });

  test('infra: the static server serves files with the right MIME types', async () => {
    const dir = tempSite();
    const server = await startStaticServer(dir, 0);
    try {
      const expect = {
        '/': 'text/html',
        '/app.wasm': 'application/wasm',
        '/app.js': 'text/javascript',
        '/style.css': 'text/css',
        '/some/client/route': 'text/html',
      };
      for (const [p, type] of Object.entries(expect)) {
        const r = await fetch(server.url + p);
        assert.equal(r.status, 200, p);
        assert.ok(r.headers.get('content-type').startsWith(type), `${p}: ${r.headers.get('content-type')}`);
        await r.arrayBuffer();
      }
      assert.equal((await fetch(server.url + '/missing.js')).status, 404);
      const escape = await (await fetch(server.url + '/..%2f..%2f..%2f..%2fetc%2fpasswd')).text();
      assert.ok(!escape.includes('root:'), 'no file outside the root is served');
      const wasm = await (await fetch(server.url + '/app.wasm')).arrayBuffer();
      assert.ok(WebAssembly.validate(wasm), 'served wasm is intact');
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('infra: the static server caches like a deployment and sends the precompressed files', async () => {
    const dir = tempSite();
    const hashed = 'app-0123456789abcdef_bg.wasm';
    fs.copyFileSync(path.join(dir, 'app.wasm'), path.join(dir, hashed));
    fs.writeFileSync(path.join(dir, 'app.js.gz'), gzipSync(fs.readFileSync(path.join(dir, 'app.js'))));
    const server = await startStaticServer(dir, 0);
    try {
      const get = (p, headers = {}) => fetch(server.url + p, { headers });
      // Hashed names never change content: kept a year. The rest is revalidated each time.
      assert.equal((await get(`/${hashed}`)).headers.get('cache-control'), 'public, max-age=31536000, immutable');
      for (const p of ['/', '/app.wasm', '/app.js']) {
        assert.equal((await get(p)).headers.get('cache-control'), 'no-cache', p);
      }
      const first = await get('/app.js');
      const etag = first.headers.get('etag');
      assert.ok(etag, 'an ETag to revalidate with');
      assert.equal((await get('/app.js', { 'If-None-Match': etag })).status, 304);
      assert.equal((await get('/app.js', { 'If-None-Match': '"other"' })).status, 200);
      // The .gz beside app.js goes to a client that takes gzip (fetch decodes it), and the
      // plain file to one that does not.
      const packed = await get('/app.js', { 'Accept-Encoding': 'gzip' });
      assert.equal(packed.headers.get('content-encoding'), 'gzip');
      assert.equal(await packed.text(), 'export const x = 1;\n');
      const plain = await get('/app.js', { 'Accept-Encoding': 'identity' });
      assert.equal(plain.headers.get('content-encoding'), null);
      assert.equal(await plain.text(), 'export const x = 1;\n');
      const css = await get('/style.css', { 'Accept-Encoding': 'gzip' });
      assert.equal(css.headers.get('content-encoding'), null, 'no .gz beside style.css: sent as it is');
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("infra: Chromium's fake microphone plays the agent's WAV", async () => {
    const dir = tempSite();
    const server = await startStaticServer(dir, 0);
    const agent = await launchAgent(config.wavA, { name: 'mic' });
    try {
      await agent.page.goto(server.url);
      const { sampleRate, samples } = await agent.page.evaluate(async () => {
        const stream = await navigator.mediaDevices.getUserMedia({
          audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
        });
        const ctx = new AudioContext({ sampleRate: 48000 });
        await ctx.resume();
        const analyser = new AnalyserNode(ctx, { fftSize: 8192 });
        ctx.createMediaStreamSource(stream).connect(analyser);
        await new Promise((r) => setTimeout(r, 1000));
        const buf = new Float32Array(analyser.fftSize);
        analyser.getFloatTimeDomainData(buf);
        return { sampleRate: ctx.sampleRate, samples: Array.from(buf) };
      });
      const s = Float32Array.from(samples);
      const m = { hear: 440, notHear: 660, powerHear: goertzelPower(s, sampleRate, 440) };
      m.powerNotHear = goertzelPower(s, sampleRate, 660);
      m.ratioDb = 10 * Math.log10(m.powerHear / Math.max(m.powerNotHear, 1e-20));
      m.rms = Math.sqrt(s.reduce((a, x) => a + x * x, 0) / s.length);
      m.n = s.length;
      m.sampleRate = sampleRate;
      assert.ok(m.powerHear > 1e-3 && m.ratioDb > 30, describeTone(m));
    } finally {
      await agent.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('infra: Kamailio registers demo and test users over WebSocket with digest auth', async () => {
    const health = await fetch(config.wsUrl.replace(/^ws/, 'http') + '/health').catch(() => null);
    assert.ok(health?.ok, `Kamailio is not up at ${config.wsUrl} (cargo xtask kamailio)`);

    const dir = tempSite();
    const server = await startStaticServer(dir, 0);
    const agent = await launchAgent(config.wavA, { name: 'sip' });
    try {
      await agent.page.exposeFunction('md5hex', (s) => createHash('md5').update(s).digest('hex'));
      await agent.page.goto(server.url);
      const register = (user, password) =>
        agent.page.evaluate(sipRegister, { wsUrl: config.wsUrl, domain: config.sipDomain, user, password });

      const testUser = freshUser();
      assert.deepEqual(await register('1001', passwordOf('1001')), [401, 200], 'demo user 1001');
      assert.deepEqual(await register(testUser, passwordOf(testUser)), [401, 200], `test user ${testUser}`);
      assert.deepEqual(await register('1002', 'wrong'), [401, 401], 'wrong password');
      assert.deepEqual(await register('3001', 'pw3001'), [401, 403], 'unknown user');
    } finally {
      await agent.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Runs in the page: REGISTER over a 'sip' WebSocket, answer the challenge with `md5hex`
 * (exposed from node), unregister if it worked. Resolves to the two final status codes.
 */
async function sipRegister({ wsUrl, domain, user, password }) {
  const ws = new WebSocket(wsUrl, 'sip');
  const inbox = [];
  let wake = () => {};
  ws.onmessage = (e) => {
    inbox.push(String(e.data));
    wake();
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`WebSocket to ${wsUrl} failed`));
  });
  const next = async () => {
    const end = Date.now() + 5000;
    for (;;) {
      const msg = inbox.shift();
      if (msg !== undefined) {
        const code = Number(msg.split(' ')[1]);
        if (code >= 200) return { code, msg };
        continue;
      }
      if (Date.now() > end) throw new Error('no final SIP response within 5 s');
      await new Promise((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
  };
  const rnd = () => Math.random().toString(36).slice(2, 10);
  const callId = rnd() + rnd();
  const fromTag = rnd();
  const host = `${rnd()}.invalid`;
  const request = (cseq, expires, auth) =>
    [
      `REGISTER sip:${domain} SIP/2.0`,
      `Via: SIP/2.0/WS ${host};branch=z9hG4bK${rnd()}${rnd()}`,
      'Max-Forwards: 70',
      `From: <sip:${user}@${domain}>;tag=${fromTag}`,
      `To: <sip:${user}@${domain}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${user}@${host};transport=ws>;expires=${expires}`,
      ...(auth ? [`Authorization: ${auth}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');

  ws.send(request(1, 60));
  const first = await next();
  const codes = [first.code];
  if (first.code === 401) {
    const header = first.msg.split('\r\n').find((l) => /^WWW-Authenticate:/i.test(l)) ?? '';
    const param = (k) => (header.match(new RegExp(`${k}="([^"]*)"`)) ?? [])[1];
    const realm = param('realm');
    const nonce = param('nonce');
    const uri = `sip:${domain}`;
    const ha1 = await window.md5hex(`${user}:${realm}:${password}`);
    const ha2 = await window.md5hex(`REGISTER:${uri}`);
    const response = await window.md5hex(`${ha1}:${nonce}:${ha2}`);
    const auth = `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5`;
    ws.send(request(2, 60, auth));
    const second = await next();
    codes.push(second.code);
    if (second.code === 200) {
      ws.send(request(3, 0, auth));
      await next().catch(() => {});
    }
  }
  ws.close();
  return codes;
}
