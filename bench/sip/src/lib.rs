//! Exports over a byte buffer in linear memory, no wasm-bindgen: `input(len)` returns where
//! JS writes the message, `parse(len)` parses it and reads the headers a UA matches on.

use sip::Message;

static mut BUF: Vec<u8> = Vec::new();

/// Makes room for `len` bytes and returns their address.
#[no_mangle]
pub extern "C" fn input(len: usize) -> *mut u8 {
    // SAFETY: wasm32 here is single-threaded and nothing else holds a reference to BUF.
    #[allow(static_mut_refs)]
    unsafe {
        BUF.resize(len, 0);
        BUF.as_mut_ptr()
    }
}

/// Parses the first `len` bytes of the input buffer: 1 + the number of Via entries if the
/// message is valid, 0 if not.
#[no_mangle]
pub extern "C" fn parse(len: usize) -> u32 {
    // SAFETY: as above; `input` sized the buffer before JS wrote into it.
    #[allow(static_mut_refs)]
    let bytes = unsafe { &BUF[..len.min(BUF.len())] };
    match Message::parse(bytes) {
        Ok(m) => {
            let h = m.headers();
            let typed = h.cseq().is_ok() && h.call_id().is_ok();
            u32::from(typed) + h.vias().map_or(0, |v| v.len() as u32)
        }
        Err(_) => 0,
    }
}
