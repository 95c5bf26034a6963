//! The phone running in the page: one loop that feeds the engine, drains its outputs and
//! arms one timer. The engine decides everything; this carries it out with a WebSocket,
//! the media executor and `setTimeout`.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use phone::{Command, Input, Instant, Output, Phone, PhoneView, RegStatus};

use crate::account::{Account, SignInError};
use crate::audio::{AudioEngine, MicProcessing, NoiseSuppression};
use crate::media::Media;
use crate::timer::Timer;
use crate::transport::{TransportEvent, WsTransport};

/// The audio devices to start with (deviceIds; `None` for the browser's default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeviceChoice {
    /// The microphone.
    pub microphone: Option<String>,
    /// Where calls are heard.
    pub speaker: Option<String>,
    /// Where the incoming ring sounds: `None` follows the speaker, `Some("")` is the
    /// system default output.
    pub ringer: Option<String>,
    /// The browser's echo cancellation, noise suppression and automatic gain; `None`:
    /// [`MicProcessing::default`] (on for agents, off in the test build).
    pub voice_processing: Option<bool>,
    /// Our noise suppression in the worklet (the browser's is off while it is on); `None`:
    /// [`NoiseSuppression::default`] (on for agents, off in the test build).
    pub noise_suppression: Option<NoiseSuppression>,
}

type OnView = Box<dyn Fn(PhoneView)>;

/// Where `dsp.wasm` and `mixer-worklet.js` are served: beside index.html.
const AUDIO_BASE: &str = "./";

/// How long, after the click on Sign in, the audio (and the app's desktop) wait for the
/// registrar's first answer before starting anyway. Opening the microphone and building the
/// worklet graph hold the main thread, and with it the WebSocket's events: done beside the
/// REGISTER they doubled the time to Registered, while a registrar answers on a LAN in a few
/// milliseconds. One that takes longer than this waits for nothing.
pub const SIGNALLING_FIRST_MS: u32 = 1000;

type Deferred = Box<dyn FnOnce()>;

struct Inner {
    phone: Phone,
    transport: Option<WsTransport>,
    media: Media,
    timer: Option<Timer>,
    on_view: Option<OnView>,
    /// Signing out: the runtime keeps itself alive until the engine says it is over.
    keep_alive: Option<Runtime>,
    /// Starts the audio: once registration has an outcome, or at `audio_due`.
    audio_start: Option<Deferred>,
    audio_due: Option<Timer>,
}

/// The running phone of the signed-in agent. Cheap to clone.
#[derive(Clone)]
pub struct Runtime(Rc<RefCell<Inner>>);

impl Runtime {
    /// Checks the account, connects to the first edge and registers at once (on the socket
    /// [`connect_ahead`](crate::connect_ahead) opened, if it is to that edge); the audio
    /// (microphone, AudioContext, worklet) and the spare peer connections start once the
    /// registrar's answer is on screen, or after [`SIGNALLING_FIRST_MS`], and `on_audio`
    /// hears how the audio went: a failure there leaves the
    /// agent registered, with calls failing for want of media, until signed in again. Every
    /// new view goes to `on_view`.
    pub async fn sign_in(
        account: &Account,
        devices: &DeviceChoice,
        on_view: impl Fn(PhoneView) + 'static,
        on_audio: impl FnOnce(Result<(), SignInError>) + 'static,
    ) -> Result<Self, SignInError> {
        let cfg = account.phone_config(crate::random_seed())?;
        let ice = account.ice_config()?;
        // Known before anything starts: the browser refuses the microphone in this frame
        // whatever the agent answers, and only the CRM can change that.
        if crate::crm::frame_allows_microphone() == Some(false) {
            return Err(SignInError::MicrophoneBlockedByFrame);
        }
        let ports = cfg.ports as u32;
        let phone = Phone::new(cfg);
        let runtime = Self(Rc::new(RefCell::new(Inner {
            phone,
            transport: None,
            media: Media::new(ice),
            timer: None,
            on_view: Some(Box::new(on_view)),
            keep_alive: None,
            audio_start: None,
            audio_due: None,
        })));
        let media = runtime.0.borrow().media.clone();
        let devices = devices.clone();
        let audio_start = move || {
            // Making a peer connection takes the main thread a few ms.
            media.start_spares();
            wasm_bindgen_futures::spawn_local(async move {
                match start_audio(ports, &devices).await {
                    Ok(audio) => {
                        media.audio_started(Some(audio));
                        on_audio(Ok(()));
                    }
                    Err(e) => {
                        media.audio_started(None);
                        on_audio(Err(e));
                    }
                }
            });
        };
        let weak = runtime.downgrade();
        {
            let mut inner = runtime.0.borrow_mut();
            inner.audio_start = Some(Box::new(audio_start));
            inner.audio_due = Some(Timer::once(SIGNALLING_FIRST_MS, move || {
                weak.start_audio();
            }));
        }
        // Before anything else: with a socket opened ahead, this sends the REGISTER.
        runtime.handle(Input::Command(Command::SignIn));
        crate::stats::watch(runtime.downgrade());
        Ok(runtime)
    }

    /// Begins the audio's slow start-up (the AudioContext, the worklet script, dsp.wasm) so
    /// that the next [`sign_in`](Self::sign_in) only asks for the microphone. Call it at the
    /// agent's first gesture on the sign-in form (a gesture: no autoplay warning), not at the
    /// click on Sign in: creating the context holds the main thread a while.
    pub fn prepare_audio() {
        crate::audio::prepare_audio(AUDIO_BASE);
    }

    /// The audio engine (device choice), once it has started.
    pub fn audio(&self) -> Option<AudioEngine> {
        self.0.borrow().media.audio()
    }

    /// `(rms, peak)` per mixer port (0 = the agent's microphone).
    pub fn levels(&self) -> Vec<(f32, f32)> {
        self.0.borrow().media.levels()
    }

    /// The agent pressed something.
    pub fn command(&self, cmd: Command) {
        self.handle(Input::Command(cmd));
    }

    /// Ends every call and un-registers. The runtime lives on, without telling the page,
    /// until the registrar confirms (or the engine's wait runs out), then lets go of the
    /// connection and audio.
    pub fn sign_out(&self) {
        {
            let mut inner = self.0.borrow_mut();
            inner.on_view = None;
            inner.keep_alive = Some(self.clone());
        }
        self.command(Command::SignOut);
    }

    pub(crate) fn downgrade(&self) -> WeakRuntime {
        WeakRuntime(Rc::downgrade(&self.0))
    }

    /// Feeds one input and carries out what follows.
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
        let mut connect = None;
        let mut signed_out = false;
        let mut audio_start = None;
        let mut view_changed = false;
        let mut new_view = None;
        {
            let mut inner = self.0.borrow_mut();
            while let Some(out) = inner.phone.poll_output() {
                match out {
                    Output::Transmit(frame) => {
                        if let Some(t) = &inner.transport {
                            if let Err(e) = t.send(&frame) {
                                crate::error::console_warn(&format!("send failed: {e}"));
                            }
                        }
                    }
                    Output::Media(action) => media_work.push(action),
                    Output::ViewChanged => view_changed = true,
                    Output::Connect { url } => connect = Some(url),
                    Output::Disconnect => {
                        // Its Closed event reports TransportDown.
                        if let Some(t) = &inner.transport {
                            t.close();
                        }
                    }
                    Output::SignedOut => signed_out = true,
                    _ => {}
                }
            }
            if view_changed {
                let view = inner.phone.view();
                if matches!(
                    view.registration,
                    RegStatus::Registered | RegStatus::Failed(_)
                ) {
                    audio_start = inner.audio_start.take();
                }
                new_view = Some(view);
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
        let media = self.0.borrow().media.clone();
        for action in media_work {
            media.apply(action, self);
        }
        // After the media work is set going: a new call's offer, made ahead, goes out before
        // the UI renders the call.
        if let Some(view) = new_view {
            if let Some(f) = &self.0.borrow().on_view {
                f(view);
            }
        }
        if let Some(url) = connect {
            self.connect(&url);
        }
        if let Some(start) = audio_start {
            self.0.borrow_mut().audio_due = None;
            // Once the registrar's answer is on screen: asking for the microphone, and
            // creating the AudioContext if nothing warmed it, hold the main thread.
            crate::timer::after_paint(start);
        }
        if signed_out {
            let mut inner = self.0.borrow_mut();
            inner.audio_start = None;
            inner.audio_due = None;
            inner.transport = None;
            inner.timer = None;
            inner.media.close_all();
            // Dropped outside the borrow: it may be the last reference.
            let last = inner.keep_alive.take();
            drop(inner);
            drop(last);
        }
    }

    /// Opens a WebSocket to `url`; a failure to even start counts as a lost connection.
    fn connect(&self, url: &str) {
        let weak = Rc::downgrade(&self.0);
        match WsTransport::connect(url, move |ev| on_transport(&weak, ev)) {
            Ok(t) => {
                // Opened ahead, on the sign-in form: its `open` event has been and gone.
                let up = t.is_open();
                self.0.borrow_mut().transport = Some(t);
                if up {
                    self.handle(Input::TransportUp);
                }
            }
            Err(e) => {
                crate::error::console_warn(&format!("WebSocket {url}: {e}"));
                self.handle(Input::TransportDown);
            }
        }
    }
}

/// The microphone, the AudioContext with the mixer worklet, and the agent's devices.
async fn start_audio(ports: u32, devices: &DeviceChoice) -> Result<AudioEngine, SignInError> {
    let processing = devices
        .voice_processing
        .map_or_else(MicProcessing::default, |voice| MicProcessing {
            voice,
            ..MicProcessing::default()
        });
    let noise = devices.noise_suppression.unwrap_or_default();
    let microphone = devices.microphone.as_deref();
    let audio =
        AudioEngine::start_with_microphone(AUDIO_BASE, ports, microphone, processing, noise)
            .await
            .map_err(SignInError::Audio)?;
    if let Some(speaker) = &devices.speaker {
        // A speaker that is gone, or a browser that cannot choose, leaves the default.
        let _ = audio.use_speaker(speaker).await;
    }
    if devices.ringer.is_some() {
        // Likewise: a ringer that cannot be chosen rings with the speaker.
        let _ = audio.use_ringer(devices.ringer.as_deref()).await;
    }
    Ok(audio)
}

/// A runtime that browser callbacks may outlive.
#[derive(Clone)]
pub(crate) struct WeakRuntime(Weak<RefCell<Inner>>);

impl WeakRuntime {
    /// Every leg's peer connection; None once the runtime is gone.
    pub(crate) fn legs(&self) -> Option<Vec<(phone::LineId, Rc<crate::peer::PeerSession>)>> {
        let inner = self.0.upgrade()?;
        let media = inner.borrow().media.clone();
        Some(media.legs())
    }

    /// Starts the audio now if it has not started.
    fn start_audio(&self) {
        let Some(inner) = self.0.upgrade() else {
            return;
        };
        let start = {
            let mut inner = inner.borrow_mut();
            inner.audio_due = None;
            inner.audio_start.take()
        };
        if let Some(start) = start {
            start();
        }
    }

    /// Feeds `input` if the runtime is still there.
    pub(crate) fn handle(&self, input: Input) {
        if let Some(inner) = self.0.upgrade() {
            Runtime(inner).handle(input);
        }
    }
}

fn on_transport(weak: &Weak<RefCell<Inner>>, ev: TransportEvent) {
    let Some(inner) = weak.upgrade() else { return };
    let runtime = Runtime(inner);
    match ev {
        TransportEvent::Open => runtime.handle(Input::TransportUp),
        TransportEvent::Message(text) => runtime.handle(Input::Frame(text.into_bytes())),
        // The closed socket is dropped when the next one replaces it, not here inside its
        // own event handler.
        TransportEvent::Closed { .. } => runtime.handle(Input::TransportDown),
        TransportEvent::Error(e) => crate::error::console_warn(&format!("WebSocket: {e}")),
        #[allow(unreachable_patterns)]
        _ => {}
    }
}
