//! Signing webhook payloads: `X-Salesboard-Signature: t=<unix secs>,v1=<hex>`
//! where the hex is HMAC-SHA256 with the webhook's secret over `"<t>.<body>"`,
//! as Stripe does, and checking such a header on the receiving side.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Salesboard-Signature";
/// The header naming the event (`record.created` …).
pub const EVENT_HEADER: &str = "X-Salesboard-Event";
/// The header carrying the delivery id (the same on every retry).
pub const DELIVERY_HEADER: &str = "X-Salesboard-Delivery";

type HmacSha256 = Hmac<Sha256>;

/// Why a signature header was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is not `t=<secs>,v1=<hex>`.
    #[error("the signature header is malformed")]
    Malformed,
    /// The timestamp is further than the tolerance from now (a replay?).
    #[error("the signature timestamp is outside the tolerance")]
    Expired,
    /// No `v1` signature matches the body.
    #[error("the signature does not match the body")]
    Mismatch,
}

/// HMAC-SHA256 keyed with `secret`. HMAC's own key rule is applied here, so
/// that no fallible constructor is needed: a key longer than the 64-byte block
/// is hashed first, and the key is padded with zeros to the block.
fn keyed(secret: &[u8]) -> HmacSha256 {
    let mut block = hmac::digest::Key::<HmacSha256>::default();
    if secret.len() > block.len() {
        let digest = Sha256::digest(secret);
        block[..digest.len()].copy_from_slice(&digest);
    } else {
        block[..secret.len()].copy_from_slice(secret);
    }
    <HmacSha256 as KeyInit>::new(&block)
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    let mut mac = keyed(secret.as_bytes());
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Lowercase hex of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let high = char::from(pair[0]).to_digit(16)?;
            let low = char::from(pair[1]).to_digit(16)?;
            u8::try_from(high * 16 + low).ok()
        })
        .collect()
}

/// The value of the signature header for `body` sent at `timestamp`
/// (seconds since the epoch): `t=<timestamp>,v1=<hex HMAC-SHA256>`.
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", to_hex(&digest))
}

/// Checks a signature header against `body`: its timestamp must be within
/// `tolerance_secs` of `now` and one of its `v1` signatures must be the
/// HMAC-SHA256 of `"<t>.<body>"` under `secret` (compared in constant time).
pub fn verify_signature(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                )
            }
            "v1" => signatures.push(from_hex(value).ok_or(SignatureError::Malformed)?),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if now.abs_diff(timestamp) > tolerance_secs.unsigned_abs() {
        return Err(SignatureError::Expired);
    }
    let expected = mac(secret, timestamp, body);
    if signatures
        .iter()
        .any(|signature| expected.clone().verify_slice(signature).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";
    const BODY: &[u8] = br#"{"event":"record.created","entity":"customer"}"#;

    #[test]
    fn a_signed_body_verifies() {
        let header = signature_header(SECRET, 1_700_000_000, BODY);
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(header.len(), "t=1700000000,v1=".len() + 64);
        assert_eq!(
            verify_signature(SECRET, &header, BODY, 1_700_000_100, 300),
            Ok(())
        );
    }

    #[test]
    fn matches_an_independent_hmac_sha256() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        // Here the signed text is "<t>.<body>", so split the data accordingly.
        let digest = mac("Jefe", 0, b"what do ya want for nothing?")
            .finalize()
            .into_bytes();
        let mut plain =
            <HmacSha256 as KeyInit>::new_from_slice(b"Jefe").unwrap_or_else(|e| panic!("{e}"));
        plain.update(b"0.what do ya want for nothing?");
        assert_eq!(digest, plain.finalize().into_bytes());
        let mut rfc =
            <HmacSha256 as KeyInit>::new_from_slice(b"Jefe").unwrap_or_else(|e| panic!("{e}"));
        rfc.update(b"what do ya want for nothing?");
        assert_eq!(
            to_hex(&rfc.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn keys_of_every_length_match_the_library() {
        for length in [0, 1, 32, 63, 64, 65, 70, 200] {
            let key = vec![0x5a_u8; length];
            let mut ours = keyed(&key);
            let mut theirs =
                <HmacSha256 as KeyInit>::new_from_slice(&key).unwrap_or_else(|e| panic!("{e}"));
            Mac::update(&mut ours, b"body");
            Mac::update(&mut theirs, b"body");
            assert_eq!(
                ours.finalize().into_bytes(),
                theirs.finalize().into_bytes(),
                "{length}"
            );
        }
    }

    #[test]
    fn tampering_is_detected() {
        let header = signature_header(SECRET, 1_000, BODY);
        let mut body = BODY.to_vec();
        body[2] ^= 1;
        assert_eq!(
            verify_signature(SECRET, &header, &body, 1_000, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature("other secret", &header, BODY, 1_000, 300),
            Err(SignatureError::Mismatch)
        );
        // The timestamp is signed too: moving it breaks the signature.
        let moved = header.replacen("t=1000", "t=1001", 1);
        assert_eq!(
            verify_signature(SECRET, &moved, BODY, 1_000, 300),
            Err(SignatureError::Mismatch)
        );
        let mut flipped = header.clone();
        let last = if flipped.ends_with('0') { "1" } else { "0" };
        flipped.pop();
        flipped.push_str(last);
        assert_eq!(
            verify_signature(SECRET, &flipped, BODY, 1_000, 300),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn old_or_malformed_headers_are_refused() {
        let header = signature_header(SECRET, 1_000, BODY);
        assert_eq!(
            verify_signature(SECRET, &header, BODY, 1_301, 300),
            Err(SignatureError::Expired)
        );
        assert_eq!(
            verify_signature(SECRET, &header, BODY, 699, 300),
            Err(SignatureError::Expired)
        );
        assert_eq!(verify_signature(SECRET, &header, BODY, 1_300, 300), Ok(()));
        for bad in [
            "",
            "t=1000",
            "v1=abcd",
            "t=x,v1=00",
            "t=1000,v1=zz",
            "garbage",
        ] {
            assert_eq!(
                verify_signature(SECRET, bad, BODY, 1_000, 300),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn any_matching_v1_is_accepted_as_during_a_secret_rotation() {
        let header = signature_header(SECRET, 1_000, BODY);
        let other = signature_header("old secret", 1_000, BODY);
        let (_, old_v1) = other.split_once(',').unwrap_or_else(|| panic!("{other}"));
        let both = format!("{header},{old_v1}");
        assert_eq!(verify_signature(SECRET, &both, BODY, 1_000, 300), Ok(()));
        assert_eq!(
            verify_signature("old secret", &both, BODY, 1_000, 300),
            Ok(())
        );
    }
}
