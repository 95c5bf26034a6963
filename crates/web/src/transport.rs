//! SIP over WebSocket (RFC 7118): one browser WebSocket with the `sip` subprotocol.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

use crate::error::{JsResultExt, WebError};

/// What the WebSocket reports; fed to the engine as transport up/down and bytes received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportEvent {
    /// The connection is up (the server accepted the `sip` subprotocol).
    Open,
    /// One SIP message (one WebSocket frame). Binary frames are decoded as lossy UTF-8.
    Message(String),
    /// The connection is gone, whether it ever opened or not. Always the last event.
    Closed { code: u16, reason: String },
    /// The browser reported an error; a `Closed` follows.
    Error(String),
}

type Handler = Rc<RefCell<dyn FnMut(TransportEvent)>>;

/// One WebSocket to one edge proxy. Keeps its callbacks alive; dropping it closes the
/// socket (code 1000) and no event is delivered after that.
pub struct WsTransport {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

/// Calls the handler unless it is already running (an event raised from inside the handler
/// itself is dropped rather than panicking on the RefCell).
fn deliver(handler: &Handler, event: TransportEvent) {
    if let Ok(mut f) = handler.try_borrow_mut() {
        f(event);
    } else {
        crate::error::console_warn("WsTransport: event raised inside its own handler dropped");
    }
}

impl WsTransport {
    /// Opens `url` (`ws://` or `wss://`) with subprotocol `sip`, or takes the socket
    /// [`connect_ahead`](crate::connect_ahead) opened to it. Events arrive on `on_event`,
    /// starting with `Open` or `Error`+`Closed`; a socket taken already open reports no
    /// `Open` ([`is_open`](Self::is_open) says so at once).
    pub fn connect(
        url: &str,
        on_event: impl FnMut(TransportEvent) + 'static,
    ) -> Result<Self, WebError> {
        let ws = match crate::ahead::take(url) {
            Some(ws) => ws,
            None => WebSocket::new_with_str(url, "sip").op("new WebSocket")?,
        };
        ws.set_binary_type(BinaryType::Arraybuffer);
        let handler: Handler = Rc::new(RefCell::new(on_event));

        let h = handler.clone();
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            deliver(&h, TransportEvent::Open);
        });
        let h = handler.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            let text = if let Some(s) = data.as_string() {
                s
            } else if data.is_instance_of::<js_sys::ArrayBuffer>() {
                let bytes = js_sys::Uint8Array::new(&data).to_vec();
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                crate::error::console_warn("WsTransport: ignored a frame of unknown type");
                return;
            };
            deliver(&h, TransportEvent::Message(text));
        });
        let h = handler.clone();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            deliver(
                &h,
                TransportEvent::Closed {
                    code: e.code(),
                    reason: e.reason(),
                },
            );
        });
        let h = handler;
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            // Browsers deliberately say nothing about why a WebSocket failed.
            deliver(&h, TransportEvent::Error("WebSocket error".into()));
        });

        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));

        Ok(Self {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            _on_error: on_error,
        })
    }

    /// Sends one SIP message as one text frame. Fails with [`WebError::NotOpen`] unless
    /// the socket is open (the browser would otherwise throw, or silently drop it).
    pub fn send(&self, text: &str) -> Result<(), WebError> {
        if self.ws.ready_state() != WebSocket::OPEN {
            return Err(WebError::NotOpen);
        }
        self.ws.send_with_str(text).op("WebSocket.send")
    }

    /// Whether the socket is open.
    pub fn is_open(&self) -> bool {
        self.ws.ready_state() == WebSocket::OPEN
    }

    /// Bytes queued by `send` but not yet written to the network.
    pub fn buffered_amount(&self) -> u32 {
        self.ws.buffered_amount()
    }

    /// The URL this transport was opened with.
    pub fn url(&self) -> String {
        self.ws.url()
    }

    /// Starts a normal close (code 1000). The `Closed` event still arrives while this
    /// value lives.
    pub fn close(&self) {
        if let Err(e) = self.ws.close_with_code(1000) {
            crate::error::console_warn(&WebError::js("WebSocket.close", &e).to_string());
        }
    }
}

impl Drop for WsTransport {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close_with_code(1000);
    }
}

impl std::fmt::Debug for WsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsTransport")
            .field("url", &self.ws.url())
            .field("ready_state", &self.ws.ready_state())
            .finish_non_exhaustive()
    }
}
