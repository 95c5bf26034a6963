// The bench's JsSIP phone: what a newcomer writes from JsSIP's documentation, nothing tuned.
'use strict';

(() => {
  const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
  let ua = null;
  let session = null;

  const iceServers = () =>
    $('ice-servers').value.split(/[\s,]+/).filter(Boolean).map((urls) => ({ urls }));
  const options = () => ({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: iceServers() } });

  function adopt(s) {
    session = s;
    const state = (text) => { $('call-state').textContent = text; };
    s.on('peerconnection', ({ peerconnection }) => {
      peerconnection.addEventListener('track', (e) => { document.getElementById('remote').srcObject = e.streams[0]; });
    });
    s.on('progress', () => state(s.direction === 'incoming' ? 'Incoming' : 'Ringing'));
    s.on('confirmed', () => state('Connected'));
    s.on('ended', () => state('Ended'));
    s.on('failed', ({ cause }) => state(`Failed: ${cause}`));
    if (s.direction === 'incoming') state('Incoming');
  }

  $('sign-in').closest('form').addEventListener('submit', (e) => {
    e.preventDefault();
    ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface($('ws-url').value)],
      uri: $('sip-uri').value,
      password: $('password').value,
    });
    ua.on('registered', () => { $('reg-status').textContent = 'Registered'; });
    ua.on('registrationFailed', ({ cause }) => { $('reg-status').textContent = `Not registered: ${cause}`; });
    ua.on('newRTCSession', ({ session: s }) => adopt(s));
    ua.start();
  });
  $('start-call').addEventListener('click', () => ua.call($('number').value, options()));
  $('answer').addEventListener('click', () => session?.answer(options()));
  $('hang-up').addEventListener('click', () => session?.terminate());
})();
