//! Remote legs into the mixer: each leg's received stream feeds one worklet input.

use wasm_bindgen::prelude::*;
use web_sys::{HtmlAudioElement, MediaStream, MediaStreamAudioSourceNode};

use super::AudioEngine;
use crate::error::{ignore_promise, window, JsResultExt, WebError};

pub(super) struct Remote {
    pub(super) source: MediaStreamAudioSourceNode,
    pub(super) element: HtmlAudioElement,
}

impl AudioEngine {
    /// Feeds `remote` (a leg's received stream) into mixer input `port` (1..ports),
    /// replacing whatever fed it. Also plays it through a hidden, muted `<audio>` element:
    /// Chromium gives Web Audio only silence from a remote WebRTC track otherwise.
    pub fn attach_remote(&self, port: u32, remote: &MediaStream) -> Result<(), WebError> {
        let inner = &self.inner;
        if inner.closed.get() {
            return Err(WebError::Closed);
        }
        let slot = self.remote_slot(port)?;
        self.detach_remote(port);

        let element = hidden_audio(remote, true, ("data-softphone-port", &port.to_string()))?;

        let source = match inner.ctx.create_media_stream_source(remote) {
            Ok(source) => source,
            Err(e) => {
                remove_element(&element);
                return Err(WebError::js("createMediaStreamSource (remote)", &e));
            }
        };
        if let Err(e) = source.connect_with_audio_node_and_output_and_input(&inner.node, 0, port) {
            remove_element(&element);
            return Err(WebError::js("connect remote", &e));
        }
        inner.remotes.borrow_mut()[slot] = Some(Remote { source, element });
        Ok(())
    }

    /// Disconnects whatever feeds input `port` and removes its `<audio>` element.
    pub fn detach_remote(&self, port: u32) {
        let Ok(slot) = self.remote_slot(port) else {
            return;
        };
        let old = self.inner.remotes.borrow_mut()[slot].take();
        if let Some(old) = old {
            old.source.disconnect().ok();
            remove_element(&old.element);
        }
    }

    fn remote_slot(&self, port: u32) -> Result<usize, WebError> {
        if port == 0 || port >= self.inner.ports {
            return Err(WebError::BadPort(port));
        }
        Ok(port as usize - 1)
    }
}

/// A hidden `<audio>` element playing `stream`, appended to the body and started, marked with
/// the `attribute` (name, value) so tests can find it.
pub(super) fn hidden_audio(
    stream: &MediaStream,
    muted: bool,
    attribute: (&str, &str),
) -> Result<HtmlAudioElement, WebError> {
    let document = window()?
        .document()
        .ok_or(WebError::Unsupported("a document"))?;
    let element: HtmlAudioElement = document
        .create_element("audio")
        .op("createElement audio")?
        .unchecked_into();
    element.set_muted(muted);
    element.set_autoplay(true);
    element.set_hidden(true);
    let _ = element.set_attribute(attribute.0, attribute.1);
    element.set_src_object(Some(stream));
    document
        .body()
        .ok_or(WebError::Unsupported("a document body"))?
        .append_child(&element)
        .op("append <audio>")?;
    if let Ok(playing) = element.play() {
        ignore_promise(playing);
    }
    Ok(element)
}

pub(super) fn remove_element(element: &HtmlAudioElement) {
    element.set_src_object(None);
    element.remove();
}
