//! Hostile uploads over HTTP (reliability plan, row 18): a 1 GiB body is
//! refused with 413 once the limit is passed, without the server reading (or
//! the test allocating) the rest; a file that is not what its name says fails
//! its import with an error naming it, and the server answers on.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use salesboard_web::api::imports::MAX_UPLOAD_BYTES;

use crate::common::{Db, TestApp};

const BOUNDARY: &str = "SBHOSTILE";

/// A multipart upload of one file `file_name` whose content is `chunks` of
/// `chunk` bytes, generated as the server reads them; `served` counts the
/// bytes handed over.
fn streamed_upload(
    app: &TestApp,
    file_name: &str,
    chunk: Bytes,
    chunks: usize,
    served: Arc<AtomicU64>,
) -> Request<Body> {
    let head = Bytes::from(format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
    ));
    let tail = Bytes::from(format!("\r\n--{BOUNDARY}--\r\n"));
    let parts = std::iter::once(head)
        .chain(std::iter::repeat_n(chunk, chunks))
        .chain(std::iter::once(tail))
        .map(move |part| {
            served.fetch_add(part.len() as u64, Ordering::SeqCst);
            Ok::<_, Infallible>(part)
        });
    Request::builder()
        .method("POST")
        .uri("/api/v1/imports")
        .header("authorization", format!("Bearer {}", app.tokens["admin"]))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from_stream(futures_util::stream::iter(parts)))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn a_streamed_1_gib_upload_is_refused_with_413_after_the_limit() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let mebibyte = 1024 * 1024;
    // One 1 MiB chunk of CSV text, shared by every part of the 1 GiB body.
    let line = b"o-1,c-repa,repa,2024-03-01,P1,100.00,1\n";
    let chunk: Bytes = line.iter().copied().cycle().take(mebibyte).collect();
    let served = Arc::new(AtomicU64::new(0));
    let started = std::time::Instant::now();
    let (status, body) = app
        .send(streamed_upload(
            &app,
            "orders.csv",
            chunk,
            1024,
            Arc::clone(&served),
        ))
        .await;
    let served = served.load(Ordering::SeqCst);
    eprintln!(
        "1 GiB upload: {status} after {} ms, {} MiB of the body read",
        started.elapsed().as_millis(),
        served / mebibyte as u64
    );
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"], "too_large", "{body}");
    // Read up to the limit and a chunk or two past it, never the whole GiB.
    assert!(
        served <= (MAX_UPLOAD_BYTES + 2 * mebibyte) as u64,
        "{served} bytes read"
    );
    assert!(served > MAX_UPLOAD_BYTES as u64, "{served} bytes read");
    let (status, _) = app.call("GET", "/api/v1/me", Some("admin"), None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_file_that_is_not_what_its_name_says_fails_its_import_by_name() {
    let app = TestApp::spawn(Db::Sqlite).await;
    for (name, content, reason) in [
        (
            "orders.xlsx",
            &b"GIF89a\x01\x00\x01\x00\x80\x00\x00"[..],
            "orders.xlsx: not an XLSX file",
        ),
        (
            "orders.csv",
            &b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"[..],
            "orders.csv: not a text file",
        ),
        (
            "products.xlsx",
            &b"PK\x03\x04not an archive"[..],
            "products.xlsx: not a readable XLSX file",
        ),
    ] {
        let served = Arc::new(AtomicU64::new(0));
        let (status, started) = app
            .send(streamed_upload(
                &app,
                name,
                Bytes::from_static(content),
                1,
                served,
            ))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{started}");
        let job = app.finished_import(&started).await;
        assert_eq!(job["status"], "failed", "{job}");
        let error = job["error"].as_str().unwrap_or_default();
        assert!(error.starts_with(reason), "{name}: {error}");
    }
}
