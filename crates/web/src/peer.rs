//! One RTCPeerConnection per call leg. SDP goes in and out as whole strings: SIP here
//! carries no trickle ICE, so offers and answers wait for candidate gathering, up to a
//! deadline ([`crate::gathering`]).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{
    MediaStream, MediaStreamTrack, RtcPeerConnection, RtcPeerConnectionState, RtcRtpSender,
    RtcSdpType, RtcSessionDescriptionInit, RtcTrackEvent,
};

use crate::error::{await_promise, JsResultExt, WebError};
use crate::gathering::Gathering;
use crate::spare::{Offer, SparePeer};

/// `pc.addTrack(track, stream)`, catching the exception web-sys's binding would let
/// unwind through Rust.
fn add_track(
    pc: &RtcPeerConnection,
    track: &MediaStreamTrack,
    stream: &MediaStream,
) -> Result<RtcRtpSender, JsValue> {
    let method: Function = js_sys::Reflect::get(pc, &JsValue::from_str("addTrack"))?.dyn_into()?;
    Ok(method.call2(pc, track, stream)?.unchecked_into())
}

/// A STUN or TURN server for ICE.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IceServer {
    pub urls: Vec<String>,
    pub username: Option<String>,
    pub credential: Option<String>,
}

/// `RTCPeerConnection.connectionState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeerState {
    New,
    Connecting,
    Connected,
    Disconnected,
    Failed,
    Closed,
}

impl PeerState {
    fn from_js(state: RtcPeerConnectionState) -> Self {
        match state {
            RtcPeerConnectionState::New => Self::New,
            RtcPeerConnectionState::Connecting => Self::Connecting,
            RtcPeerConnectionState::Connected => Self::Connected,
            RtcPeerConnectionState::Disconnected => Self::Disconnected,
            RtcPeerConnectionState::Failed => Self::Failed,
            _ => Self::Closed,
        }
    }
}

/// One call leg's media session. Dropping it closes the connection.
pub struct PeerSession {
    pc: RtcPeerConnection,
    sender: RtcRtpSender,
    gathering: Gathering,
    /// From an offering spare, its offer; the first [`create_offer`](Self::create_offer)
    /// takes it.
    prepared: RefCell<Option<Offer>>,
    _on_track: Closure<dyn FnMut(RtcTrackEvent)>,
    on_state: RefCell<Option<Closure<dyn FnMut()>>>,
}

fn description(kind: RtcSdpType, sdp: &str) -> RtcSessionDescriptionInit {
    let init = RtcSessionDescriptionInit::new(kind);
    init.set_sdp(sdp);
    init
}

impl PeerSession {
    /// Creates the connection and adds `outgoing` (normally
    /// [`AudioEngine::outgoing_track`](crate::AudioEngine::outgoing_track) for the leg's
    /// port) in a new stream. `on_remote` gets the far end's stream when its track arrives,
    /// which happens while [`apply_answer`](Self::apply_answer) or
    /// [`answer_offer`](Self::answer_offer) runs.
    pub fn new(
        ice_servers: &[IceServer],
        outgoing: &MediaStreamTrack,
        on_remote: impl FnMut(MediaStream) + 'static,
    ) -> Result<Self, WebError> {
        Self::from_spare(SparePeer::new(ice_servers)?, outgoing, on_remote)
    }

    /// [`new`](Self::new) on a connection made (and gathering) ahead of time; on an
    /// offering one ([`SparePeer::offering`]) the offer is already made.
    pub fn from_spare(
        mut spare: SparePeer,
        outgoing: &MediaStreamTrack,
        on_remote: impl FnMut(MediaStream) + 'static,
    ) -> Result<Self, WebError> {
        let Some(parts) = spare.take() else {
            return Err(WebError::Unsupported("a spare connection used twice"));
        };
        let pc = parts.pc;
        let (sender, prepared) = match parts.offer {
            Some(offer) => {
                // Not waited for: the track is needed once media flows, not in the offer.
                crate::error::ignore_promise(offer.sender.replace_track(Some(outgoing)));
                (offer.sender.clone(), Some(offer))
            }
            None => {
                let added = MediaStream::new().and_then(|stream| add_track(&pc, outgoing, &stream));
                match added {
                    Ok(sender) => (sender, None),
                    Err(e) => {
                        parts.gathering.stop(&pc);
                        pc.close();
                        return Err(WebError::js("RTCPeerConnection.addTrack", &e));
                    }
                }
            }
        };

        let on_remote = Rc::new(RefCell::new(on_remote));
        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new(move |e: RtcTrackEvent| {
            let stream = match e.streams().get(0).dyn_into::<MediaStream>() {
                Ok(stream) => stream,
                Err(_) => {
                    let tracks = Array::of1(&e.track());
                    match MediaStream::new_with_tracks(&tracks) {
                        Ok(stream) => stream,
                        Err(err) => {
                            crate::error::console_warn(
                                &WebError::js("new MediaStream (remote)", &err).to_string(),
                            );
                            return;
                        }
                    }
                }
            };
            if let Ok(mut f) = on_remote.try_borrow_mut() {
                f(stream);
            }
        });
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));

        Ok(Self {
            pc,
            sender,
            gathering: parts.gathering,
            prepared: RefCell::new(prepared),
            _on_track: on_track,
            on_state: RefCell::new(None),
        })
    }

    /// Calls `f` on every change of the connection state (ICE + DTLS), replacing any
    /// earlier callback. `Failed` or `Disconnected` is the cue for an ICE restart.
    pub fn on_state_change(&self, mut f: impl FnMut(PeerState) + 'static) {
        let pc = self.pc.clone();
        let closure =
            Closure::<dyn FnMut()>::new(move || f(PeerState::from_js(pc.connection_state())));
        self.pc
            .set_onconnectionstatechange(Some(closure.as_ref().unchecked_ref()));
        // The previous closure (if any) is dropped only after the handler is replaced.
        self.on_state.replace(Some(closure));
    }

    /// The connection state now.
    pub fn state(&self) -> PeerState {
        PeerState::from_js(self.pc.connection_state())
    }

    /// createOffer, setLocalDescription, wait for ICE gathering (see
    /// [`GATHER_DEADLINE_MS`](crate::GATHER_DEADLINE_MS)), and the local SDP with its
    /// candidates. On a connection from an offering spare, its offer (the first time).
    pub async fn create_offer(&self) -> Result<String, WebError> {
        let prepared = self.prepared.borrow_mut().take();
        if let Some(offer) = prepared {
            // Without an await when it is there, so the INVITE leaves before anything else
            // the click set going (the call card's render) has its turn; a call placed as
            // the spare is made waits for it.
            let set = loop {
                match offer.set.get() {
                    Some(set) => break set,
                    None => crate::timer::sleep(5).await,
                }
            };
            if !set {
                return Err(WebError::Js {
                    op: "createOffer (ahead)",
                    message: "rejected".into(),
                });
            }
        } else {
            let offer = await_promise(self.pc.create_offer(), "createOffer").await?;
            self.set_local(offer.unchecked_into()).await?;
        }
        self.gathered_sdp().await
    }

    /// setRemoteDescription with the far end's answer to our offer.
    pub async fn apply_answer(&self, sdp: &str) -> Result<(), WebError> {
        let promise = self
            .pc
            .set_remote_description(&description(RtcSdpType::Answer, sdp));
        await_promise(promise, "setRemoteDescription (answer)")
            .await
            .map(drop)
    }

    /// setRemoteDescription with a provisional answer (early media from a 183): media flows
    /// while the call rings; the final answer follows with [`PeerSession::apply_answer`].
    pub async fn apply_provisional_answer(&self, sdp: &str) -> Result<(), WebError> {
        let promise = self
            .pc
            .set_remote_description(&description(RtcSdpType::Pranswer, sdp));
        await_promise(promise, "setRemoteDescription (pranswer)")
            .await
            .map(drop)
    }

    /// setRemoteDescription with the far end's offer, createAnswer, setLocalDescription,
    /// wait for ICE gathering (see [`GATHER_DEADLINE_MS`](crate::GATHER_DEADLINE_MS)), and
    /// the local SDP.
    pub async fn answer_offer(&self, remote_sdp: &str) -> Result<String, WebError> {
        let promise = self
            .pc
            .set_remote_description(&description(RtcSdpType::Offer, remote_sdp));
        await_promise(promise, "setRemoteDescription (offer)").await?;
        let answer = await_promise(self.pc.create_answer(), "createAnswer").await?;
        self.set_local(answer.unchecked_into()).await?;
        self.gathered_sdp().await
    }

    /// A new offer with fresh ICE credentials (ICE restart), set as the local description,
    /// with its candidates gathered; the far end's answer goes to
    /// [`apply_answer`](Self::apply_answer).
    pub async fn restart_ice(&self) -> Result<String, WebError> {
        let options = web_sys::RtcOfferOptions::new();
        options.set_ice_restart(true);
        self.gathering.restart();
        let offer = await_promise(
            self.pc.create_offer_with_rtc_offer_options(&options),
            "createOffer (ICE restart)",
        )
        .await?;
        self.set_local(offer.unchecked_into()).await?;
        self.gathered_sdp().await
    }

    /// Answers the far end's new offer on the running connection: our side sends only if
    /// `hold` (the browser then answers `sendonly`, or `inactive` if the offer holds us too),
    /// and the DTLS role, ICE and codecs are the browser's as negotiated.
    pub async fn answer_reoffer(&self, offer: &str, hold: bool) -> Result<String, WebError> {
        let direction = if hold {
            web_sys::RtcRtpTransceiverDirection::Sendonly
        } else {
            web_sys::RtcRtpTransceiverDirection::Sendrecv
        };
        for t in self.pc.get_transceivers().iter() {
            if let Ok(t) = t.dyn_into::<web_sys::RtcRtpTransceiver>() {
                t.set_direction(direction);
            }
        }
        self.answer_offer(offer).await
    }

    /// Queues `digit` as an RFC 4733 telephone-event on the leg's sender (100 ms, the
    /// browser's default gap); the far end offered telephone-events, so it hears them.
    /// `insertDTMF` replaces the tones still waiting, so digits keyed faster than they play
    /// would be lost: the new digit goes after the ones in `toneBuffer`, in the order keyed.
    pub fn insert_dtmf(&self, digit: char) -> Result<(), WebError> {
        let sender = self
            .sender
            .dtmf()
            .ok_or(WebError::Unsupported("RTCDTMFSender"))?;
        let queued = queue_digit(&sender.tone_buffer(), digit);
        // Through Reflect so that the exception it throws on a stopped sender comes back as
        // an error instead of unwinding through Rust (web-sys's binding does not catch).
        let insert: Function = js_sys::Reflect::get(&sender, &JsValue::from_str("insertDTMF"))
            .and_then(|f| f.dyn_into())
            .op("RTCDTMFSender.insertDTMF")?;
        insert
            .call2(&sender, &JsValue::from_str(&queued), &JsValue::from(100))
            .op("RTCDTMFSender.insertDTMF")
            .map(drop)
    }

    /// Sends `track` instead of the current one (None sends silence), without
    /// renegotiation.
    pub async fn replace_track(&self, track: Option<&MediaStreamTrack>) -> Result<(), WebError> {
        await_promise(
            self.sender.replace_track(track),
            "RTCRtpSender.replaceTrack",
        )
        .await
        .map(drop)
    }

    /// `pc.getStats()`: a promise of the connection's RTCStatsReport.
    pub(crate) fn get_stats(&self) -> Promise {
        self.pc.get_stats()
    }

    /// Closes the connection; no callback runs after this.
    pub fn close(&self) {
        self.gathering.stop(&self.pc);
        self.pc.set_ontrack(None);
        self.pc.set_onconnectionstatechange(None);
        self.pc.close();
    }

    async fn set_local(&self, desc: RtcSessionDescriptionInit) -> Result<(), WebError> {
        self.gathering.describing();
        await_promise(self.pc.set_local_description(&desc), "setLocalDescription")
            .await
            .map(drop)
    }

    async fn gathered_sdp(&self) -> Result<String, WebError> {
        self.gathering.wait(&self.pc).await;
        self.pc
            .local_description()
            .map(|d| d.sdp())
            .ok_or(WebError::Js {
                op: "localDescription",
                message: "no local description after setLocalDescription".into(),
            })
    }
}

/// The tone buffer to hand `insertDTMF` for one more digit: the ones still waiting, then it.
fn queue_digit(waiting: &str, digit: char) -> String {
    let mut tones = String::with_capacity(waiting.len() + 1);
    tones.push_str(waiting);
    tones.push(digit);
    tones
}

impl Drop for PeerSession {
    fn drop(&mut self) {
        self.close();
    }
}

impl std::fmt::Debug for PeerSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PeerSession")
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::queue_digit;

    #[test]
    fn a_digit_goes_after_the_ones_waiting() {
        assert_eq!(queue_digit("", '1'), "1");
        assert_eq!(queue_digit("23", '4'), "234");
        assert_eq!(queue_digit("9*", '#'), "9*#");
    }
}
