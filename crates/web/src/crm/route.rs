//! The one place where a CRM command becomes what the phone does: engine commands, checked
//! against the same rules the agent's buttons show, or a request for the app (Directory,
//! language, sign-in). Pure, so every mapping is tested natively.

use embed::{Command as Crm, Deployment, DirectoryEntry, ErrorReason, Language};
use phone::{Command, LineId, LineState, LineView, PhoneView, RegStatus};

use crate::account::Account;

/// What the app, not the engine, carries out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppRequest {
    /// Replace the Directory.
    SetDirectory(Vec<DirectoryEntry>),
    /// Switch the language.
    SetLanguage(Language),
    /// Sign in with these credentials (only where the deployment allows it); the app fills
    /// in its `instance_id`. Boxed: an `Account` is ten times the size of the other requests
    /// on a 64-bit target, and a sign-in comes once, so the allocation costs nothing.
    SignIn(Box<Account>),
}

/// Where a command goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// To the engine, in order.
    Phone(Vec<Command>),
    /// To the app.
    App(AppRequest),
}

/// Maps `cmd` given the phone as the agent sees it now. A refusal changes nothing.
pub(crate) fn route(
    cmd: Crm,
    view: &PhoneView,
    deployment: &Deployment,
) -> Result<Route, ErrorReason> {
    let phone = |cmds: Vec<Command>| Ok(Route::Phone(cmds));
    match cmd {
        Crm::SetDirectory { entries } => return Ok(Route::App(AppRequest::SetDirectory(entries))),
        Crm::SetLanguage { language } => return Ok(Route::App(AppRequest::SetLanguage(language))),
        Crm::SignIn {
            sip_uri,
            password,
            servers,
        } => {
            if !deployment.credentials_sign_in {
                return Err(ErrorReason::SignInDisabled);
            }
            if view.registration != RegStatus::SignedOut {
                return Err(ErrorReason::AlreadySignedIn);
            }
            return Ok(Route::App(AppRequest::SignIn(Box::new(Account {
                sip_uri,
                password,
                edges: servers,
                // The app's, which it keeps per browser profile.
                instance_id: String::new(),
                ..Account::default()
            }))));
        }
        _ if view.registration != RegStatus::Registered => return Err(ErrorReason::NotSignedIn),
        _ => {}
    }
    match cmd {
        Crm::Dial {
            number,
            single_step: Some(true),
        } => {
            allowed(view.controls.single_step.enabled)?;
            phone(vec![Command::DialConference(number)])
        }
        Crm::Dial { number, .. } => {
            allowed(view.controls.dial.enabled)?;
            phone(vec![Command::Dial(number)])
        }
        Crm::Answer { call } => {
            let line = ringing(view, call)?;
            phone(vec![match call {
                Some(_) => Command::AnswerLine(line.id),
                None => Command::Answer,
            }])
        }
        Crm::Decline => {
            ringing(view, None)?;
            phone(vec![Command::Decline])
        }
        Crm::HangUp { call } => {
            let line = line(view, call)?;
            allowed(line.can_hang_up)?;
            phone(vec![match call {
                Some(_) => Command::HangUpLine(line.id),
                None => Command::HangUp,
            }])
        }
        Crm::Hold { call } => {
            let line = line(view, call)?;
            allowed(line.hold.enabled)?;
            phone(vec![Command::Hold(line.id)])
        }
        Crm::Retrieve { call } => {
            let line = line(view, Some(call))?;
            allowed(line.retrieve.enabled)?;
            phone(vec![Command::Retrieve(line.id)])
        }
        Crm::Mute { on } => phone(vec![Command::Mute(on)]),
        Crm::Dtmf { digits } => {
            let line = line(view, None)?;
            allowed(line.state == LineState::Connected && !line.held)?;
            phone(digits.chars().map(Command::Dtmf).collect())
        }
        Crm::BlindTransfer { call, number } => {
            let line = line(view, call)?;
            allowed(line.transfer.enabled)?;
            phone(vec![Command::BlindTransfer {
                line: line.id,
                target: number,
            }])
        }
        Crm::AttendedTransfer { call, to } => {
            let from = line(view, Some(call))?;
            let to = line(view, Some(to))?;
            allowed(from.transfer.enabled && from.id != to.id)?;
            phone(vec![Command::AttendedTransfer {
                line: from.id,
                to: to.id,
            }])
        }
        Crm::Merge => {
            allowed(view.controls.merge.enabled)?;
            phone(vec![Command::Merge])
        }
        // Handled above; a command added to the schema later is refused until mapped here.
        _ => Err(ErrorReason::UnknownCommand),
    }
}

fn allowed(ok: bool) -> Result<(), ErrorReason> {
    if ok {
        Ok(())
    } else {
        Err(ErrorReason::NotAllowed)
    }
}

/// The line named `call`, else the one the agent is on.
fn line(view: &PhoneView, call: Option<u32>) -> Result<&LineView, ErrorReason> {
    match call {
        Some(id) => view.lines.iter().find(|l| l.id == LineId(id)),
        None => view.line.as_ref(),
    }
    .filter(|l| !matches!(l.state, LineState::Ended(_)))
    .ok_or(ErrorReason::NoSuchCall)
}

/// The ringing line named `call`, else any ringing line.
fn ringing(view: &PhoneView, call: Option<u32>) -> Result<&LineView, ErrorReason> {
    view.lines
        .iter()
        .find(|l| l.can_answer && call.is_none_or(|id| l.id == LineId(id)))
        .ok_or(ErrorReason::NoSuchCall)
}

#[cfg(test)]
mod tests {
    use super::*;
    use phone::{Control, Direction, MediaHealth};

    fn registered() -> PhoneView {
        let mut v = PhoneView::signed_out();
        v.registration = RegStatus::Registered;
        v.controls.dial = Control::ON;
        v
    }

    fn line(id: u32, state: LineState) -> LineView {
        LineView {
            id: LineId(id),
            peer: "Bea".into(),
            number: "2002".into(),
            direction: Direction::Incoming,
            can_answer: state == LineState::Incoming,
            state,
            held: false,
            remote_held: false,
            reconnecting: false,
            in_conference: false,
            port: 1,
            internal: true,
            connected_at: None,
            media: MediaHealth::Connecting,
            quality: None,
            can_hang_up: true,
            hold: Control::ON,
            retrieve: Control::off(phone::Reason::NotRegistered),
            disconnect: Control::ON,
            transfer: Control::ON,
            dtmf_received: String::new(),
        }
    }

    fn go(cmd: Crm, view: &PhoneView) -> Result<Route, ErrorReason> {
        route(cmd, view, &Deployment::default())
    }

    #[test]
    fn nothing_reaches_the_engine_before_registration() {
        let dial = Crm::Dial {
            number: "2002".into(),
            single_step: None,
        };
        assert_eq!(
            go(dial.clone(), &PhoneView::signed_out()),
            Err(ErrorReason::NotSignedIn)
        );
        assert_eq!(
            go(dial, &registered()),
            Ok(Route::Phone(vec![Command::Dial("2002".into())]))
        );
    }

    #[test]
    fn disabled_controls_are_refused_as_in_the_ui() {
        let v = registered();
        let single = Crm::Dial {
            number: "2003".into(),
            single_step: Some(true),
        };
        assert_eq!(go(single, &v), Err(ErrorReason::NotAllowed));
        assert_eq!(go(Crm::Merge, &v), Err(ErrorReason::NotAllowed));
    }

    #[test]
    fn calls_are_named_by_their_line_or_the_current_one() {
        let mut v = registered();
        assert_eq!(
            go(Crm::Answer { call: None }, &v),
            Err(ErrorReason::NoSuchCall)
        );
        v.lines = vec![line(1, LineState::Connected), line(2, LineState::Incoming)];
        v.line = Some(v.lines[0].clone());
        assert_eq!(
            go(Crm::Answer { call: Some(2) }, &v),
            Ok(Route::Phone(vec![Command::AnswerLine(LineId(2))]))
        );
        assert_eq!(
            go(Crm::Answer { call: Some(1) }, &v),
            Err(ErrorReason::NoSuchCall)
        );
        assert_eq!(
            go(Crm::Hold { call: None }, &v),
            Ok(Route::Phone(vec![Command::Hold(LineId(1))]))
        );
        assert_eq!(
            go(Crm::Retrieve { call: 1 }, &v),
            Err(ErrorReason::NotAllowed)
        );
        assert_eq!(
            go(Crm::HangUp { call: Some(9) }, &v),
            Err(ErrorReason::NoSuchCall)
        );
        assert_eq!(
            go(
                Crm::Dtmf {
                    digits: "1#".into()
                },
                &v
            ),
            Ok(Route::Phone(vec![Command::Dtmf('1'), Command::Dtmf('#')]))
        );
        assert_eq!(
            go(Crm::AttendedTransfer { call: 1, to: 2 }, &v),
            Ok(Route::Phone(vec![Command::AttendedTransfer {
                line: LineId(1),
                to: LineId(2)
            }]))
        );
    }

    #[test]
    fn credentials_only_where_the_deployment_allows() {
        let sign_in = Crm::SignIn {
            sip_uri: "sip:2001@127.0.0.1".into(),
            password: "pw".into(),
            servers: "ws://127.0.0.1:8088".into(),
        };
        let off = PhoneView::signed_out();
        assert_eq!(go(sign_in.clone(), &off), Err(ErrorReason::SignInDisabled));
        let on = Deployment {
            credentials_sign_in: true,
            ..Deployment::default()
        };
        assert!(matches!(
            route(sign_in.clone(), &off, &on),
            Ok(Route::App(AppRequest::SignIn(a))) if a.password == "pw"
        ));
        assert_eq!(
            route(sign_in, &registered(), &on),
            Err(ErrorReason::AlreadySignedIn)
        );
    }

    #[test]
    fn app_requests_need_no_sign_in() {
        let lang = Crm::SetLanguage {
            language: Language::Es,
        };
        assert_eq!(
            go(lang, &PhoneView::signed_out()),
            Ok(Route::App(AppRequest::SetLanguage(Language::Es)))
        );
    }
}
