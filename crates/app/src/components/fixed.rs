//! `fixed`: an attribute with a fixed value, of one type whatever its name.
//!
//! Leptos erases every attribute of an element (`--cfg erase_components`), and a named
//! attribute such as `role="alert"` is a type of its own per name, so each name the app
//! used was its own copy of the erased attribute's build, clone and rebuild. Written
//! `{..fixed("role", "alert")}`, every fixed attribute is Leptos' custom attribute, the one
//! type `data-*` attributes already are. The DOM, and the page drawn at build time, are the
//! same. The two wholly fixed elements (the status dots) take it too: they were the app's
//! last inert HTML, and with them goes Leptos' code for it.

use leptos::tachys::html::attribute::custom::{custom_attribute, CustomAttr};

pub(crate) fn fixed(
    name: &'static str,
    value: &'static str,
) -> CustomAttr<&'static str, &'static str> {
    custom_attribute(name, value)
}
