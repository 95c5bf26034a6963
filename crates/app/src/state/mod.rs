//! What the agent typed into the sign-in form, remembered across reloads (never the password),
//! the devices it chose and its language.

use leptos::prelude::{use_context, RwSignal};
use web_sys::Storage;

use crate::i18n::Lang;

mod book;
mod history;

pub(crate) use book::{load_directory, DirEntry, Directory, Favorites};
pub(crate) use history::{CallRecord, CallResult, History};

/// The sign-in settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) ws_url: String,
    pub(crate) sip_uri: String,
    /// STUN/TURN URLs, separated by spaces or commas; empty for host candidates only.
    pub(crate) ice_servers: String,
}

/// The audio devices the agent chose (deviceIds; empty for the browser's default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DeviceChoice {
    pub(crate) microphone: String,
    pub(crate) speaker: String,
    /// Empty: ring where the calls are heard (the speaker); [`RINGER_SYSTEM_DEFAULT`]: the
    /// system's default output; otherwise a deviceId.
    pub(crate) ringer: String,
}

/// The ringer choice that means "the system's default output", whatever the speaker is.
pub(crate) const RINGER_SYSTEM_DEFAULT: &str = "default";

impl DeviceChoice {
    /// The choice as the runtime takes it.
    pub(crate) fn to_web(&self) -> web::DeviceChoice {
        let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        web::DeviceChoice {
            microphone: some(&self.microphone),
            speaker: some(&self.speaker),
            ringer: self.ringer_sink().map(str::to_owned),
            voice_processing: load_voice_processing(),
        }
    }

    /// The ringer as [`web::AudioEngine::use_ringer`] takes it: `None` follows the speaker.
    pub(crate) fn ringer_sink(&self) -> Option<&str> {
        match self.ringer.as_str() {
            "" => None,
            RINGER_SYSTEM_DEFAULT => Some(""),
            id => Some(id),
        }
    }
}

const KEY_MIC: &str = "softphone.microphone";
const KEY_SPEAKER: &str = "softphone.speaker";
const KEY_RINGER: &str = "softphone.ringer";

impl DeviceChoice {
    /// What the agent chose last time, in this browser.
    pub(crate) fn load() -> Self {
        Self {
            microphone: load(KEY_MIC).unwrap_or_default(),
            speaker: load(KEY_SPEAKER).unwrap_or_default(),
            ringer: load(KEY_RINGER).unwrap_or_default(),
        }
    }

    pub(crate) fn save(&self) {
        if let Some(s) = storage() {
            let _ = s.set_item(KEY_MIC, &self.microphone);
            let _ = s.set_item(KEY_SPEAKER, &self.speaker);
            let _ = s.set_item(KEY_RINGER, &self.ringer);
        }
    }
}

const KEY_VOICE: &str = "softphone.voice_processing";

/// The agent's choice of the browser's voice processing; `None`: the product default.
pub(crate) fn load_voice_processing() -> Option<bool> {
    load(KEY_VOICE).map(|v| v == "on")
}

pub(crate) fn save_voice_processing(on: bool) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY_VOICE, if on { "on" } else { "off" });
    }
}

const KEY_LANG: &str = "softphone.lang";

/// The agent's language: chosen before in this browser, else the browser's own.
pub(crate) fn load_lang() -> Lang {
    load(KEY_LANG)
        .or_else(|| web_sys::window()?.navigator().language())
        .map(|tag| Lang::from_tag(&tag))
        .unwrap_or_default()
}

/// Remembers the language and tells the page (`<html lang>`), for screen readers.
pub(crate) fn save_lang(lang: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY_LANG, lang.tag());
    }
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", lang.tag());
    }
}

/// The language signal the App provides.
pub(crate) fn use_lang() -> RwSignal<Lang> {
    use_context::<RwSignal<Lang>>().unwrap_or_else(|| RwSignal::new(Lang::En))
}

const KEY_WS: &str = "softphone.ws_url";
const KEY_URI: &str = "softphone.sip_uri";
const KEY_ICE: &str = "softphone.ice_servers";
const KEY_INSTANCE: &str = "softphone.instance_id";

pub(crate) fn storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub(crate) fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

impl Settings {
    /// The remembered settings, or the local demo's.
    pub(crate) fn load() -> Self {
        Self {
            ws_url: load(KEY_WS).unwrap_or_else(|| "ws://127.0.0.1:8088".into()),
            sip_uri: load(KEY_URI).unwrap_or_else(|| "sip:1001@127.0.0.1".into()),
            ice_servers: load(KEY_ICE).unwrap_or_default(),
        }
    }

    pub(crate) fn save(&self) {
        if let Some(s) = storage() {
            let _ = s.set_item(KEY_WS, &self.ws_url);
            let _ = s.set_item(KEY_URI, &self.sip_uri);
            let _ = s.set_item(KEY_ICE, &self.ice_servers);
        }
    }
}

/// The RFC 5626 instance id of this browser profile, created once.
pub(crate) fn instance_id() -> String {
    if let Some(id) = load(KEY_INSTANCE) {
        return id;
    }
    let uuid = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("{:032x}", (js_sys::Math::random() * 1e18) as u128));
    let id = format!("urn:uuid:{uuid}");
    if let Some(s) = storage() {
        let _ = s.set_item(KEY_INSTANCE, &id);
    }
    id
}
