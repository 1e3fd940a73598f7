//! Decodes arbitrary text as a JWT; a decoded payload re-encodes to a token
//! that decodes to the same payload.
#![no_main]
#![forbid(unsafe_code)]

use libfuzzer_sys::fuzz_target;
use rolemap_simulate::jwt::{decode_jwt, encode_unsigned};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match decode_jwt(&text) {
        Ok(decoded) => {
            let again = decode_jwt(&encode_unsigned(&decoded.payload))
                .unwrap_or_else(|e| panic!("a re-encoded payload does not decode: {e}"));
            assert_eq!(again.payload, decoded.payload);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
