// A JsSIP user agent in node, for the interop tests (crates/interop): signalling only.
//
//   node jssip-peer.mjs --ws ws://127.0.0.1:8088 --user 2950 --password pw2950 [--no-answer]
//
// Prints one JSON object per line on stdout ({"ev": "registered"}, {"ev": "incoming", ...},
// {"ev": "confirmed"}, {"ev": "ended", ...}, {"ev": "hold", "originator": ...},
// {"ev": "dtmf", "tone": "5", ...} (received; "dtmf-sent" for its own), {"ev": "refer", "target": ...}, ...) and reads commands
// on stdin, one per line: call <uri> | answer | hangup | hold | unhold | dtmf <digit> |
// refer <uri> | quit.
//
// JsSIP is a browser library: node's `ws` stands in for the browser WebSocket, and a minimal
// fake RTCPeerConnection (static SDP, ICE gathering already complete) for WebRTC, the usual
// trick for signalling-only JsSIP tests. No media flows.

import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const wsUrl = opt('ws', 'ws://127.0.0.1:8088');
const user = opt('user');
const password = opt('password', `pw${user}`);
const domain = opt('domain', '127.0.0.1');
const autoAnswer = !args.includes('--no-answer');

const emit = (ev, fields = {}) => process.stdout.write(`${JSON.stringify({ ev, ...fields })}\n`);

// ---- browser shims -------------------------------------------------------------------------

let sdpVersion = 1;
const fakeSdp = (dir) =>
  [
    'v=0',
    `o=- 1717 ${sdpVersion++} IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=audio 41000 RTP/AVP 0 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    `a=${dir}`,
    '',
  ].join('\r\n');

const directionOf = (sdp) => {
  const m = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(sdp || '');
  return m ? m[1] : 'sendrecv';
};
const answerDirection = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };

class FakeRTCSessionDescription {
  constructor({ type, sdp }) {
    this.type = type;
    this.sdp = sdp;
  }
}

class FakeRTCPeerConnection extends EventTarget {
  constructor() {
    super();
    this.iceGatheringState = 'complete';
    this.iceConnectionState = 'connected';
    this.connectionState = 'connected';
    this.signalingState = 'stable';
    this.localDescription = null;
    this.remoteDescription = null;
  }
  async createOffer() {
    return new FakeRTCSessionDescription({ type: 'offer', sdp: fakeSdp('sendrecv') });
  }
  async createAnswer() {
    const dir = answerDirection[directionOf(this.remoteDescription?.sdp)];
    return new FakeRTCSessionDescription({ type: 'answer', sdp: fakeSdp(dir) });
  }
  async setLocalDescription(desc) {
    this.localDescription = desc;
    this.signalingState = desc.type === 'offer' ? 'have-local-offer' : 'stable';
  }
  async setRemoteDescription(desc) {
    this.remoteDescription = desc;
    this.signalingState = desc.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  getSenders() { return []; }
  getReceivers() { return []; }
  getTransceivers() { return []; }
  getLocalStreams() { return []; }
  getRemoteStreams() { return []; }
  addTrack() {}
  removeTrack() {}
  close() { this.signalingState = 'closed'; }
}

globalThis.window = globalThis;
globalThis.WebSocket = WebSocket;
globalThis.RTCPeerConnection = FakeRTCPeerConnection;
globalThis.RTCSessionDescription = FakeRTCSessionDescription;

// JsSIP reads the globals when it is loaded: import it only now.
const { default: JsSIP } = await import('jssip');
if (process.env.JSSIP_DEBUG) JsSIP.debug.enable('JsSIP:*');

// ---- the user agent ------------------------------------------------------------------------

const socket = new JsSIP.WebSocketInterface(wsUrl);
const ua = new JsSIP.UA({
  sockets: [socket],
  uri: `sip:${user}@${domain}`,
  password,
  display_name: `JsSIP ${user}`,
  register: true,
  session_timers: false,
  user_agent: 'JsSIP-interop',
});

const media = { mediaConstraints: { audio: false, video: false }, pcConfig: { iceServers: [] } };
let session = null;

function track(s) {
  session = s;
  s.on('progress', (e) => emit('progress', { status: e.response?.status_code ?? null }));
  s.on('accepted', () => emit('accepted'));
  s.on('confirmed', () => emit('confirmed'));
  s.on('ended', (e) => emit('ended', { originator: e.originator, cause: e.cause }));
  s.on('failed', (e) => emit('failed', { originator: e.originator, cause: e.cause, status: e.message?.status_code ?? null }));
  s.on('hold', (e) => emit('hold', { originator: e.originator }));
  s.on('unhold', (e) => emit('unhold', { originator: e.originator }));
  s.on('reinvite', (e) => emit('reinvite', { direction: directionOf(e.request?.body) }));
  s.on('sdp', (e) => {
    if (e.originator === 'remote') emit('remote-sdp', { type: e.type, direction: directionOf(e.sdp) });
  });
  s.on('newDTMF', (e) =>
    emit(e.originator === 'remote' ? 'dtmf' : 'dtmf-sent', { originator: e.originator, tone: e.dtmf.tone, duration: e.dtmf.duration }),
  );
  s.on('refer', (e) => {
    emit('refer', { target: e.request.refer_to.uri.toString(), referredBy: e.request.getHeader('Referred-By') });
    e.accept((newSession) => emit('refer-call', { target: newSession.remote_identity?.uri?.toString() }), media);
  });
}

ua.on('registered', () => emit('registered'));
ua.on('registrationFailed', (e) => emit('registration-failed', { cause: e.cause }));
ua.on('disconnected', () => emit('disconnected'));
ua.on('newRTCSession', (e) => {
  const s = e.session;
  if (e.originator === 'remote') {
    track(s);
    emit('incoming', { from: s.remote_identity.uri.toString(), direction: directionOf(e.request.body) });
    if (autoAnswer) s.answer(media);
  } else if (session === null || session.isEnded() || s !== session) {
    // outgoing: calls from `call`, and the one a REFER makes
    track(s);
  }
});

ua.start();

// ---- commands ------------------------------------------------------------------------------

function needSession(cmd) {
  if (!session || session.isEnded()) {
    emit('error', { cmd, message: 'no call' });
    return false;
  }
  return true;
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/, 2);
  try {
    switch (cmd) {
      case 'call':
        ua.call(arg, media);
        break;
      case 'answer':
        if (needSession(cmd)) session.answer(media);
        break;
      case 'hangup':
        if (needSession(cmd)) session.terminate();
        break;
      case 'hold':
        if (needSession(cmd)) emit('hold-sent', { ok: session.hold() });
        break;
      case 'unhold':
        if (needSession(cmd)) emit('unhold-sent', { ok: session.unhold() });
        break;
      case 'dtmf':
        if (needSession(cmd)) session.sendDTMF(arg, { transportType: 'INFO', duration: 160 });
        break;
      case 'refer':
        if (needSession(cmd)) {
          const sub = session.refer(arg);
          sub.on('accepted', () => emit('refer-accepted'));
          sub.on('requestFailed', (e) => emit('refer-failed', { status: e.response?.status_code ?? null }));
          sub.on('trying', (e) => emit('refer-notify', { status: e.status_line?.status_code ?? null }));
          sub.on('failed', (e) => emit('refer-notify', { status: e.status_line?.status_code ?? null, failed: true }));
        }
        break;
      case 'quit':
        ua.stop();
        setTimeout(() => process.exit(0), 200);
        break;
      case '':
        break;
      default:
        emit('error', { cmd, message: 'unknown command' });
    }
  } catch (err) {
    emit('error', { cmd, message: String(err) });
  }
});
rl.on('close', () => {
  ua.stop();
  setTimeout(() => process.exit(0), 200);
});
