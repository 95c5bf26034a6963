//! Who is in the conference, for everyone (C11): the focus advertises `isfocus`, answers
//! participants' subscriptions and NOTIFYs the roster whenever it changes; a participant
//! subscribes to its focus and shows what it hears.

use sip::{CallId, ConferenceInfo, ConferenceUser, ElementState};
use web_time::Instant;

use super::{Conference, Phone};
use crate::view::{LineState, Participant, PartyStatus};
use crate::words::Notice;

impl Phone {
    /// The conference, created if needed; from now on our Contact says `isfocus`.
    pub(super) fn host_conference(&mut self) -> &mut Conference {
        self.ua.set_focus(true);
        self.conference.get_or_insert_with(Conference::default)
    }

    /// The roster as the focus knows it: the agent first, then every live member.
    fn own_roster(&self) -> Vec<ConferenceUser> {
        let me = &self.cfg.ua;
        let mut users = vec![ConferenceUser {
            entity: me.aor.to_string(),
            display: Some(
                me.display_name
                    .clone()
                    .unwrap_or_else(|| me.aor.user.clone().unwrap_or_default()),
            ),
            status: if self.agent_out() {
                PartyStatus::Disconnected
            } else {
                PartyStatus::Connected
            }
            .token()
            .into(),
            state: ElementState::Full,
        }];
        for l in self.lines.values().filter(|l| l.live() && l.in_conference) {
            let status = match l.state {
                LineState::Dialing => PartyStatus::DialingOut,
                LineState::Ringing => PartyStatus::Alerting,
                _ if l.on_hold() => PartyStatus::OnHold,
                _ => PartyStatus::Connected,
            }
            .token();
            users.push(ConferenceUser {
                entity: l.remote_uri.clone(),
                display: Some(l.peer.clone()),
                status: status.into(),
                state: ElementState::Full,
            });
        }
        users
    }

    /// Keeps participants informed after every step: `isfocus` reaches every member's
    /// dialog (a target refresh where nothing else carried it), and subscribers get the
    /// roster whenever it changed. A participant subscribes to a focus as soon as it
    /// learns of one.
    pub(super) fn sync_conference(&mut self, now: Instant) {
        let hosting = self.conference.is_some();
        self.ua.set_focus(hosting);
        let ids: Vec<_> = self.lines.keys().copied().collect();
        for id in ids {
            let Some(l) = self.lines.get(&id) else {
                continue;
            };
            let Some(call) = l.call.filter(|_| l.connected()) else {
                continue;
            };
            if hosting && l.in_conference && !l.told_focus {
                let busy = l.hold.changing() || self.ua.renegotiating(call);
                if !busy {
                    let hold = l.on_hold();
                    self.refresh_target(id, hold, now);
                }
                if let Some(l) = self.lines.get_mut(&id) {
                    l.told_focus = true;
                }
            }
            let l = &self.lines[&id];
            if !l.subscribed
                && self.ua.peer_is_focus(call)
                && self.ua.subscribe_conference(call, now).is_ok()
            {
                if let Some(l) = self.lines.get_mut(&id) {
                    l.subscribed = true;
                }
            }
        }
        self.notify_subscribers(false, now);
    }

    /// Sends the roster to every subscriber if it changed since the last NOTIFY (or always,
    /// with `force`).
    pub(super) fn notify_subscribers(&mut self, force: bool, now: Instant) {
        let users = self.own_roster();
        let Some(conf) = self.conference.as_mut() else {
            return;
        };
        if !force && conf.last_roster.as_ref() == Some(&users) {
            return;
        }
        self.roster_version += 1;
        conf.last_roster = Some(users.clone());
        let info = ConferenceInfo {
            entity: self.ua.contact_uri().to_string(),
            version: self.roster_version,
            full: true,
            users,
        };
        let body = info.to_xml();
        let subs: Vec<CallId> = self
            .lines
            .values()
            .filter(|l| l.live() && l.subscriber && l.in_conference)
            .filter_map(|l| l.call)
            .collect();
        for call in subs {
            let _ = self.ua.notify_conference(call, body.clone(), false, now);
        }
    }

    /// Ends the subscription of a line that leaves our conference (it is a plain call now).
    pub(super) fn unsubscribe_member(&mut self, id: super::LineId, now: Instant) {
        let Some(l) = self.lines.get_mut(&id).filter(|l| l.subscriber) else {
            return;
        };
        l.subscriber = false;
        if let Some(call) = l.call {
            let body = ConferenceInfo {
                entity: self.ua.contact_uri().to_string(),
                version: u32::MAX,
                full: true,
                users: Vec::new(),
            };
            let _ = self.ua.notify_conference(call, body.to_xml(), true, now);
        }
    }

    pub(super) fn conference_subscribed(&mut self, call: CallId, now: Instant) {
        let Some(id) = self.line_of(call) else { return };
        if let Some(l) = self.lines.get_mut(&id) {
            l.subscriber = true;
        }
        self.notify_subscribers(true, now);
    }

    /// What our focus says, merged into what it said before (RFC 4575): a late or repeated
    /// NOTIFY, or a partial one before any full state, is discarded and changes nothing.
    pub(super) fn conference_state(&mut self, call: CallId, body: &str, ended: bool) {
        let Some(id) = self.line_of(call) else { return };
        let parsed = if ended {
            Ok(None)
        } else {
            ConferenceInfo::parse(body).map(Some)
        };
        match parsed {
            Ok(Some(info)) => {
                if let Some(l) = self.lines.get_mut(&id) {
                    if let Ok(next) = ConferenceInfo::next(l.roster.as_ref(), info) {
                        l.roster = Some(next);
                    }
                }
            }
            // The subscription is over; we do not subscribe again in this dialog.
            Ok(None) => {
                if let Some(l) = self.lines.get_mut(&id) {
                    l.roster = None;
                }
            }
            Err(_) => self.notice = Some(Notice::RosterUnreadable),
        }
    }

    /// Whether an address is on our own SIP domain (an internal participant, spec terms).
    /// A WebSocket client's Contact (RFC 7118 `.invalid` host) is another browser phone on
    /// our proxy: a party handed over by Replaces is known only by that Contact.
    pub(super) fn is_internal(&self, uri: &str) -> bool {
        uri.parse::<sip::Uri>().is_ok_and(|u| {
            u.host.eq_ignore_ascii_case(&self.cfg.ua.aor.host) || u.host.ends_with(".invalid")
        })
    }

    /// The roster shown in the Contact Info panel: ours as host, else our focus's.
    pub(super) fn roster_view(&self) -> Option<(bool, Vec<Participant>)> {
        let to_view = |u: &ConferenceUser| Participant {
            name: sip::display_text(u.display.as_deref().unwrap_or(&u.entity)),
            status: PartyStatus::from_token(&u.status),
            internal: self.is_internal(&u.entity),
            leg: None,
            quality: None,
            host: false,
        };
        if self.conference.is_some() {
            // Our own rows follow `own_roster`'s order: the agent (the host), then each
            // member line.
            let legs = std::iter::once(None).chain(
                self.lines
                    .values()
                    .filter(|l| l.live() && l.in_conference)
                    .map(|l| Some((l.id, l.media, l.quality))),
            );
            let rows = self
                .own_roster()
                .iter()
                .zip(legs)
                .enumerate()
                .map(|(i, (u, leg))| Participant {
                    leg: leg.map(|(id, media, _)| (id, media)),
                    quality: leg.and_then(|(_, _, q)| q),
                    host: i == 0,
                    ..to_view(u)
                })
                .collect();
            return Some((true, rows));
        }
        // The focus may know us by our AOR or by our Contact.
        let others = |u: &&ConferenceUser| {
            !u.entity
                .parse::<sip::Uri>()
                .is_ok_and(|uri| self.ua.is_own_uri(&uri))
        };
        self.lines
            .values()
            .filter(|l| l.live())
            .find_map(|l| l.roster.as_ref().map(|r| (l, r)))
            .map(|(focus, r)| {
                let rows = r
                    .users
                    .iter()
                    .filter(others)
                    .map(|u| Participant {
                        host: same_user(&u.entity, &focus.remote_uri),
                        ..to_view(u)
                    })
                    .collect();
                (false, rows)
            })
    }
}

/// Whether two URIs name the same user at the same host (the focus lists itself by its AOR,
/// which is what our dialog with it names as the remote party).
fn same_user(a: &str, b: &str) -> bool {
    match (a.parse::<sip::Uri>(), b.parse::<sip::Uri>()) {
        (Ok(a), Ok(b)) => a.user == b.user && a.host.eq_ignore_ascii_case(&b.host),
        _ => false,
    }
}
