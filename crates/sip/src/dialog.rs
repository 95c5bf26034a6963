//! Dialogs (RFC 3261 §12): the state two user agents share once a dialog-creating request
//! has been answered, and the in-dialog requests built from it.

use crate::{Method, NameAddr, ParseError, Request, Response, Uri};

/// Why a dialog could not be built from a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DialogError {
    /// A header the dialog needs is missing or malformed.
    #[error("cannot build dialog: {0}")]
    Header(#[from] ParseError),
    /// The peer did not put a tag where RFC 3261 requires one.
    #[error("cannot build dialog: the remote party sent no tag")]
    NoRemoteTag,
    /// The peer sent no Contact, so there is nowhere to send in-dialog requests.
    #[error("cannot build dialog: no Contact")]
    NoContact,
}

/// One dialog, seen from this user agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    /// The Call-ID shared by both ends.
    pub call_id: String,
    /// Our tag.
    pub local_tag: String,
    /// The peer's tag.
    pub remote_tag: String,
    /// Our address (From of our requests), without tag.
    pub local: NameAddr,
    /// The peer's address (To of our requests), without tag.
    pub remote: NameAddr,
    /// Where in-dialog requests go (the peer's Contact).
    pub remote_target: Uri,
    /// Route headers for in-dialog requests, in the order they are sent.
    pub route_set: Vec<NameAddr>,
    /// The CSeq of the last request we sent.
    pub local_seq: u32,
    /// The CSeq of the last request the peer sent, if any.
    pub remote_seq: Option<u32>,
}

fn without_tag(mut addr: NameAddr) -> NameAddr {
    addr.params.remove("tag");
    addr
}

fn first_contact(contacts: Vec<NameAddr>) -> Result<Uri, DialogError> {
    contacts
        .into_iter()
        .next()
        .map(|c| c.uri)
        .ok_or(DialogError::NoContact)
}

impl Dialog {
    /// The dialog of a UAC, from its request and a 1xx (with To tag) or 2xx answer.
    pub fn as_uac(request: &Request, response: &Response) -> Result<Self, DialogError> {
        let from = request.headers.from()?;
        let to = response.headers.to()?;
        let remote_tag = to.tag().ok_or(DialogError::NoRemoteTag)?.to_owned();
        let mut route_set = response.headers.record_routes()?;
        route_set.reverse();
        Ok(Self {
            call_id: request.headers.call_id()?.to_owned(),
            local_tag: from.tag().unwrap_or_default().to_owned(),
            remote_tag,
            local: without_tag(from),
            remote: without_tag(to),
            remote_target: first_contact(response.headers.contacts()?)?,
            route_set,
            local_seq: request.headers.cseq()?.seq,
            remote_seq: None,
        })
    }

    /// The dialog of a UAS that answers `request` with `local_tag`.
    pub fn as_uas(request: &Request, local_tag: &str) -> Result<Self, DialogError> {
        let from = request.headers.from()?;
        let remote_tag = from.tag().ok_or(DialogError::NoRemoteTag)?.to_owned();
        Ok(Self {
            call_id: request.headers.call_id()?.to_owned(),
            local_tag: local_tag.to_owned(),
            remote_tag,
            local: without_tag(request.headers.to()?),
            remote: without_tag(from),
            remote_target: first_contact(request.headers.contacts()?)?,
            route_set: request.headers.record_routes()?,
            local_seq: 0,
            remote_seq: Some(request.headers.cseq()?.seq),
        })
    }

    /// Whether `request` belongs to this dialog (Call-ID and both tags match).
    pub fn matches(&self, request: &Request) -> bool {
        let same_call = request.headers.call_id().is_ok_and(|c| c == self.call_id);
        let from_tag = request.headers.from().ok();
        let to_tag = request.headers.to().ok();
        same_call
            && from_tag.as_ref().and_then(NameAddr::tag) == Some(self.remote_tag.as_str())
            && to_tag.as_ref().and_then(NameAddr::tag) == Some(self.local_tag.as_str())
    }

    /// A new in-dialog request (not ACK or CANCEL): next CSeq, remote target, route set.
    /// The caller adds Via when it sends it.
    pub fn request(&mut self, method: Method) -> Request {
        self.local_seq += 1;
        self.build(method, self.local_seq)
    }

    /// The ACK for a 2xx to the INVITE with CSeq `invite_seq` (§13.2.2.4).
    pub fn ack(&self, invite_seq: u32) -> Request {
        self.build(Method::Ack, invite_seq)
    }

    fn build(&self, method: Method, seq: u32) -> Request {
        let mut req = Request::new(method.clone(), self.remote_target.clone());
        req.headers.push("Max-Forwards", "70");
        req.headers.push(
            "From",
            self.local.clone().with_tag(&self.local_tag).to_string(),
        );
        req.headers.push(
            "To",
            self.remote.clone().with_tag(&self.remote_tag).to_string(),
        );
        req.headers.push("Call-ID", self.call_id.clone());
        req.headers.push("CSeq", format!("{seq} {method}"));
        for route in &self.route_set {
            req.headers.push("Route", route.to_string());
        }
        req
    }
}
