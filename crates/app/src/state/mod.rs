//! What the agent typed into the sign-in form, remembered across reloads (never the password),
//! the devices it chose and its language.

use leptos::prelude::{use_context, RwSignal};
use web_sys::Storage;

use crate::i18n::Lang;

mod book;
mod first_paint;
mod history;
mod sweep;

pub(crate) use book::{load_directory, DirEntry, Directory, Favorites};
pub(crate) use first_paint::FirstPaint;
pub(crate) use history::{CallRecord, CallResult, History};
pub(crate) use sweep::{set_swept, sweep};

/// The sign-in settings. The secrets (the password, the TURN credential) are here only when
/// the agent ticked "remember"; otherwise they live in the form and the running phone alone.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) ws_url: String,
    pub(crate) sip_uri: String,
    pub(crate) display_name: String,
    /// The digest user when it is not the SIP address's user; empty: that user.
    pub(crate) auth_user: String,
    /// STUN URLs, separated by spaces or commas; empty for host candidates only.
    pub(crate) ice_servers: String,
    /// TURN URLs, and the username and credential they share.
    pub(crate) turn_servers: String,
    pub(crate) turn_username: String,
    pub(crate) turn_credential: String,
    pub(crate) password: String,
    /// Keep the secrets in this browser's storage.
    pub(crate) remember: bool,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("sip_uri", &self.sip_uri)
            .field("remember", &self.remember)
            .finish_non_exhaustive()
    }
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
            noise_suppression: Some(load_noise_suppression()),
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

const KEY_RINGTONE: &str = "softphone.ringtone";

/// The ring of incoming calls: one chord, three cadences (the DSP's tone plans).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Ringtone {
    /// 2 s on, 4 s off (North American).
    #[default]
    Long,
    /// Two short rings, then a pause (British).
    Double,
    /// 1 s on, 4 s off (CEPT).
    Short,
}

impl Ringtone {
    pub(crate) const ALL: [Self; 3] = [Self::Long, Self::Double, Self::Short];

    /// Its name in storage and in the picker's values.
    pub(crate) const fn tag(self) -> &'static str {
        match self {
            Self::Long => "long",
            Self::Double => "double",
            Self::Short => "short",
        }
    }

    pub(crate) fn from_tag(tag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.tag() == tag)
    }

    pub(crate) const fn label(self) -> crate::i18n::Label {
        use crate::i18n::Label;
        match self {
            Self::Long => Label::RingtoneLong,
            Self::Double => Label::RingtoneDouble,
            Self::Short => Label::RingtoneShort,
        }
    }

    /// The tone plan whose cadence it is.
    pub(crate) const fn region(self) -> web::ToneRegion {
        match self {
            Self::Long => web::ToneRegion::NorthAmerica,
            Self::Double => web::ToneRegion::Uk,
            Self::Short => web::ToneRegion::Europe,
        }
    }

    pub(crate) fn load() -> Self {
        load(KEY_RINGTONE)
            .and_then(|t| Self::from_tag(&t))
            .unwrap_or_default()
    }

    pub(crate) fn save(self) {
        if let Some(s) = storage() {
            let _ = s.set_item(KEY_RINGTONE, self.tag());
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

const KEY_NOISE: &str = "softphone.noise_suppression";
const KEY_NOISE_STRENGTH: &str = "softphone.noise_strength";

/// The agent's noise suppression: what it chose in this browser, else the product default
/// (on, full strength; off in the test build).
pub(crate) fn load_noise_suppression() -> web::NoiseSuppression {
    let default = web::NoiseSuppression::default();
    web::NoiseSuppression {
        on: load(KEY_NOISE).map_or(default.on, |v| v == "on"),
        strength: load(KEY_NOISE_STRENGTH)
            .and_then(|v| v.parse::<u8>().ok())
            .filter(|p| *p <= 100)
            .map_or(default.strength, |p| f32::from(p) / 100.0),
    }
}

/// Remembers the agent's noise suppression; the strength in whole percent.
pub(crate) fn save_noise_suppression(noise: web::NoiseSuppression) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY_NOISE, if noise.on { "on" } else { "off" });
        let _ = s.set_item(KEY_NOISE_STRENGTH, &strength_percent(noise).to_string());
    }
}

/// The strength as the Settings slider shows it, 0..=100.
pub(crate) fn strength_percent(noise: web::NoiseSuppression) -> u8 {
    (noise.strength.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// Where the language is remembered (the page's built-in screen reads it too).
pub(crate) const KEY_LANG: &str = "softphone.lang";

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
/// The server a browser that never signed in here is offered: the development lab's Kamailio
/// (`cargo xtask dev`), on the machine serving the page.
pub(crate) const DEFAULT_WS: &str = "ws://127.0.0.1:8088";
const KEY_URI: &str = "softphone.sip_uri";
const KEY_ICE: &str = "softphone.ice_servers";
const KEY_NAME: &str = "softphone.display_name";
const KEY_AUTH_USER: &str = "softphone.auth_user";
const KEY_TURN: &str = "softphone.turn_servers";
const KEY_TURN_USER: &str = "softphone.turn_username";
const KEY_REMEMBER: &str = "softphone.remember";
/// The secrets, written only when the agent ticks "remember".
const KEY_PASSWORD: &str = "softphone.password";
const KEY_TURN_CREDENTIAL: &str = "softphone.turn_credential";
const KEY_INSTANCE: &str = "softphone.instance_id";

/// Where the sign-in form's fields are remembered: the field's `data-testid`, its storage
/// key, and whether it is a secret (read only when [`KEY_REMEMBER`] is "yes"). The page's
/// built-in form fills itself from this table as [`Settings::load`] does (`crate::shell`).
pub(crate) const STORED: [(&str, &str, bool); 9] = [
    ("ws-url", KEY_WS, false),
    ("sip-uri", KEY_URI, false),
    ("display-name", KEY_NAME, false),
    ("auth-user", KEY_AUTH_USER, false),
    ("ice-servers", KEY_ICE, false),
    ("turn-servers", KEY_TURN, false),
    ("turn-username", KEY_TURN_USER, false),
    ("turn-credential", KEY_TURN_CREDENTIAL, true),
    ("password", KEY_PASSWORD, true),
];

/// The "remember" box's key, and the value that means ticked.
pub(crate) const REMEMBERED: (&str, &str) = (KEY_REMEMBER, "yes");

pub(crate) fn storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub(crate) fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Whether this browser has signed in to a server before (the form shows the one it saved).
pub(crate) fn server_saved() -> bool {
    load(KEY_WS).is_some()
}

impl Settings {
    /// The remembered settings, or the local demo's.
    pub(crate) fn load() -> Self {
        Self::from_store(load)
    }

    /// What a browser that never signed in here shows: the settings of an empty storage (the
    /// page's built-in sign-in screen is drawn with them, `crate::shell`).
    pub(crate) fn fresh() -> Self {
        Self::from_store(|_| None)
    }

    pub(crate) fn from_store(load: impl Fn(&str) -> Option<String>) -> Self {
        let remember = load(REMEMBERED.0).is_some_and(|v| v == REMEMBERED.1);
        let secret = |key| if remember { load(key) } else { None }.unwrap_or_default();
        Self {
            ws_url: load(KEY_WS).unwrap_or_else(|| DEFAULT_WS.into()),
            sip_uri: load(KEY_URI).unwrap_or_else(|| "sip:1001@127.0.0.1".into()),
            display_name: load(KEY_NAME).unwrap_or_default(),
            auth_user: load(KEY_AUTH_USER).unwrap_or_default(),
            ice_servers: load(KEY_ICE).unwrap_or_default(),
            turn_servers: load(KEY_TURN).unwrap_or_default(),
            turn_username: load(KEY_TURN_USER).unwrap_or_default(),
            turn_credential: secret(KEY_TURN_CREDENTIAL),
            password: secret(KEY_PASSWORD),
            remember,
        }
    }

    /// Remembers what the agent typed; the secrets only with "remember", and unticking it
    /// forgets them.
    pub(crate) fn save(&self) {
        let Some(s) = storage() else { return };
        for (key, value) in [
            (KEY_WS, &self.ws_url),
            (KEY_URI, &self.sip_uri),
            (KEY_NAME, &self.display_name),
            (KEY_AUTH_USER, &self.auth_user),
            (KEY_ICE, &self.ice_servers),
            (KEY_TURN, &self.turn_servers),
            (KEY_TURN_USER, &self.turn_username),
        ] {
            let _ = s.set_item(key, value);
        }
        if self.remember {
            let _ = s.set_item(KEY_REMEMBER, "yes");
            let _ = s.set_item(KEY_PASSWORD, &self.password);
            let _ = s.set_item(KEY_TURN_CREDENTIAL, &self.turn_credential);
        } else {
            let _ = s.remove_item(KEY_REMEMBER);
            let _ = s.remove_item(KEY_PASSWORD);
            let _ = s.remove_item(KEY_TURN_CREDENTIAL);
        }
    }

    /// The account the phone signs in with.
    pub(crate) fn account(&self) -> web::Account {
        web::Account {
            sip_uri: self.sip_uri.clone(),
            password: self.password.clone(),
            edges: self.ws_url.clone(),
            ice_servers: self.ice_servers.clone(),
            turn_servers: self.turn_servers.clone(),
            turn_username: self.turn_username.clone(),
            turn_credential: self.turn_credential.clone(),
            auth_user: self.auth_user.clone(),
            instance_id: instance_id(),
            display_name: Some(self.display_name.clone()),
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
