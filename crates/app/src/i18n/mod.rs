//! Every word the agent reads, in English and Spanish (E6), keyed by the engine's enums and
//! the app's own labels. Components ask here; nothing else builds a sentence.

mod en;
mod es;

use web::{
    CallQuality, Failure, LineState, MediaError, MediaHealth, Notice, PartyStatus, QualityLevel,
    Reason, RegFailure, RegStatus, SignInError, TargetError,
};

/// The agent's language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Lang {
    /// English.
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// Every language, as the switcher lists them.
    pub(crate) const ALL: [Self; 2] = [Self::En, Self::Es];

    /// The BCP 47 tag (for `<html lang>` and storage).
    pub(crate) const fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
        }
    }

    /// The language's own name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Es => "Español",
        }
    }

    /// The language the CRM asked for.
    pub(crate) fn from_crm(language: web::crm::Language) -> Self {
        match language {
            web::crm::Language::Es => Self::Es,
            _ => Self::En,
        }
    }

    /// From a tag such as `es-MX` (the browser's language); English otherwise.
    pub(crate) fn from_tag(tag: &str) -> Self {
        if tag.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("es")) {
            Self::Es
        } else {
            Self::En
        }
    }

    fn words(self) -> &'static dyn Words {
        match self {
            Self::En => &en::En,
            Self::Es => &es::Es,
        }
    }
}

/// The fixed labels of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    Title,
    SignIn,
    /// The sign-in button while the phone signs in.
    SigningIn,
    SignOut,
    SipAddress,
    Password,
    Server,
    WebSocketUrl,
    IceServers,
    NumberPlaceholder,
    StartCall,
    SingleStep,
    Answer,
    Decline,
    Idle,
    Merge,
    EndConference,
    Leave,
    Mute,
    Hold,
    Retrieve,
    EndCall,
    Disconnect,
    ContactInfo,
    OnHold,
    HoldingYou,
    /// The call is up, the signalling connection is not (yet) back.
    Reconnecting,
    MergeQuestion,
    Confirm,
    Cancel,
    Host,
    Language,
    AudioDevices,
    Microphone,
    Speaker,
    Ringer,
    DefaultDevice,
    SameAsSpeaker,
    SystemDefault,
    OutputsFixed,
    MicMissing,
    MicGone,
    SpeakerGone,
    RingerGone,
    MicUnavailable,
    MicChangeFailed,
    SpeakerChangeFailed,
    RingerChangeFailed,
    Consult,
    Transfer,
    BlindTransfer,
    AttendedTransfer,
    TransferTo,
    Keypad,
    Directory,
    Recents,
    Favorites,
    NothingHere,
    Call,
    Star,
    Unstar,
    MoreCallOptions,
    IncomingCall,
    Settings,
    VoiceHeading,
    VoiceProcessing,
    AppliesNextSignIn,
    NoiseSuppression,
    NoiseStrength,
    HangUpQuestionText,
    ResultAnswered,
    ResultMissed,
    ResultDeclined,
    ResultBusy,
    ResultNotFound,
    ResultNoAnswer,
    ResultFailed,
    IncomingShort,
    OutgoingShort,
    DigitsReceived,
    Shortcuts,
    ShortcutsList,
    Close,
    Calls,
    Conference,
    Participants,
    Speaking,
    Remember,
    Account,
    DisplayName,
    AuthUser,
    TurnServers,
    TurnUsername,
    TurnCredential,
    Ringtone,
    RingtoneLong,
    RingtoneDouble,
    RingtoneShort,
    Preview,
}

/// What the page's built-in sign-in screen says while the app's code is on its way
/// (`crate::shell`): only the build-time render reads these, so the app's wasm carries none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loading {
    /// The app has not arrived after `shell::SLOW_MS`: a note, not a failure.
    Slow,
    /// Its script or wasm could not be fetched, compiled or started.
    Failed,
    /// The button that loads the page again.
    Reload,
}

/// The words of [`Loading`] (free functions, not in [`Words`], whose table the app keeps).
pub(crate) fn loading(lang: Lang, what: Loading) -> &'static str {
    match lang {
        Lang::En => en::loading(what),
        Lang::Es => es::loading(what),
    }
}

/// One language's words. Each method words one of the engine's enums.
trait Words {
    fn label(&self, label: Label) -> &'static str;
    fn registration(&self, status: &RegStatus) -> String;
    fn reg_failure(&self, failure: RegFailure) -> &'static str;
    fn line_state(&self, state: &LineState) -> String;
    fn failure(&self, failure: &Failure) -> String;
    fn media_error(&self, error: MediaError) -> &'static str;
    fn notice(&self, notice: &Notice) -> String;
    fn reason(&self, reason: Reason) -> String;
    fn party_status(&self, status: PartyStatus) -> &'static str;
    fn media_health(&self, health: MediaHealth) -> &'static str;
    fn quality_level(&self, level: QualityLevel) -> &'static str;
    fn quality(&self, q: &CallQuality) -> String;
    fn sign_in_error(&self, error: &SignInError) -> String;
    fn target_error(&self, error: &TargetError) -> String;
}

pub(crate) fn label(lang: Lang, label: Label) -> &'static str {
    lang.words().label(label)
}

pub(crate) fn registration(lang: Lang, status: &RegStatus) -> String {
    lang.words().registration(status)
}

pub(crate) fn line_state(lang: Lang, state: &LineState) -> String {
    lang.words().line_state(state)
}

pub(crate) fn notice(lang: Lang, notice: &Notice) -> String {
    lang.words().notice(notice)
}

/// A disabled control's explanation: the words and the rule (E2).
pub(crate) fn reason(lang: Lang, reason: Reason) -> String {
    format!("{} ({})", lang.words().reason(reason), reason.rule())
}

pub(crate) fn party_status(lang: Lang, status: PartyStatus) -> &'static str {
    lang.words().party_status(status)
}

pub(crate) fn media_health(lang: Lang, health: MediaHealth) -> &'static str {
    lang.words().media_health(health)
}

pub(crate) fn quality_level(lang: Lang, level: QualityLevel) -> &'static str {
    lang.words().quality_level(level)
}

/// A leg's quality with its figures, for the tooltip and screen readers.
pub(crate) fn quality(lang: Lang, q: &CallQuality) -> String {
    lang.words().quality(q)
}

/// `hundredths` as a number with two decimals and the language's decimal mark.
pub(crate) fn centi(hundredths: u32, mark: char) -> String {
    format!("{}{mark}{:02}", hundredths / 100, hundredths % 100)
}

pub(crate) fn sign_in_error(lang: Lang, error: &SignInError) -> String {
    lang.words().sign_in_error(error)
}

/// `mm:ss` (or `h:mm:ss`) of a call that has lasted `secs` seconds.
pub(crate) fn duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests;
