//! English.

use web::{
    CallQuality, Failure, LineState, MediaError, MediaHealth, Notice, Outcome, PartyStatus,
    QualityLevel, Reason, RegFailure, RegStatus, SignInError, TargetError, Unsent, HELD_LIMIT,
};

use super::{Label, Loading, Words};

pub(super) struct En;

impl Words for En {
    fn label(&self, label: Label) -> &'static str {
        use Label as L;
        match label {
            L::Title => "Softphone",
            L::SignIn => "Sign in",
            L::SigningIn => "Signing in…",
            L::SignOut => "Sign out",
            L::SipAddress => "SIP address",
            L::Password => "Password",
            L::Server => "Server",
            L::WebSocketUrl => "WebSocket URLs (one or more edges)",
            L::IceServers => "STUN servers",
            L::NumberPlaceholder => "Number or SIP address",
            L::StartCall => "Start call",
            L::SingleStep => "Initiate single-step conference",
            L::Answer => "Answer",
            L::Decline => "Decline",
            L::Idle => "Idle",
            L::Merge => "Merge",
            L::EndConference => "End conference",
            L::Leave => "Leave",
            L::Mute => "Mute",
            L::Hold => "Hold",
            L::Retrieve => "Retrieve",
            L::EndCall => "End call",
            L::Disconnect => "Disconnect",
            L::ContactInfo => "Contact Info",
            L::OnHold => "on hold",
            L::HoldingYou => "holding you",
            L::Reconnecting => "reconnecting",
            L::MergeQuestion => "Conference all held calls with the consulted party?",
            L::Confirm => "Confirm",
            L::Cancel => "Cancel",
            L::Host => "Host",
            L::Language => "Language",
            L::AudioDevices => "Audio devices",
            L::Microphone => "Microphone",
            L::Speaker => "Speaker",
            L::Ringer => "Ringer",
            L::DefaultDevice => "Default",
            L::SameAsSpeaker => "Same as speaker",
            L::SystemDefault => "System default",
            L::OutputsFixed => "This browser plays calls and the ringer on its default output.",
            L::MicMissing => "The chosen microphone is not here: using the default one",
            L::MicGone => "The chosen microphone is gone: using the default one",
            L::SpeakerGone => "The chosen speaker is gone: using the default one",
            L::RingerGone => "The chosen ringer is gone: ringing on the speaker",
            L::MicUnavailable => "That microphone is not available: using the default one",
            L::MicChangeFailed => "The microphone could not be changed",
            L::SpeakerChangeFailed => "The speaker could not be changed",
            L::RingerChangeFailed => "The ringer could not be changed",
            L::Consult => "Consult",
            L::Transfer => "Transfer",
            L::BlindTransfer => "Blind transfer",
            L::AttendedTransfer => "Transfer to",
            L::TransferTo => "Number to transfer to",
            L::Keypad => "Keypad",
            L::Directory => "Directory",
            L::Recents => "Recents",
            L::Favorites => "Favorites",
            L::NothingHere => "Nothing here yet",
            L::Call => "Call",
            L::Star => "Add to favorites",
            L::Unstar => "Remove from favorites",
            L::MoreCallOptions => "More ways to call",
            L::IncomingCall => "Incoming call",
            L::Settings => "Settings",
            L::VoiceHeading => "Your voice",
            L::VoiceProcessing => {
                "The browser's echo cancellation and automatic gain (and its noise suppression \
                 while ours is off)"
            }
            L::AppliesNextSignIn => "Applies from the next sign-in",
            L::NoiseSuppression => "Noise suppression (on this computer, before the call hears you)",
            L::NoiseStrength => "Strength",
            L::HangUpQuestionText => "End the conference for everyone, or leave it to the others?",
            L::ResultAnswered => "Answered",
            L::ResultMissed => "Missed",
            L::ResultDeclined => "Declined",
            L::ResultBusy => "Busy",
            L::ResultNotFound => "Not found",
            L::ResultNoAnswer => "No answer",
            L::ResultFailed => "Failed",
            L::IncomingShort => "in",
            L::OutgoingShort => "out",
            L::DigitsReceived => "Digits received",
            L::Shortcuts => "Keyboard shortcuts",
            L::ShortcutsList => "Alt+A answer · Alt+E end call · Alt+H hold or retrieve · Alt+M mute · digits send tones during a call · ? this help",
            L::Close => "Close",
            L::Calls => "Calls",
            L::Conference => "Conference",
            L::Participants => "participants",
            L::Speaking => "speaking",
            L::Remember => "Remember the password in this browser",
            L::Account => "Account",
            L::DisplayName => "Display name",
            L::AuthUser => "Authorization user (if not the SIP address's user)",
            L::TurnServers => "TURN servers",
            L::TurnUsername => "TURN username",
            L::TurnCredential => "TURN credential",
            L::Ringtone => "Ringtone",
            L::RingtoneLong => "Long (2 s on, 4 s off)",
            L::RingtoneDouble => "Double (ring-ring)",
            L::RingtoneShort => "Short (1 s on, 4 s off)",
            L::Preview => "Play",
        }
    }

    fn registration(&self, status: &RegStatus) -> String {
        match status {
            RegStatus::SignedOut => "Signed out".into(),
            RegStatus::Registering => "Registering…".into(),
            RegStatus::Registered => "Registered".into(),
            RegStatus::Failed(why) => format!("Not registered: {}", self.reg_failure(*why)),
            RegStatus::SigningOut => "Signing out…".into(),
        }
    }

    fn reg_failure(&self, failure: RegFailure) -> &'static str {
        match failure {
            RegFailure::WrongCredentials => "wrong credentials",
            RegFailure::Rejected { .. } => "the server refused the registration",
            RegFailure::Timeout => "no answer from the server",
            RegFailure::ConnectionLost => "connection to the server lost",
        }
    }

    fn line_state(&self, state: &LineState) -> String {
        match state {
            LineState::Dialing => "Dialing".into(),
            LineState::Ringing => "Ringing".into(),
            LineState::Incoming => "Incoming".into(),
            LineState::Answering => "Connecting".into(),
            LineState::Connected => "Connected".into(),
            LineState::Ended(outcome) => match outcome {
                Outcome::HungUp => "Ended".into(),
                Outcome::Declined => "Declined".into(),
                Outcome::Busy => "Busy".into(),
                Outcome::NotFound => "Number not found".into(),
                Outcome::NoAnswer => "No answer".into(),
                Outcome::Missed => "Missed".into(),
                Outcome::Failed(why) => format!("Failed: {}", self.failure(why)),
            },
        }
    }

    fn failure(&self, failure: &Failure) -> String {
        match failure {
            Failure::Status(status) => format!("the call was refused ({status})"),
            Failure::Media(e) => format!("audio failed: {}", self.media_error(*e)),
            Failure::Unknown => "call ended".into(),
        }
    }

    fn media_error(&self, error: MediaError) -> &'static str {
        match error {
            MediaError::Microphone => "the microphone could not be opened",
            MediaError::RemoteDescription => "the other side's audio settings were refused",
            MediaError::LocalDescription => "the browser could not offer audio",
            MediaError::PeerConnection => "the browser could not start a media connection",
            MediaError::Ice => "the media connection failed",
        }
    }

    fn notice(&self, notice: &Notice) -> String {
        use Notice as N;
        match notice {
            N::NotRegistered => "Not registered".into(),
            N::BadTarget(e) => self.target_error(e),
            N::OwnNumber => "That is your own number".into(),
            N::NoFreeLine => "No free line: end a call first".into(),
            N::NotDtmf { digit } => format!("{digit} is not a DTMF digit"),
            N::NoCallForDtmf => "No call to send tones to".into(),
            N::SdpUnreadable { party } => {
                format!("{party} cannot be updated: our session description is unreadable")
            }
            N::StillUpdating { party } => format!("{party} is still being updated; try again"),
            N::CannotUpdate { party } => format!("{party} cannot be updated right now; try again"),
            N::HoldFailed { party, status } => format!("Could not hold {party} ({status})"),
            N::RetrieveFailed { party, status } => {
                format!("Could not retrieve {party} ({status})")
            }
            N::MediaRestartFailed { party } => {
                format!("The audio path to {party} failed and could not be restarted")
            }
            N::HostUnreachable => "The host cannot be asked right now; try again".into(),
            N::AddFailed { party, status } => {
                format!("The host could not add {party} ({status}); your calls are as they were")
            }
            N::MergeNotPossible => {
                "Merge needs a connected consultation call and a call on hold".into()
            }
            N::OnlyHostDisconnects => "Only the host can disconnect a participant".into(),
            N::OnlyHostEnds => "Only the host can end the conference".into(),
            N::LeaveNeedsThree { count } => {
                format!("The host can leave only when three participants remain (now {count})")
            }
            N::LeaveNeedsConnected => "Wait until a participant is connected, then leave".into(),
            N::TransferNotStarted => "The transfer could not be started".into(),
            N::TransferNeedsConsultation => "Transfer needs a connected call to transfer to".into(),
            N::TransferNotPossible => {
                "Only a connected call can be transferred, one at a time".into()
            }
            N::Transferred => "Transferred".into(),
            N::TransferFailed { status } => {
                format!("The transfer failed ({status}); the call is on hold, retrieve it to go on")
            }
            N::LeftConference => "You left the conference; the others are still talking".into(),
            N::Bridging { status } => {
                let why = status.map(|s| format!(" ({s})")).unwrap_or_default();
                // The button it points to, by its own label, so the two never drift apart.
                let end = self.label(Label::EndConference);
                format!("The transfer failed{why}; your phone keeps the others connected. Press “{end}” to hang up both.")
            }
            N::RosterUnreadable => "Conference details were unreadable".into(),
            N::PoorQuality { party, mos_centi } => format!(
                "The audio with {party} is poor (estimated MOS {}): the network is losing or delaying packets",
                super::centi(u32::from(*mos_centi), '.')
            ),
            N::NotSent { party, what } => {
                let what = match what {
                    Unsent::HangUp => "hang-up",
                    Unsent::Hold => "hold",
                    Unsent::Retrieve => "retrieve",
                    Unsent::Transfer => "transfer",
                    Unsent::Dtmf => "keypad tones",
                    Unsent::Call => "call",
                };
                let secs = HELD_LIMIT.as_secs();
                format!("Could not send your {what} to {party}: the connection was down for more than {secs} seconds")
            }
        }
    }

    fn reason(&self, reason: Reason) -> String {
        use Reason as R;
        match reason {
            R::NotRegistered => "Not registered".into(),
            R::LinesBusy => "Every line is busy".into(),
            R::NotHoldable => "Only a connected call that is not on hold can be held".into(),
            R::NotOnHold => "The call is not on hold".into(),
            R::NotConnected => "Only during a connected call".into(),
            R::NotTransferable => {
                "Only a connected call outside a conference can be transferred, one at a time".into()
            }
            R::MergeNeedsConsultation => {
                "Merge needs a connected consultation call and a call on hold".into()
            }
            R::OnlyHostDisconnects => "Only the host can disconnect a participant".into(),
            R::NotParticipant => "Not a conference participant".into(),
            R::OnlyHostEnds => "Only the host of a conference can end it".into(),
            R::NotInConference => "Not in a conference".into(),
            R::LeaveNeedsThree { count } => format!(
                "The host can leave only while the conference has exactly three participants; it has {count}"
            ),
        }
    }

    fn party_status(&self, status: PartyStatus) -> &'static str {
        match status {
            PartyStatus::DialingOut => "dialing",
            PartyStatus::Alerting => "ringing",
            PartyStatus::Connected => "connected",
            PartyStatus::OnHold => "on hold",
            PartyStatus::Disconnected => "left",
            PartyStatus::Other => "joining",
        }
    }

    fn media_health(&self, health: MediaHealth) -> &'static str {
        match health {
            MediaHealth::Connecting => "audio connecting",
            MediaHealth::Connected => "audio connected",
            MediaHealth::Interrupted => "audio interrupted",
            MediaHealth::Restarting => "audio reconnecting",
            MediaHealth::Failed => "audio failed",
        }
    }

    fn quality_level(&self, level: QualityLevel) -> &'static str {
        match level {
            QualityLevel::Good => "good",
            QualityLevel::Fair => "fair",
            QualityLevel::Poor => "poor",
        }
    }

    fn quality(&self, q: &CallQuality) -> String {
        let rtt = q
            .rtt_ms
            .map_or_else(|| "not measured yet".to_owned(), |ms| format!("{ms} ms"));
        format!(
            "Call quality {}: estimated MOS {}, packet loss {} %, jitter {} ms, round trip {rtt}",
            self.quality_level(q.level),
            super::centi(u32::from(q.mos_centi), '.'),
            super::centi(u32::from(q.loss_centi_percent), '.'),
            q.jitter_ms,
        )
    }

    fn sign_in_error(&self, error: &SignInError) -> String {
        match error {
            SignInError::BadAddress => "The SIP address is not valid".into(),
            SignInError::NoUser => "The SIP address has no user part".into(),
            SignInError::NoServer => "Enter the server address".into(),
            SignInError::BadServer { url } => {
                format!(
                    "{url}: the server address must start with wss:// (or ws:// on this machine)"
                )
            }
            SignInError::InsecureServer { url } => {
                format!("ws:// would send your calls' signalling in clear: use wss://{url}")
            }
            SignInError::NoPassword => "Enter the password".into(),
            SignInError::BadIceServer { url } => {
                format!("{url}: STUN servers start with stun:, TURN servers with turn: or turns:")
            }
            SignInError::TurnNeedsCredentials => {
                "TURN servers need a TURN username and credential".into()
            }
            SignInError::MicrophoneBlockedByFrame => {
                "This page embeds the phone without access to \
                the microphone, so calls cannot work. Ask whoever runs this page to add \
                allow=\"microphone\" to the phone's iframe."
                    .into()
            }
            SignInError::Audio(e) => format!("Audio could not start: {e}"),
            _ => "Cannot sign in".into(),
        }
    }

    fn target_error(&self, error: &TargetError) -> String {
        match error {
            TargetError::Empty => "Enter a number or SIP address".into(),
            TargetError::Invalid(s) => format!("Not a number or SIP address: {s}"),
        }
    }
}

pub(super) fn loading(what: Loading) -> &'static str {
    match what {
        Loading::Slow => "Still loading the phone…",
        Loading::Failed => "The phone could not load. Check the connection, then reload the page.",
        Loading::Reload => "Reload",
    }
}
