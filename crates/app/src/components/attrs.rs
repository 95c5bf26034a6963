//! `attr` and `bound`: an element's attributes, of one type per value type whatever their
//! names.
//!
//! Leptos erases every attribute of an element (`--cfg erase_components`), and a named
//! attribute (`role="alert"`, `aria-pressed=move || ..`) is a type of its own per name and
//! value type, so each pair the app used was its own copy of the erased attribute's build,
//! clone and rebuild. Written `{..attr("role", "alert")}` or
//! `{..bound("aria-pressed", move || ..)}`, they are Leptos' custom attribute, the type
//! `data-*` attributes already are, with the same DOM and the same page drawn at build time.
//! The two status dots take it too: they were the app's last inert HTML, and with them goes
//! Leptos' code for it.

use std::sync::{Arc, Mutex};

use leptos::tachys::html::attribute::custom::{custom_attribute, CustomAttr};
use leptos::tachys::html::attribute::AttributeValue;

/// An attribute with a value given once: text, an `Option` (absent when `None`), a `bool`
/// (present when true), or a value that is reactive already, such as `said`'s.
pub(crate) fn attr<V: AttributeValue>(name: &'static str, value: V) -> CustomAttr<&'static str, V> {
    custom_attribute(name, value)
}

/// An attribute that follows the signals `f` reads, as `name=move || ..` does.
pub(crate) fn bound<T: 'static>(
    name: &'static str,
    f: impl FnMut() -> T + Send + 'static,
) -> CustomAttr<&'static str, Arc<Mutex<dyn FnMut() -> T + Send>>>
where
    Arc<Mutex<dyn FnMut() -> T + Send>>: AttributeValue,
{
    custom_attribute(name, Arc::new(Mutex::new(f)))
}
