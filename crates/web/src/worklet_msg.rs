//! The messages the page sends the mixer worklet (`www/mixer-worklet.js` documents the
//! receiving side), defined once: every message is built here from typed values, so a tone
//! or region the worklet does not know cannot be sent.

use js_sys::{Array, Object, Reflect};
use phone::{Tone, ToneRegion};
use wasm_bindgen::JsValue;

use crate::audio::NoiseSuppression;

/// One message to the worklet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum WorkletMsg<'a> {
    /// The whole matrix: `gains[from][to]`.
    Matrix {
        /// Row per input port, column per output port.
        gains: &'a [Vec<f32>],
    },
    /// Play `tone` into output `port`.
    Tone {
        /// The output.
        port: u32,
        /// Which tone.
        tone: Tone,
        /// In which country's variant.
        region: ToneRegion,
    },
    /// Fade out output `port`'s tone.
    ToneStop {
        /// The output.
        port: u32,
    },
    /// Play `tone` on the ringer output.
    Ringer {
        /// Which tone.
        tone: Tone,
        /// In which country's variant.
        region: ToneRegion,
    },
    /// Fade out the ringer.
    RingerStop,
    /// The microphone's noise suppression.
    Denoise(NoiseSuppression),
}

/// The worklet's name for a tone (its `TONES` table).
pub(crate) const fn tone_name(tone: Tone) -> &'static str {
    match tone {
        Tone::Ringback => "ringback",
        Tone::Busy => "busy",
        Tone::Reorder => "reorder",
        Tone::Ring => "ring",
        Tone::CallWaiting => "call-waiting",
    }
}

/// The worklet's name for a tone plan (its `REGIONS` table).
pub(crate) const fn region_name(region: ToneRegion) -> &'static str {
    match region {
        ToneRegion::Uk => "uk",
        ToneRegion::Europe => "eu",
        _ => "na",
    }
}

impl WorkletMsg<'_> {
    /// The plain object `port.postMessage` takes.
    pub(crate) fn to_js(self) -> JsValue {
        let msg = Object::new();
        let put = |key: &str, value: JsValue| {
            // Setting a property on a fresh plain object cannot fail.
            let _ = Reflect::set(&msg, &JsValue::from_str(key), &value);
        };
        match self {
            Self::Matrix { gains } => {
                put("type", "matrix".into());
                let rows: Array = gains
                    .iter()
                    .map(|row| row.iter().map(|&g| JsValue::from(g)).collect::<Array>())
                    .collect();
                put("gains", rows.into());
            }
            Self::Tone { port, tone, region } => {
                put("type", "tone".into());
                put("port", port.into());
                put("tone", tone_name(tone).into());
                put("region", region_name(region).into());
            }
            Self::ToneStop { port } => {
                put("type", "tone-stop".into());
                put("port", port.into());
            }
            Self::Ringer { tone, region } => {
                put("type", "ringer".into());
                put("tone", tone_name(tone).into());
                put("region", region_name(region).into());
            }
            Self::RingerStop => put("type", "ringer-stop".into()),
            Self::Denoise(noise) => {
                put("type", "denoise".into());
                put("on", noise.on.into());
                put("strength", noise.strength.into());
            }
        }
        msg.into()
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn field(v: &JsValue, key: &str) -> JsValue {
        Reflect::get(v, &JsValue::from_str(key)).unwrap()
    }

    #[wasm_bindgen_test]
    fn tone_messages_use_the_worklet_names() {
        let msg = WorkletMsg::Tone {
            port: 2,
            tone: Tone::CallWaiting,
            region: ToneRegion::Europe,
        }
        .to_js();
        assert_eq!(field(&msg, "type"), "tone");
        assert_eq!(field(&msg, "port"), 2);
        assert_eq!(field(&msg, "tone"), "call-waiting");
        assert_eq!(field(&msg, "region"), "eu");
    }

    #[wasm_bindgen_test]
    fn the_suppressor_message_carries_its_switch_and_strength() {
        let noise = NoiseSuppression {
            on: true,
            strength: 0.75,
        };
        let msg = WorkletMsg::Denoise(noise).to_js();
        assert_eq!(field(&msg, "type"), "denoise");
        assert_eq!(field(&msg, "on"), true);
        assert_eq!(field(&msg, "strength"), 0.75);
    }

    #[wasm_bindgen_test]
    fn the_matrix_is_rows_of_numbers() {
        let gains = vec![vec![0.0, 1.0], vec![1.0, 0.0]];
        let msg = WorkletMsg::Matrix { gains: &gains }.to_js();
        let rows: Array = field(&msg, "gains").into();
        assert_eq!(rows.length(), 2);
        assert_eq!(Array::from(&rows.get(0)).get(1), 1.0);
    }
}

#[cfg(test)]
mod names {
    use super::*;

    /// The worklet's tables (`www/mixer-worklet.js`) know every name this side sends.
    #[test]
    fn every_name_is_in_the_worklet() {
        let js = include_str!("../../../www/mixer-worklet.js");
        let tones = [
            Tone::Ringback,
            Tone::Busy,
            Tone::Reorder,
            Tone::Ring,
            Tone::CallWaiting,
        ];
        for tone in tones {
            let name = tone_name(tone);
            assert!(
                js.contains(&format!("{name}:")) || js.contains(&format!("\"{name}\":")),
                "{name}"
            );
        }
        for region in [ToneRegion::NorthAmerica, ToneRegion::Uk, ToneRegion::Europe] {
            assert!(js.contains(&format!("{}:", region_name(region))));
        }
        assert!(js.contains(r#"message?.type === "denoise""#));
    }
}
