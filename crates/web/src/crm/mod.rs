//! The bridge to the CRM page that embeds the phone in an iframe (the `embed` schema over
//! `postMessage`).
//!
//! Nothing is accepted before the deployment's `embed.json` is read and names the embedding
//! page's origin: until then no listener exists. After that, a message counts only if it
//! comes from the parent window with exactly that origin; everything else is dropped without
//! an answer (an answer would tell a stranger the phone is there). Replies and events go to
//! that origin only, never `*`.

mod events;
mod frame;
mod route;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use embed::{parse_request, Deployment, Event, Notice, Rejected, Reply};
use js_sys::{Object, JSON};
use phone::{Instant, PhoneView};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub use embed::{DirectoryEntry, ErrorReason, Language, Problem};
pub use frame::{frame_allows_microphone, is_embedded};
pub use route::AppRequest;

use crate::runtime::Runtime;
use events::Tracker;
use route::Route;

type OnApp = Rc<dyn Fn(AppRequest, CrmAnswer)>;

struct Inner {
    deployment: Deployment,
    /// The embedding page's origin, once `embed.json` allows it.
    parent: Option<String>,
    view: PhoneView,
    tracker: Tracker,
    runtime: Option<Runtime>,
    on_app: OnApp,
    listener: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
}

/// The phone's side of the CRM connection. Cheap to clone.
#[derive(Clone)]
pub struct Bridge(Rc<RefCell<Inner>>);

/// The pending answer to a command the app carries out.
pub struct CrmAnswer {
    bridge: Weak<RefCell<Inner>>,
    id: String,
}

impl CrmAnswer {
    /// Answers done, or the reason it was not.
    pub fn send(self, result: Result<(), ErrorReason>) {
        if let Some(inner) = self.bridge.upgrade() {
            let reply = match result {
                Ok(()) => Reply::done(self.id),
                Err(reason) => Reply::error(Some(self.id), reason),
            };
            Bridge(inner).post(&reply.to_json());
        }
    }

    /// Answers a `sign_in`: done, or what was wrong with the credentials or the audio.
    pub fn send_sign_in(self, result: Result<(), &crate::SignInError>) {
        if let Some(inner) = self.bridge.upgrade() {
            let reply = match result {
                Ok(()) => Reply::done(self.id),
                Err(e) => Reply::sign_in_failed(self.id, e.problem()),
            };
            Bridge(inner).post(&reply.to_json());
        }
    }
}

impl Bridge {
    /// Starts listening to the embedding page once `embed.json` (beside the page) allows
    /// its origin. `on_app` carries out what belongs to the app (Directory, language,
    /// sign-in). `None` when the phone is not in a frame.
    pub fn start(on_app: impl Fn(AppRequest, CrmAnswer) + 'static) -> Option<Self> {
        if !is_embedded() {
            return None;
        }
        let bridge = Self(Rc::new(RefCell::new(Inner {
            deployment: Deployment::default(),
            parent: None,
            view: PhoneView::signed_out(),
            tracker: Tracker::default(),
            runtime: None,
            on_app: Rc::new(on_app),
            listener: None,
        })));
        let weak = Rc::downgrade(&bridge.0);
        wasm_bindgen_futures::spawn_local(async move {
            let text = frame::fetch_text("./embed.json").await.unwrap_or_default();
            if let Some(inner) = weak.upgrade() {
                Self(inner).configured(Deployment::parse(&text));
            }
        });
        Some(bridge)
    }

    /// The running phone (after sign-in), or none (after sign-out).
    pub fn set_runtime(&self, runtime: Option<Runtime>) {
        self.0.borrow_mut().runtime = runtime;
    }

    /// A new view of the phone: tells the CRM what changed.
    pub fn observe(&self, view: &PhoneView) {
        let events = {
            let mut inner = self.0.borrow_mut();
            inner.view = view.clone();
            if inner.parent.is_none() {
                return;
            }
            inner.tracker.observe(view, Instant::now())
        };
        for event in events {
            self.post(&Notice::new(event).to_json());
        }
    }

    /// Tells the CRM about a problem the agent sees.
    pub fn report(&self, problem: Problem) {
        self.post(&Notice::new(Event::Error { problem }).to_json());
    }

    fn configured(&self, deployment: Deployment) {
        let Some(origin) = frame::parent_origin().filter(|o| deployment.allows(o)) else {
            crate::error::console_warn(
                "embed: the embedding page is not in embed.json; not listening",
            );
            return;
        };
        let weak = Rc::downgrade(&self.0);
        let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev| {
            if let Some(inner) = weak.upgrade() {
                Self(inner).on_message(&ev);
            }
        });
        let Some(window) = web_sys::window() else {
            return;
        };
        if window
            .add_event_listener_with_callback("message", listener.as_ref().unchecked_ref())
            .is_err()
        {
            return;
        }
        let credentials_sign_in = deployment.credentials_sign_in;
        let view = {
            let mut inner = self.0.borrow_mut();
            inner.deployment = deployment;
            inner.parent = Some(origin);
            inner.listener = Some(listener);
            inner.view.clone()
        };
        self.post(
            &Notice::new(Event::Ready {
                credentials_sign_in,
            })
            .to_json(),
        );
        if frame_allows_microphone() == Some(false) {
            self.report(Problem::MicrophoneBlockedByFrame);
        }
        self.observe(&view);
    }

    fn on_message(&self, ev: &web_sys::MessageEvent) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let from_parent = match (ev.source(), window.parent()) {
            (Some(source), Ok(Some(parent))) => Object::is(&source, &parent),
            _ => false,
        };
        let from_origin = self.0.borrow().parent.as_deref() == Some(ev.origin().as_str());
        if !(from_parent && from_origin) {
            return;
        }
        let data = ev.data();
        // A string is read as JSON text; an object is taken as the JSON it stands for.
        let text = data
            .as_string()
            .or_else(|| JSON::stringify(&data).ok().and_then(|s| s.as_string()));
        let request = match text.as_deref().map(parse_request) {
            Some(Ok(request)) => request,
            Some(Err(Rejected { id, reason })) => {
                return self.post(&Reply::error(id, reason).to_json())
            }
            None => return self.post(&Reply::error(None, ErrorReason::Malformed).to_json()),
        };
        let id = request.id;
        let (routed, runtime, on_app) = {
            let inner = self.0.borrow();
            let routed = route::route(request.command, &inner.view, &inner.deployment);
            (routed, inner.runtime.clone(), Rc::clone(&inner.on_app))
        };
        match routed {
            Err(reason) => self.post(&Reply::error(Some(id), reason).to_json()),
            Ok(Route::Phone(commands)) => {
                let Some(runtime) = runtime else {
                    return self.post(&Reply::error(Some(id), ErrorReason::NotSignedIn).to_json());
                };
                for command in commands {
                    runtime.command(command);
                }
                self.post(&Reply::done(id).to_json());
            }
            Ok(Route::App(request)) => on_app(
                request,
                CrmAnswer {
                    bridge: Rc::downgrade(&self.0),
                    id,
                },
            ),
        }
    }

    /// Posts JSON text to the embedding page, as an object, to its origin only.
    fn post(&self, json: &str) {
        let Some(origin) = self.0.borrow().parent.clone() else {
            return;
        };
        let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
            return;
        };
        if let Ok(message) = JSON::parse(json) {
            if let Err(e) = parent.post_message(&message, &origin) {
                crate::error::console_warn(&format!(
                    "embed: postMessage: {}",
                    crate::error::js_message(&e)
                ));
            }
        }
    }
}
