//! Adapters between the sans-IO engine and the browser edge.

mod driver;
mod media;

pub(crate) use driver::Driver;
