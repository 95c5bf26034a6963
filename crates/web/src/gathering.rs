//! How long an SDP waits for its ICE candidates. SIP here carries no trickle ICE, so an offer
//! or answer goes with the candidates found by then; candidates found later are not
//! signalled, and the far end learns them as peer-reflexive ones when their checks arrive.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{RtcIceGatheringState, RtcPeerConnection};

use crate::timer::{now_ms, Timer};

/// Longest wait for a STUN or TURN server, counted from when the connection started
/// gathering: for a warm spare ([`crate::SparePeer`]) that is when it was made, so by the time
/// of a call the deadline is usually spent and a silent server holds up nothing. A server
/// that never answers takes Chromium about 40 s to give up on.
pub const GATHER_DEADLINE_MS: u32 = 400;

/// Past the deadline, how long a burst of candidates may pause before the SDP goes: a spare's
/// pooled candidates surface one after another within a few milliseconds of
/// setLocalDescription.
const SETTLE_MS: f64 = 30.0;

/// Watches one connection's gathering for its whole life.
pub(crate) struct Gathering {
    /// `now_ms()` when the current gathering began.
    started: Cell<f64>,
    /// When the last candidate of the current local description came, if one has.
    last: Rc<Cell<Option<f64>>>,
    /// Wakes the one waiting [`wait`](Self::wait) at each candidate or state change.
    waker: Rc<RefCell<Option<Function>>>,
    listener: Closure<dyn FnMut(JsValue)>,
}

impl Gathering {
    /// Starts watching `pc`, whose gathering (its candidate pool) starts now.
    pub(crate) fn watch(pc: &RtcPeerConnection) -> Self {
        let last = Rc::new(Cell::new(None));
        let waker: Rc<RefCell<Option<Function>>> = Rc::default();
        let (last_in, waker_in) = (last.clone(), waker.clone());
        let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            // An icecandidate event with a candidate (null marks the end).
            let found = js_sys::Reflect::get(&event, &JsValue::from_str("candidate"))
                .is_ok_and(|c| c.is_object());
            if found {
                last_in.set(Some(now_ms()));
            }
            if let Some(wake) = waker_in.borrow_mut().take() {
                let _ = wake.call0(&JsValue::UNDEFINED);
            }
        });
        let f: &Function = listener.as_ref().unchecked_ref();
        // Listeners rather than on* properties, so nobody else's handler is replaced.
        let _ = pc.add_event_listener_with_callback("icecandidate", f);
        let _ = pc.add_event_listener_with_callback("icegatheringstatechange", f);
        Self {
            started: Cell::new(now_ms()),
            last,
            waker,
            listener,
        }
    }

    /// A new gathering starts now (an ICE restart): it gets the whole deadline.
    pub(crate) fn restart(&self) {
        self.started.set(now_ms());
        self.last.set(None);
    }

    /// To be called just before setLocalDescription: the candidates counted from here on
    /// are the new description's.
    pub(crate) fn describing(&self) {
        self.last.set(None);
    }

    /// Until gathering is complete, or the deadline has passed and the candidates found have
    /// settled. With no candidate at all it waits at most [`GATHER_DEADLINE_MS`] from now.
    pub(crate) async fn wait(&self, pc: &RtcPeerConnection) {
        let called = now_ms();
        loop {
            if pc.ice_gathering_state() == RtcIceGatheringState::Complete {
                return;
            }
            let deadline = f64::from(GATHER_DEADLINE_MS);
            let due = match self.last.get() {
                Some(at) => (self.started.get() + deadline).max(at + SETTLE_MS),
                None => self.started.get().max(called) + deadline,
            };
            let left = due - now_ms();
            if left <= 0.0 {
                return;
            }
            let mut resolve = None;
            let woken = Promise::new(&mut |res, _| resolve = Some(res));
            let Some(resolve) = resolve else { return };
            *self.waker.borrow_mut() = Some(resolve.clone());
            let _timer = Timer::once(left.ceil() as u32, move || {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            });
            let _ = wasm_bindgen_futures::JsFuture::from(woken).await;
            self.waker.borrow_mut().take();
        }
    }

    /// Stops listening to `pc`.
    pub(crate) fn stop(&self, pc: &RtcPeerConnection) {
        let f: &Function = self.listener.as_ref().unchecked_ref();
        let _ = pc.remove_event_listener_with_callback("icecandidate", f);
        let _ = pc.remove_event_listener_with_callback("icegatheringstatechange", f);
    }
}
