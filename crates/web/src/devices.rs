//! The audio devices the browser offers (after microphone permission, with their labels),
//! and a hook for when one comes or goes.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use crate::error::{await_promise, window, JsResultExt, WebError};

/// Microphone or speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    /// `audioinput`
    Microphone,
    /// `audiooutput`
    Speaker,
}

/// One device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioDevice {
    /// Microphone or speaker.
    pub kind: DeviceKind,
    /// The `deviceId` to ask for it by (stable per origin).
    pub id: String,
    /// What to show; the browser's label, or the id when it gives none.
    pub label: String,
}

fn text(v: &JsValue, key: &str) -> String {
    Reflect::get(v, &JsValue::from_str(key))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// `navigator.mediaDevices.enumerateDevices()`, audio only.
pub async fn audio_devices() -> Result<Vec<AudioDevice>, WebError> {
    let devices = window()?
        .navigator()
        .media_devices()
        .op("navigator.mediaDevices")?;
    let list = await_promise(
        devices.enumerate_devices().op("enumerateDevices")?,
        "enumerateDevices",
    )
    .await?;
    let list: Array = list.unchecked_into();
    Ok(list
        .iter()
        .filter_map(|d| {
            let kind = match text(&d, "kind").as_str() {
                "audioinput" => DeviceKind::Microphone,
                "audiooutput" => DeviceKind::Speaker,
                _ => return None,
            };
            let id = text(&d, "deviceId");
            let label = Some(text(&d, "label"))
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| id.clone());
            Some(AudioDevice { kind, id, label })
        })
        .collect())
}

/// Calls `f` whenever a device is plugged in or out, until the returned guard is dropped.
pub struct DeviceWatch {
    devices: web_sys::MediaDevices,
    _on_change: Closure<dyn FnMut()>,
}

impl DeviceWatch {
    /// Starts watching.
    pub fn new(f: impl FnMut() + 'static) -> Result<Self, WebError> {
        let devices = window()?
            .navigator()
            .media_devices()
            .op("navigator.mediaDevices")?;
        let on_change = Closure::<dyn FnMut()>::new(f);
        devices.set_ondevicechange(Some(on_change.as_ref().unchecked_ref()));
        Ok(Self {
            devices,
            _on_change: on_change,
        })
    }
}

impl Drop for DeviceWatch {
    fn drop(&mut self) {
        self.devices.set_ondevicechange(None);
    }
}
