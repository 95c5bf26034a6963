// A loopback UDP relay of the test's own, put into a leg's media path so the test can lose a
// stated share of that leg's RTP packets: the browsers' own "fake network" field trial did
// nothing in Chromium 156 (tests/e2e/quality.test.mjs), and a relay keeps the loss outside the
// app, where a real network would put it.
//
// How a leg comes to pass through it: each page's RTCPeerConnection.setRemoteDescription is
// wrapped (an init script, test-only) so that the far end's candidates are replaced by one
// host candidate on the relay, a socket per side. Neither browser then knows the other's
// address, so every packet of the leg (ICE checks, DTLS, SRTP, SRTCP) goes through the relay.
// Which leg a description belongs to is told by the SDP's o= session id, which a
// RTCPeerConnection keeps through every renegotiation (RFC 8829 sections 5.2.2 and 5.3.2).

import dgram from 'node:dgram';

/**
 * What a datagram is, by its first byte (RFC 7983 section 7) and, for RTP and RTCP, the
 * second (RFC 5761 section 4: RTCP packet types 192-223 where RTP would carry its payload type).
 */
export function classify(msg) {
  const b = msg[0];
  if (b <= 3) return 'stun';
  if (b >= 16 && b <= 19) return 'zrtp';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 64 && b <= 79) return 'turn';
  if (b >= 128 && b <= 191) return msg.length > 1 && msg[1] >= 192 && msg[1] <= 223 ? 'rtcp' : 'rtp';
  return 'other';
}

/**
 * A seeded generator of numbers in [0, 1) (Marsaglia's xorshift32), so a run drops the same
 * packets of each direction's RTP sequence every time.
 */
export function seeded(seed) {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

const other = { a: 'b', b: 'a' };

/**
 * Two UDP sockets on 127.0.0.1: what arrives at side `a` leaves from side `b` to the address
 * that first sent to `b`, and back. Each side latches on its first sender (as rtpengine does)
 * and ignores anyone else, so a browser's other local candidates cannot open a second path.
 * RTP is dropped at the share set by `setLoss`; STUN, DTLS and RTCP always pass.
 */
export class LossyRelay {
  static async open(seed) {
    const bind = () =>
      new Promise((resolve, reject) => {
        const s = dgram.createSocket('udp4');
        s.once('error', reject);
        s.bind(0, '127.0.0.1', () => resolve(s));
      });
    return new LossyRelay({ a: await bind(), b: await bind() }, seed);
  }

  constructor(sockets, seed) {
    this.loss = 0;
    this.sides = {};
    for (const [name, i] of [['a', 0], ['b', 1]]) {
      const side = {
        socket: sockets[name],
        port: sockets[name].address().port,
        peer: null,
        // seeded per direction: one side's traffic does not shift the other's drops
        random: seeded(seed * 2 + i),
        counts: { rtp: 0, dropped: 0, rtcp: 0, stun: 0, dtls: 0, other: 0, stray: 0, unpaired: 0 },
      };
      side.socket.on('message', (msg, from) => this.#arrive(name, msg, from));
      this.sides[name] = side;
    }
  }

  /** The port a page on side `name` must send to. */
  port(name) {
    return this.sides[name].port;
  }

  /** Drops `share` (0..1) of the RTP packets in both directions from now on. */
  setLoss(share) {
    if (!(share >= 0 && share <= 1)) throw new Error(`loss share ${share} is not within 0..1`);
    this.loss = share;
  }

  /** What each side has received so far, per kind, and what was dropped or ignored. */
  counts() {
    return { a: { ...this.sides.a.counts }, b: { ...this.sides.b.counts } };
  }

  #arrive(name, msg, from) {
    const side = this.sides[name];
    const c = side.counts;
    if (!side.peer) side.peer = { address: from.address, port: from.port };
    else if (side.peer.address !== from.address || side.peer.port !== from.port) {
      c.stray++;
      return;
    }
    const kind = classify(msg);
    c[kind in c ? kind : 'other']++;
    if (kind === 'rtp' && this.loss > 0 && side.random() < this.loss) {
      c.dropped++;
      return;
    }
    const to = this.sides[other[name]];
    if (!to.peer) {
      // the far browser has not sent its first check yet; ICE retransmits
      c.unpaired++;
      return;
    }
    to.socket.send(msg, to.peer.port, to.peer.address);
  }

  close() {
    for (const side of Object.values(this.sides)) side.socket.close();
  }
}

/**
 * Runs in each page before the app (Playwright's addInitScript): the far end's candidates in
 * every remote description are replaced by the one the test's `__e2eRelayPort` binding names.
 * The app sends no trickle candidates (crates/web/src/peer.rs), so the SDP is the only place
 * they come from; a call of addIceCandidate is counted so the test can prove that.
 */
function throughRelay() {
  const proto = RTCPeerConnection.prototype;
  const setRemote = proto.setRemoteDescription;
  const addCandidate = proto.addIceCandidate;
  const session = (sdp) => /^o=\S+ (\d+) /m.exec(sdp ?? '')?.[1] ?? null;
  const rewrite = (sdp, port) => {
    const out = [];
    for (const line of sdp.split(/\r\n/)) {
      if (line.startsWith('a=candidate:') || line === 'a=end-of-candidates') continue;
      // each media section gets the relay as its only candidate, right after its m= line
      out.push(line);
      if (line.startsWith('m=')) out.push(`a=candidate:1 1 udp 2130706431 127.0.0.1 ${port} typ host`);
    }
    return out.join('\r\n');
  };
  window.__e2eTrickled = 0;
  proto.setRemoteDescription = async function (desc) {
    if (desc?.sdp) {
      const port = await window.__e2eRelayPort({ remote: session(desc.sdp), local: session(this.localDescription?.sdp) });
      if (port) desc = { type: desc.type, sdp: rewrite(desc.sdp, port) };
    }
    return setRemote.call(this, desc);
  };
  proto.addIceCandidate = function (...args) {
    window.__e2eTrickled++;
    return addCandidate.apply(this, args);
  };
}

/**
 * Puts every leg between the pages it is attached to through a relay of its own (all at no
 * loss until the test says otherwise), so a lossy leg and a clean one differ in nothing but
 * the loss.
 */
export class RelayRouter {
  constructor({ seed }) {
    this.seed = seed;
    this.legs = [];
    this.bySession = new Map();
  }

  /** Wraps `agent`'s page (before it opens the app) so its legs go through relays. */
  async attach(agent) {
    await agent.page.exposeBinding('__e2eRelayPort', (_source, sessions) => this.#route(agent.name, sessions));
    await agent.page.addInitScript(throughRelay);
  }

  /**
   * The relay port that `agent`'s remote description of session `remote` must point at. A
   * leg is first met by the answerer (its remote is the offerer's session, its own local not
   * set yet); that page faces side b, the other side a.
   */
  async #route(agent, { remote, local }) {
    if (!remote) return null;
    let leg = this.bySession.get(remote) ?? (local ? this.bySession.get(local) : undefined);
    if (!leg) {
      leg = { first: remote, agents: {}, relay: LossyRelay.open(this.seed + this.legs.length) };
      this.legs.push(leg);
    }
    this.bySession.set(remote, leg);
    if (local) this.bySession.set(local, leg);
    const side = remote === leg.first ? 'b' : 'a';
    leg.agents[side] = agent;
    return (await leg.relay).port(side);
  }

  /** The relay of the newest leg between the agents named `x` and `y`. */
  async between(x, y) {
    const leg = this.legs.findLast((l) => [l.agents.a, l.agents.b].sort().join() === [x, y].sort().join());
    if (!leg) throw new Error(`no leg between ${x} and ${y} went through a relay (legs: ${JSON.stringify(this.legs.map((l) => l.agents))})`);
    const relay = await leg.relay;
    return { relay, sides: leg.agents };
  }

  async close() {
    for (const leg of this.legs) (await leg.relay).close();
  }
}
