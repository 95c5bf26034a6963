//! Typed header values, one module per header. Each type parses from and prints to the
//! header's value text and round-trips.

pub(crate) mod auth;
pub(crate) mod cseq;
pub(crate) mod date;
pub(crate) mod name_addr;
pub(crate) mod numeric;
pub(crate) mod params;
pub(crate) mod rack;
pub(crate) mod via;
