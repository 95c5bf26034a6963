//! Connections made ahead of calls, so that a call's SDP is ready at once: one with its offer
//! already set and its candidates gathered, for the next call placed, and one gathering into
//! its candidate pool, for the next call answered (an answer needs the far end's offer first).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::{
    MediaStream, RtcConfiguration, RtcIceServer, RtcPeerConnection, RtcRtpSender,
    RtcRtpTransceiverDirection, RtcRtpTransceiverInit,
};

use crate::error::{await_promise, JsResultExt, WebError};
use crate::gathering::Gathering;
use crate::peer::IceServer;
use crate::timer::Timer;

/// Candidates gathered ahead, per connection (`iceCandidatePoolSize`).
const CANDIDATE_POOL: u32 = 1;

/// A spare is replaced after this long unused: its host candidates may name a network the
/// machine has left, and its TURN allocations and credentials age.
const LIFETIME_MS: u32 = 5 * 60 * 1000;

/// A spare taken by a call is made again this long after, so making the new one does not
/// compete with the call's own set-up for the page and the network.
const REFILL_DELAY_MS: u32 = 1000;

fn configuration(ice_servers: &[IceServer]) -> RtcConfiguration {
    let servers: Array = ice_servers
        .iter()
        .map(|s| {
            let server = RtcIceServer::new();
            let urls: Array = s.urls.iter().map(|u| JsValue::from_str(u)).collect();
            server.set_urls(&urls);
            if let Some(username) = &s.username {
                server.set_username(username);
            }
            if let Some(credential) = &s.credential {
                server.set_credential(credential);
            }
            JsValue::from(server)
        })
        .collect();
    let config = RtcConfiguration::new();
    config.set_ice_servers(&servers);
    // Not in web-sys's dictionary: set as a plain property. Gathering starts when the
    // connection is created, before any offer.
    let _ = js_sys::Reflect::set(
        &config,
        &JsValue::from_str("iceCandidatePoolSize"),
        &JsValue::from(CANDIDATE_POOL),
    );
    config
}

/// What an offering spare has ready: its audio sender (no track yet), and whether its offer
/// became the local description (`None` while that is under way).
pub(crate) struct Offer {
    pub(crate) sender: RtcRtpSender,
    pub(crate) set: Rc<Cell<Option<bool>>>,
}

/// What a spare is made of, handed whole to the call that takes it.
pub(crate) struct Parts {
    pub(crate) pc: RtcPeerConnection,
    pub(crate) gathering: Gathering,
    /// Set when the connection already offers audio.
    pub(crate) offer: Option<Offer>,
}

/// A connection made ahead of a call, for the next [`PeerSession`](crate::PeerSession).
/// Dropped unused, it is closed.
pub struct SparePeer(Option<Parts>);

impl SparePeer {
    /// A connection with `ice_servers`, gathering into its pool from now on: for a call
    /// answered, or placed when there is no offering spare.
    pub fn new(ice_servers: &[IceServer]) -> Result<Self, WebError> {
        let pc = RtcPeerConnection::new_with_configuration(&configuration(ice_servers))
            .op("new RTCPeerConnection")?;
        Ok(Self(Some(Parts {
            gathering: Gathering::watch(&pc),
            pc,
            offer: None,
        })))
    }

    /// A connection that offers one audio stream (sent and received) with its offer set as
    /// the local description at once, so it gathers its candidates before the call: for a
    /// call placed. The call gives the sender its track.
    pub fn offering(ice_servers: &[IceServer]) -> Result<Self, WebError> {
        let mut spare = Self::new(ice_servers)?;
        let Some(parts) = spare.0.as_mut() else {
            return Err(WebError::Unsupported("a spare without a connection"));
        };
        let pc = parts.pc.clone();
        let stream = MediaStream::new().op("new MediaStream")?;
        let init = RtcRtpTransceiverInit::new();
        init.set_direction(RtcRtpTransceiverDirection::Sendrecv);
        init.set_streams(&Array::of1(&stream));
        let sender = pc
            .add_transceiver_with_str_and_init("audio", &init)
            .sender();
        let set = Rc::new(Cell::new(None));
        let set_in = set.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let done = match await_promise(pc.create_offer(), "createOffer").await {
                Ok(offer) => await_promise(
                    pc.set_local_description(offer.unchecked_ref()),
                    "setLocalDescription",
                )
                .await
                .is_ok(),
                Err(_) => false,
            };
            set_in.set(Some(done));
        });
        parts.offer = Some(Offer { sender, set });
        Ok(spare)
    }

    /// Its parts, for the call that takes it; `None` if taken before.
    pub(crate) fn take(&mut self) -> Option<Parts> {
        self.0.take()
    }
}

impl Drop for SparePeer {
    fn drop(&mut self) {
        if let Some(parts) = self.0.take() {
            parts.gathering.stop(&parts.pc);
            parts.pc.close();
        }
    }
}

/// Which call a spare is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    Place,
    Answer,
}

/// The page's spare connections: one of each [`Use`], made again shortly after a call takes
/// one, and both replaced every [`LIFETIME_MS`].
pub(crate) struct Spares {
    ice: Rc<Vec<IceServer>>,
    place: RefCell<Option<SparePeer>>,
    answer: RefCell<Option<SparePeer>>,
    timer: RefCell<Option<Timer>>,
    closed: Cell<bool>,
}

impl Spares {
    /// None yet: [`start`](Self::start) makes them.
    pub(crate) fn new(ice: Rc<Vec<IceServer>>) -> Rc<Self> {
        Rc::new(Self {
            ice,
            place: RefCell::default(),
            answer: RefCell::default(),
            timer: RefCell::default(),
            closed: Cell::new(false),
        })
    }

    /// Makes the spares that are missing, and replaces them after their lifetime.
    pub(crate) fn start(self: &Rc<Self>) {
        self.renew(false);
    }

    /// The spare for `what`, if there is one; a new one follows shortly.
    pub(crate) fn take(self: &Rc<Self>, what: Use) -> Option<SparePeer> {
        let spare = match what {
            Use::Place => self.place.take(),
            Use::Answer => self.answer.take(),
        };
        self.arm(REFILL_DELAY_MS, false);
        spare
    }

    /// Lets go of both for good (signed out).
    pub(crate) fn close(&self) {
        self.closed.set(true);
        self.timer.take();
        self.place.take();
        self.answer.take();
    }

    fn arm(self: &Rc<Self>, ms: u32, replace: bool) {
        if self.closed.get() {
            return;
        }
        let me = Rc::downgrade(self);
        let timer = Timer::once(ms, move || {
            if let Some(spares) = me.upgrade() {
                spares.renew(replace);
            }
        });
        // The timer replaced may be the one running this: dropping it from inside is fine.
        self.timer.replace(Some(timer));
    }

    /// Makes the missing spares (every one if `replace`), and comes back to replace them
    /// after their lifetime.
    fn renew(self: &Rc<Self>, replace: bool) {
        if self.closed.get() {
            return;
        }
        for (slot, offering) in [(&self.place, true), (&self.answer, false)] {
            if replace {
                slot.take();
            }
            if slot.borrow().is_some() {
                continue;
            }
            let made = if offering {
                SparePeer::offering(&self.ice)
            } else {
                SparePeer::new(&self.ice)
            };
            match made {
                Ok(spare) => *slot.borrow_mut() = Some(spare),
                // The call makes its own connection then, and says if that fails.
                Err(e) => crate::error::console_warn(&format!("spare connection: {e}")),
            }
        }
        self.arm(LIFETIME_MS, true);
    }
}
