//! A leg's call quality as a small indicator: a shape and a word per level (not colour
//! alone), the figures in its tooltip and in the text a screen reader speaks.

use leptos::prelude::*;

use super::attrs::attr;
use web::{CallQuality, QualityLevel};

use crate::i18n;
use crate::state::use_lang;

/// The indicator for `quality`; nothing until the leg's first report.
#[component]
pub(crate) fn QualityBadge(
    quality: Signal<Option<CallQuality>>,
    /// The `data-testid` tests find it by.
    testid: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    move || {
        quality.get().map(|q| {
            let tag = match q.level {
                QualityLevel::Good => "good",
                QualityLevel::Fair => "fair",
                QualityLevel::Poor => "poor",
            };
            // Bars filled by level: three for good, two for fair, one for poor.
            let bars = match q.level {
                QualityLevel::Good => "▮▮▮",
                QualityLevel::Fair => "▮▮▯",
                QualityLevel::Poor => "▮▯▯",
            };
            let details = i18n::quality(lang.get(), &q);
            view! {
                <span class=format!("quality {tag}") data-testid=testid data-level=tag
                    data-mos=q.mos_centi data-loss=q.loss_centi_percent
                    {..attr("title", details.clone())} {..attr("role", "img")} {..attr("aria-label", details)}>
                    <span {..attr("aria-hidden", "true")}>{bars} " " {i18n::quality_level(lang.get(), q.level)}</span>
                </span>
            }
            .into_any()
        })
    }
}
