//! The browser's driver loop: feed the engine, drain its outputs, arm one timer.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use leptos::prelude::{RwSignal, Set};
use phone::{Command, Input, Instant, Output, Phone, PhoneConfig, PhoneView};
use sip::{UaConfig, Uri};
use web::{AudioEngine, Timer, TransportEvent, WsTransport};

use super::media::Media;
use crate::state::{instance_id, DeviceChoice, Settings};

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
    flow: Flow,
}

/// The WebSocket servers (edge proxies) and how we get back to one after losing it: calls
/// keep their media meanwhile, and the engine re-registers and refreshes them once a
/// server is back (DESIGN: losing the network is normal).
struct Flow {
    urls: Vec<String>,
    /// The server to try next; a reconnect moves on to the following one (failover).
    next: usize,
    backoff_ms: u32,
    retry: Option<Timer>,
    /// Signed out: no more reconnects.
    stopped: bool,
}

const FIRST_RETRY_MS: u32 = 500;
const MAX_RETRY_MS: u32 = 15_000;

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
        // One or more edge proxies, tried in turn.
        let urls: Vec<String> = settings
            .ws_url
            .split([' ', ',', '\n'])
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .collect();
        if urls.is_empty()
            || !urls
                .iter()
                .all(|u| u.starts_with("ws://") || u.starts_with("wss://"))
        {
            return Err(SignInError::BadServer);
        }
        if password.is_empty() {
            return Err(SignInError::NoPassword);
        }
        let devices = DeviceChoice::load();
        let mic = Some(devices.microphone.as_str()).filter(|m| !m.is_empty());
        let audio = AudioEngine::start_with_microphone("./", PORTS, mic)
            .await
            .map_err(|e| SignInError::Audio(e.to_string()))?;
        if !devices.speaker.is_empty() {
            // A speaker that is gone, or a browser that cannot choose, leaves the default.
            let _ = audio.use_speaker(&devices.speaker).await;
        }
        if devices.ringer_sink().is_some() {
            // Likewise: a ringer that cannot be chosen rings with the speaker.
            let _ = audio.use_ringer(devices.ringer_sink()).await;
        }
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
            flow: Flow {
                urls,
                next: 0,
                backoff_ms: FIRST_RETRY_MS,
                retry: None,
                stopped: false,
            },
        })));
        driver
            .connect()
            .map_err(|e| SignInError::Transport(e.to_string()))?;
        driver.handle(Input::Command(Command::SignIn));
        Ok(driver)
    }

    /// Opens a WebSocket to the next server of the list.
    fn connect(&self) -> Result<(), web::WebError> {
        let url = {
            let mut inner = self.0.borrow_mut();
            let flow = &mut inner.flow;
            let url = flow.urls[flow.next % flow.urls.len()].clone();
            flow.next += 1;
            url
        };
        let weak = Rc::downgrade(&self.0);
        let transport = WsTransport::connect(&url, move |ev| on_transport(&weak, ev))?;
        self.0.borrow_mut().transport = Some(transport);
        Ok(())
    }

    /// Tries again after a growing pause, on the next server of the list.
    fn reconnect_later(&self) {
        let mut inner = self.0.borrow_mut();
        if inner.flow.stopped {
            return;
        }
        let wait = inner.flow.backoff_ms;
        inner.flow.backoff_ms = (wait * 2).min(MAX_RETRY_MS);
        let weak = Rc::downgrade(&self.0);
        inner.flow.retry = Some(Timer::once(wait, move || {
            if let Some(inner) = weak.upgrade() {
                let driver = Self(inner);
                if driver.connect().is_err() {
                    driver.reconnect_later();
                }
            }
        }));
    }

    /// The audio engine (device choice).
    pub(crate) fn audio(&self) -> AudioEngine {
        self.0.borrow().media.audio()
    }

    /// `(rms, peak)` per mixer port (0 = the agent's microphone).
    pub(crate) fn levels(&self) -> Vec<(f32, f32)> {
        self.0.borrow().media.levels()
    }

    /// The agent pressed something.
    pub(crate) fn command(&self, cmd: Command) {
        self.handle(Input::Command(cmd));
    }

    /// Signs out and lets go of the connection and audio.
    pub(crate) fn sign_out(&self) {
        {
            let mut inner = self.0.borrow_mut();
            inner.flow.stopped = true;
            inner.flow.retry = None;
        }
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
        // Kept in the (now unused) reconnect slot; if the driver is dropped first, dropping
        // the socket and the audio engine closes them all the same.
        self.0.borrow_mut().flow.retry = Some(timer);
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
                    Output::Reconnect => {
                        // Its Closed event brings the engine down and starts the reconnect.
                        if let Some(t) = &inner.transport {
                            t.close();
                        }
                    }
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
        TransportEvent::Open => {
            driver.0.borrow_mut().flow.backoff_ms = FIRST_RETRY_MS;
            driver.handle(Input::TransportUp);
        }
        TransportEvent::Message(text) => driver.handle(Input::Frame(text.into_bytes())),
        TransportEvent::Closed { .. } => {
            // The closed socket is dropped when the next one replaces it, not here inside
            // its own event handler.
            driver.handle(Input::TransportDown);
            driver.reconnect_later();
        }
        TransportEvent::Error(e) => {
            web_sys::console::warn_1(&format!("WebSocket: {e}").into());
        }
        #[allow(unreachable_patterns)]
        _ => {}
    }
}
