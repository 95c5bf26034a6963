//! The control icons, drawn inline (no icon font, nothing fetched: every glyph renders the
//! same on every machine).

use leptos::prelude::*;

/// An icon of the call card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Icon {
    Hold,
    Play,
    Mic,
    Keypad,
    Plus,
    Merge,
    Transfer,
    Leave,
    Close,
    Phone,
    SignOut,
}

impl Icon {
    /// SVG path data on a 24x24 grid.
    const fn path(self) -> &'static str {
        match self {
            Self::Hold => "M7 5h3v14H7zM14 5h3v14h-3z",
            Self::Play => "M8 5v14l11-7z",
            Self::Mic => "M12 14a3 3 0 0 0 3-3V6a3 3 0 0 0-6 0v5a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9z",
            Self::Keypad => "M6 4h3v3H6zM10.5 4h3v3h-3zM15 4h3v3h-3zM6 9h3v3H6zM10.5 9h3v3h-3zM15 9h3v3h-3zM6 14h3v3H6zM10.5 14h3v3h-3zM15 14h3v3h-3zM10.5 19h3v3h-3z",
            Self::Plus => "M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z",
            Self::Merge => "M6 4h2v5.6l4 4 4-4V4h2v6.4l-5 5V20h-2v-4.6l-5-5z",
            Self::Transfer => "M14 5l5 5-5 5v-3.5H9a3 3 0 0 0-3 3V19H4v-4.5a5 5 0 0 1 5-5h5z",
            Self::Leave => "M10 4h9v16h-9v-2h7V6h-7zM9 8l1.4 1.4L8.8 11H15v2H8.8l1.6 1.6L9 16l-4-4z",
            Self::Close => "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z",
            // A power symbol: a bar in a ring open at the top.
            Self::SignOut => "M11 2h2v10h-2zM6.86 6.87A8 8 0 1 0 17.14 6.87L15.86 8.4A6 6 0 1 1 8.14 8.4z",
            Self::Phone => "M6.6 10.8a15 15 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.6a1 1 0 0 1-.25 1z",
        }
    }

    pub(crate) fn view(self) -> impl IntoView {
        view! {
            <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                <path d=self.path() fill="currentColor" />
            </svg>
        }
    }
}
