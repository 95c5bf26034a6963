//! The agent's softphone: Leptos components over the sans-IO `phone` engine.
#![forbid(unsafe_code)]
// Leptos' `#[component]` macro emits `pub` props types for `pub(crate)` components.
#![allow(unreachable_pub)]

mod components;
mod services;
mod state;
mod strings;

pub use components::App;
