//! The browser's driver loop: feed the engine, drain its outputs, arm one timer.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use leptos::prelude::{RwSignal, Set};
use phone::{Command, Input, Instant, Output, Phone, PhoneConfig, PhoneView};
use sip::{UaConfig, Uri};
use web::{AudioEngine, Timer, TransportEvent, WsTransport};

use super::media::Media;
use crate::state::{instance_id, Settings};

/// Mixer ports: the agent plus one per line.
const PORTS: u32 = phone::MIX_PORTS as u32;

/// Why signing in did not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SignInError {
    #[error("the SIP address is not valid: {0}")]
    BadUri(String),
    #[error("the server address must start with ws:// or wss://")]
    BadServer,
    #[error("enter the password")]
    NoPassword,
    #[error("audio could not start: {0}")]
    Audio(String),
    #[error("cannot connect: {0}")]
    Transport(String),
}

struct Inner {
    phone: Phone,
    transport: Option<WsTransport>,
    media: Media,
    timer: Option<Timer>,
    view: RwSignal<PhoneView>,
}

/// The running phone of the signed-in agent. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Driver(Rc<RefCell<Inner>>);

impl Driver {
    /// Starts audio, connects to the server and registers.
    pub(crate) async fn sign_in(
        settings: &Settings,
        password: &str,
        view: RwSignal<PhoneView>,
    ) -> Result<Self, SignInError> {
        let aor: Uri = settings
            .sip_uri
            .trim()
            .parse()
            .map_err(|e: sip::ParseError| SignInError::BadUri(e.to_string()))?;
        let user = aor
            .user
            .clone()
            .ok_or_else(|| SignInError::BadUri("it has no user part".into()))?;
        let ws = settings.ws_url.trim();
        if !(ws.starts_with("ws://") || ws.starts_with("wss://")) {
            return Err(SignInError::BadServer);
        }
        if password.is_empty() {
            return Err(SignInError::NoPassword);
        }
        let audio = AudioEngine::start("./", PORTS)
            .await
            .map_err(|e| SignInError::Audio(e.to_string()))?;
        let seed = (js_sys::Math::random() * (u64::MAX as f64)) as u64;
        let phone = Phone::new(PhoneConfig::new(UaConfig {
            aor,
            display_name: None,
            auth_user: user,
            password: password.to_owned(),
            register_expires: 600,
            instance_id: instance_id(),
            user_agent: concat!("softphone/", env!("CARGO_PKG_VERSION")).into(),
            seed,
        }));
        view.set(phone.view());
        let driver = Self(Rc::new(RefCell::new(Inner {
            phone,
            transport: None,
            media: Media::new(audio, &settings.ice_servers),
            timer: None,
            view,
        })));
        let weak = Rc::downgrade(&driver.0);
        let transport = WsTransport::connect(ws, move |ev| on_transport(&weak, ev))
            .map_err(|e| SignInError::Transport(e.to_string()))?;
        driver.0.borrow_mut().transport = Some(transport);
        driver.handle(Input::Command(Command::SignIn));
        Ok(driver)
    }

    /// The agent pressed something.
    pub(crate) fn command(&self, cmd: Command) {
        self.handle(Input::Command(cmd));
    }

    /// Signs out and lets go of the connection and audio.
    pub(crate) fn sign_out(&self) {
        self.command(Command::SignOut);
        let weak = Rc::downgrade(&self.0);
        // Give the un-REGISTER a moment on the wire before closing the socket.
        let timer = Timer::once(500, move || {
            if let Some(inner) = weak.upgrade() {
                let mut inner = inner.borrow_mut();
                if let Some(t) = inner.transport.take() {
                    t.close();
                }
                inner.media.close_all();
                inner.timer = None;
            }
        });
        std::mem::forget(timer);
    }

    pub(crate) fn handle(&self, input: Input) {
        let now = Instant::now();
        self.0.borrow_mut().phone.handle(input, now);
        self.drain();
    }

    fn timeout(&self) {
        let now = Instant::now();
        self.0.borrow_mut().phone.handle_timeout(now);
        self.drain();
    }

    fn drain(&self) {
        let mut media_work = Vec::new();
        {
            let mut inner = self.0.borrow_mut();
            let mut view_changed = false;
            while let Some(out) = inner.phone.poll_output() {
                match out {
                    Output::Transmit(frame) => {
                        if let Some(t) = &inner.transport {
                            if let Err(e) = t.send(&frame) {
                                web_sys::console::warn_1(&format!("send failed: {e}").into());
                            }
                        }
                    }
                    Output::Media(action) => media_work.push(action),
                    Output::ViewChanged => view_changed = true,
                    _ => {}
                }
            }
            if view_changed {
                let view = inner.phone.view();
                inner.view.set(view);
            }
            let next = inner.phone.poll_timeout();
            inner.timer = next.map(|at| {
                let ms = at.saturating_duration_since(Instant::now()).as_millis();
                let weak = Rc::downgrade(&self.0);
                Timer::once(u32::try_from(ms).unwrap_or(u32::MAX), move || {
                    if let Some(inner) = weak.upgrade() {
                        Self(inner).timeout();
                    }
                })
            });
        }
        for action in media_work {
            let media = self.0.borrow().media.clone();
            media.apply(action, self.clone());
        }
    }
}

fn on_transport(weak: &Weak<RefCell<Inner>>, ev: TransportEvent) {
    let Some(inner) = weak.upgrade() else { return };
    let driver = Driver(inner);
    match ev {
        TransportEvent::Open => driver.handle(Input::TransportUp),
        TransportEvent::Message(text) => driver.handle(Input::Frame(text.into_bytes())),
        TransportEvent::Closed { .. } => driver.handle(Input::TransportDown),
        TransportEvent::Error(e) => {
            web_sys::console::warn_1(&format!("WebSocket: {e}").into());
        }
        #[allow(unreachable_patterns)]
        _ => {}
    }
}
