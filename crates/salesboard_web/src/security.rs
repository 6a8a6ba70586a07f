//! Security headers on every response, whatever route, status or type:
//! HSTS, a strict Content-Security-Policy, nosniff, no framing, no referrer,
//! no caching (except the embedded assets, which set their own), and a
//! charset on every text type.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The Content-Security-Policy: only this origin, no plugins, no `<base>`,
/// never inside a frame.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Adds the security headers to a response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        ),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Embedded assets say how long they may be cached; everything else is
    // never stored.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    match content_type {
        Some(kind)
            if !kind.contains("charset")
                && (kind.starts_with("text/") || kind.contains("json")) =>
        {
            if let Ok(value) = HeaderValue::from_str(&format!("{kind}; charset=utf-8")) {
                headers.insert(header::CONTENT_TYPE, value);
            }
        }
        _ => {}
    }
    response
}
