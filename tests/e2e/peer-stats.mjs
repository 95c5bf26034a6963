// What a page's WebRTC connections carry, from the browser's own statistics: the page keeps
// every RTCPeerConnection it makes (`keepPeers`, an init script), and `rtpStats` reads the
// call's one. For the interop tests, where the far end is not a browser we can ask.

/** Keeps every RTCPeerConnection the page makes in `window.__e2ePeers`, to read its stats. */
export function keepPeers() {
  const Native = window.RTCPeerConnection;
  window.__e2ePeers = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      window.__e2ePeers.push(this);
    }
  };
}

/** The audio the browser sends and receives on its open connection: codec and packets. */
export function rtpStats(page) {
  return page.evaluate(async () => {
    // The call's connection, not the warm spare the phone keeps for the next call (that one
    // has no remote description).
    const pc = window.__e2ePeers.filter((p) => p.connectionState !== 'closed' && p.remoteDescription).at(-1);
    if (!pc) return null;
    const stats = [...(await pc.getStats()).values()];
    const codec = (id) => stats.find((s) => s.id === id)?.mimeType ?? null;
    const inbound = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
    const outbound = stats.find((s) => s.type === 'outbound-rtp' && s.kind === 'audio');
    const media = (d) => (d?.sdp ?? '').split('\r\n').filter((l) => /^(m=|a=rtpmap|a=fmtp|a=ptime|a=(send|recv|inactive))/.test(l)).join(' | ');
    return {
      inCodec: inbound ? codec(inbound.codecId) : null,
      packetsReceived: inbound?.packetsReceived ?? 0,
      outCodec: outbound ? codec(outbound.codecId) : null,
      packetsSent: outbound?.packetsSent ?? 0,
      // what the decoder made of the packets (all concealment: nothing it could decode)
      samplesReceived: inbound?.totalSamplesReceived ?? 0,
      concealed: inbound?.concealedSamples ?? 0,
      audioLevel: inbound?.audioLevel ?? 0,
      decoder: inbound?.decoderImplementation ?? null,
      remote: media(pc.remoteDescription),
      local: media(pc.localDescription),
    };
  });
}
