//! The browser files compiled into the binary: Apache ECharts (fetched by
//! `build.rs` from the npm lockfile) and the UI's own script and styles.
//! Served under `/assets/` with a content hash in the links, so they can be
//! cached for a year.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::error::ApiError;

#[derive(RustEmbed)]
#[folder = "assets/"]
#[include = "app.js"]
#[include = "app.css"]
#[include = "records.js"]
#[include = "records.css"]
#[include = "import.js"]
#[include = "node_modules/echarts/dist/echarts.min.js"]
struct Files;

/// The public names of the embedded files and their paths in the folder.
const PUBLIC: [(&str, &str); 6] = [
    ("app.js", "app.js"),
    ("app.css", "app.css"),
    ("records.js", "records.js"),
    ("records.css", "records.css"),
    ("import.js", "import.js"),
    ("echarts.min.js", "node_modules/echarts/dist/echarts.min.js"),
];

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `/assets/NAME?v=HASH`: the link to an embedded file, changing with its
/// content.
pub fn url(name: &str) -> String {
    static VERSIONS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    let versions = VERSIONS.get_or_init(|| {
        PUBLIC
            .iter()
            .map(|(public, path)| {
                let hash = Files::get(path)
                    .map(|f| {
                        f.metadata.sha256_hash()[..6]
                            .iter()
                            .map(|b| format!("{b:02x}"))
                            .collect()
                    })
                    .unwrap_or_default();
                (*public, hash)
            })
            .collect()
    });
    let version = versions
        .iter()
        .find(|(public, _)| *public == name)
        .map_or("", |(_, v)| v.as_str());
    format!("/assets/{name}?v={version}")
}

/// `GET /assets/{name}`.
pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(file) = PUBLIC
        .iter()
        .find(|(public, _)| *public == name)
        .and_then(|(_, path)| Files::get(path))
    else {
        return ApiError::new(StatusCode::NOT_FOUND, "no_route", "no such asset").into_response();
    };
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&name)),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_public_file_is_embedded() {
        for (public, path) in PUBLIC {
            let file = Files::get(path);
            assert!(file.is_some_and(|f| f.data.len() > 100), "{public}");
            assert!(url(public).len() > "/assets/?v=".len() + public.len());
        }
        assert_eq!(content_type("app.css"), "text/css; charset=utf-8");
    }
}
