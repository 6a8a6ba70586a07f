//! Session and API tokens: 256 random bits from the operating system, shown
//! to the client as hex and stored only as their SHA-256.

use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

use super::AuthError;

/// Random bytes in a token: 256 bits, twice the 128 the plan asks for.
pub const TOKEN_BYTES: usize = 32;

// The reliability plan (row 10) asks for at least 128 bits.
const _: () = assert!(TOKEN_BYTES * 8 >= 128);

/// Length of a token as text: two hex digits a byte.
pub const TOKEN_CHARS: usize = TOKEN_BYTES * 2;

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// A new token: [`TOKEN_BYTES`] bytes from the OS random number generator, as
/// lowercase hex (URL- and cookie-safe).
pub fn new_token() -> Result<String, AuthError> {
    let mut bytes = [0u8; TOKEN_BYTES];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| AuthError::Random(e.to_string()))?;
    Ok(hex(&bytes))
}

/// The SHA-256 of a token, lowercase hex: what the store keeps.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `token` could be one of ours (64 lowercase hex digits), so that
/// anything else is refused without asking the database.
pub fn well_formed(token: &str) -> bool {
    token.len() == TOKEN_CHARS
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_has_256_random_bits_and_differs_each_time() {
        let tokens: Vec<String> = (0..100)
            .map(|_| new_token().unwrap_or_else(|e| panic!("{e}")))
            .collect();
        assert!(tokens.iter().all(|t| well_formed(t)));
        assert!(tokens.iter().all(|t| t.len() * 4 >= 128));
        let distinct: std::collections::HashSet<&String> = tokens.iter().collect();
        assert_eq!(distinct.len(), tokens.len());
        // Every hex digit turns up across 6 400 random ones.
        let digits: std::collections::HashSet<char> = tokens.concat().chars().collect();
        assert_eq!(digits.len(), 16);
    }

    #[test]
    fn only_the_sha256_of_a_token_is_kept() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let token = new_token().unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(token_hash(&token), token);
        assert_eq!(token_hash(&token).len(), 64);
    }

    #[test]
    fn malformed_tokens_are_recognised_without_the_database() {
        assert!(!well_formed(""));
        assert!(!well_formed(&"A".repeat(64)));
        assert!(!well_formed(&"a".repeat(63)));
        assert!(well_formed(&"0a".repeat(32)));
    }
}
