//! The WebSocket to the first edge, opened while the agent is still on the sign-in form.
//!
//! The handshake is one of the three round trips between the click on Sign in and
//! Registered; done ahead, the click finds the connection up and the REGISTER leaves at once.
//! Nothing is sent on it before the click. A socket that fails ahead fails silently: the
//! sign-in then opens its own, and the engine reports that one's failure as always.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Event, WebSocket};

use crate::timer::Timer;

thread_local! {
    static AHEAD: RefCell<Option<Ahead>> = const { RefCell::new(None) };
    /// Opens the next one once the server field has been still a while.
    static SOON: RefCell<Option<Timer>> = const { RefCell::new(None) };
}

struct Ahead {
    url: String,
    ws: WebSocket,
    /// Set by its close or error event: it will never carry the sign-in.
    gone: Rc<Cell<bool>>,
    _on_gone: Closure<dyn FnMut(Event)>,
}

impl Ahead {
    fn open(url: &str) -> Option<Self> {
        let ws = WebSocket::new_with_str(url, "sip").ok()?;
        let gone = Rc::new(Cell::new(false));
        let flag = Rc::clone(&gone);
        let on_gone = Closure::<dyn FnMut(Event)>::new(move |_: Event| flag.set(true));
        ws.set_onclose(Some(on_gone.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_gone.as_ref().unchecked_ref()));
        Some(Self {
            url: url.to_owned(),
            ws,
            gone,
            _on_gone: on_gone,
        })
    }

    fn usable_for(&self, url: &str) -> bool {
        self.url == url
            && !self.gone.get()
            && matches!(
                self.ws.ready_state(),
                WebSocket::CONNECTING | WebSocket::OPEN
            )
    }

    fn close(self) {
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close_with_code(1000);
    }

    /// The socket itself, its handlers gone, for the transport to take over.
    fn into_socket(self) -> WebSocket {
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        self.ws
    }
}

/// Keeps a WebSocket (subprotocol `sip`) open for the next sign-in to the first edge of
/// `edges` (the list as the agent typed it), opened after `delay_ms` (0: at once) unless one
/// to it is already open or opening. One to any other URL is closed at once, and so is any
/// when `edges` is not a usable list.
pub fn connect_ahead(edges: &str, delay_ms: u32) {
    SOON.with_borrow_mut(Option::take);
    let first = crate::parse_edges(edges)
        .ok()
        .and_then(|list| list.into_iter().next());
    let Some(url) = first else {
        close_ahead();
        return;
    };
    let current = AHEAD.with_borrow(|a| a.as_ref().is_some_and(|a| a.usable_for(&url)));
    if current {
        return;
    }
    close_ahead();
    if delay_ms == 0 {
        open_to(&url);
    } else {
        let timer = Timer::once(delay_ms, move || open_to(&url));
        SOON.with_borrow_mut(|soon| *soon = Some(timer));
    }
}

fn open_to(url: &str) {
    SOON.with_borrow_mut(Option::take);
    let ahead = Ahead::open(url);
    AHEAD.with_borrow_mut(|slot| *slot = ahead);
}

/// Closes the socket opened ahead, if any, and forgets one about to be (the form is gone).
pub fn close_ahead() {
    SOON.with_borrow_mut(Option::take);
    if let Some(a) = AHEAD.with_borrow_mut(Option::take) {
        a.close();
    }
}

/// The socket opened ahead to `url` if it is open or still opening; any other is closed.
pub(crate) fn take(url: &str) -> Option<WebSocket> {
    let ahead = AHEAD.with_borrow_mut(Option::take)?;
    if ahead.usable_for(url) {
        Some(ahead.into_socket())
    } else {
        ahead.close();
        None
    }
}
