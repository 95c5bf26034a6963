// The JsSIP peer page's driver: one JsSIP user agent with at most one call, as plain methods
// on window.jssipPhone for Playwright (tests/e2e/jssip-page.mjs is its page object).
//
// What the tests read back:
//   events  what JsSIP reported ({ ev: 'incoming' | 'confirmed' | 'hold' | 'unhold' | 'ended'
//           | 'failed' | ..., originator, cause }), in order
//   sip     every SIP message on the WebSocket ({ dir: 'in' | 'out', method, status, cseq }),
//           so a test can count session refreshes JsSIP does not report as events
//   samples the far end's audio as heard here (an AnalyserNode on the remote track)
//
// A REFER from the far end: JsSIP itself answers 202 and sends NOTIFY 100 Trying; this page
// reports it ('refer') and never accepts it, so the new call is never placed: the far end
// that accepts a transfer and never completes it (C17's fallback). `refer(target)` is the
// other way round: this page transfers its call (blind, RFC 5589 §6) and hangs up once the
// transferee's NOTIFY says the new call was answered.
'use strict';

(() => {
  const events = [];
  const sip = [];
  const emit = (ev, fields = {}) => events.push({ ev, at: Date.now(), ...fields });

  // JsSIP opens `new WebSocket(url, 'sip')` when the UA starts: log both directions there.
  const summary = (dir, text) => {
    if (typeof text !== 'string') return;
    const first = text.slice(0, text.indexOf('\r\n'));
    const status = /^SIP\/2\.0 (\d{3})/.exec(first);
    const cseq = /^CSeq:\s*(\d+)\s+([A-Z]+)/im.exec(text);
    sip.push({
      dir,
      at: Date.now(),
      method: cseq ? cseq[2] : null,
      status: status ? Number(status[1]) : null,
      cseq: cseq ? Number(cseq[1]) : null,
      sdp: /\r\n\r\nv=0/.test(text),
    });
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (e) => summary('in', e.data));
    }
    send(data) {
      summary('out', data);
      super.send(data);
    }
  };

  let ua = null;
  let session = null;
  let microphone = null;
  let options = {};
  const audio = { ctx: null, analyser: null, element: null };

  // The far end's track: a muted <audio> element keeps Chromium delivering it to Web Audio.
  function listen(pc) {
    pc.addEventListener('track', (e) => {
      const stream = e.streams[0] ?? new MediaStream([e.track]);
      audio.ctx ??= new AudioContext();
      audio.element ??= Object.assign(document.body.appendChild(document.createElement('audio')), { muted: true });
      audio.element.srcObject = stream;
      audio.element.play().catch(() => {});
      audio.analyser = audio.ctx.createAnalyser();
      audio.analyser.fftSize = 32768;
      audio.ctx.createMediaStreamSource(stream).connect(audio.analyser);
      emit('track');
    });
  }

  function adopt(s, originator) {
    session = s;
    s.on('peerconnection', ({ peerconnection }) => listen(peerconnection));
    if (s.connection) listen(s.connection);
    for (const ev of ['progress', 'accepted', 'confirmed']) s.on(ev, () => emit(ev));
    s.on('hold', ({ originator: by }) => emit('hold', { originator: by }));
    s.on('unhold', ({ originator: by }) => emit('unhold', { originator: by }));
    s.on('ended', ({ originator: by, cause }) => emit('ended', { originator: by, cause }));
    s.on('failed', ({ originator: by, cause }) => emit('failed', { originator: by, cause }));
    s.on('refer', ({ request }) => emit('refer', { target: String(request.refer_to?.uri ?? '') }));
    if (originator === 'remote') emit('incoming', { from: s.remote_identity.uri.user });
  }

  const callOptions = () => ({
    mediaStream: microphone,
    pcConfig: { iceServers: [] },
    sessionTimersExpires: options.sessionTimersExpires,
  });

  window.jssipPhone = {
    events,
    sip,

    /** Registers `sip:user@domain`; resolves when registered. */
    async start({ ws, user, password, domain, sessionTimersExpires = 90, uasSessionExpires = null }) {
      options = { sessionTimersExpires, uasSessionExpires };
      // The tones must arrive unprocessed, as at the app's agents.
      microphone = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
      ua = new JsSIP.UA({
        sockets: [new JsSIP.WebSocketInterface(ws)],
        uri: `sip:${user}@${domain}`,
        password,
        register: true,
        session_timers: true,
      });
      ua.on('newRTCSession', ({ session: s, originator, request }) => {
        if (originator === 'remote' && options.uasSessionExpires) {
          // RFC 4028 §9 lets a UAS lower the interval the INVITE asked for (not below its
          // Min-SE) and name the refresher; JsSIP has no option for it, so the test sets what
          // its parser read before answer() builds the 200.
          request.session_expires = options.uasSessionExpires;
          request.session_expires_refresher = 'uac';
        }
        adopt(s, originator);
      });
      const registered = new Promise((resolve, reject) => {
        ua.once('registered', resolve);
        ua.once('registrationFailed', ({ cause }) => reject(new Error(`JsSIP registration failed: ${cause}`)));
      });
      ua.start();
      await registered;
      document.getElementById('status').textContent = 'registered';
    },

    call(target) {
      ua.call(target, callOptions());
    },
    answer() {
      session.answer(callOptions());
    },
    hold() {
      return session.hold();
    },
    unhold() {
      return session.unhold();
    },
    hangUp() {
      session.terminate();
    },
    refer(target) {
      session.refer(target, {
        eventHandlers: {
          requestSucceeded: () => emit('refer-202'),
          requestFailed: ({ cause }) => emit('refer-failed', { cause }),
          trying: () => emit('refer-trying'),
          progress: () => emit('refer-progress'),
          failed: ({ cause }) => emit('refer-failed', { cause }),
          accepted: () => {
            emit('refer-accepted');
            // RFC 5589 §6.1: the transferor ends its dialog with the transferee.
            if (!session.isEnded()) session.terminate();
          },
        },
      });
    },
    /** Whether JsSIP's session is up and not ended. */
    established() {
      return !!session?.isEstablished();
    },

    /** The far end's audio of the last 32768 samples, as the app's probe gives it. */
    samples() {
      if (!audio.analyser) return { sampleRate: 48000, samples: [] };
      const buf = new Float32Array(audio.analyser.fftSize);
      audio.analyser.getFloatTimeDomainData(buf);
      return { sampleRate: audio.ctx.sampleRate, samples: Array.from(buf) };
    },

    stop() {
      ua?.stop();
    },
  };
})();
