//! The web UI: files of `web/dist` embedded at build time (see `build.rs`),
//! served at `/` with a single-page fallback. Hashed files under `assets/`
//! are cached for a year; everything else revalidates with its ETag.
//!
//! Without an embedded UI the server answers with a page that says how to
//! build it. Debug builds may serve a folder from disk instead
//! (`TIX_WEB_DIR=web/dist`), to try UI changes without rebuilding tix.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// One embedded file.
pub struct Asset {
    /// Path below `web/dist`, `/`-separated, e.g. `assets/index-3f2a.js`.
    pub path: &'static str,
    pub bytes: &'static [u8],
    /// Quoted content hash.
    pub etag: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// Content Security Policy of the UI: nothing but this origin runs.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
    frame-ancestors 'none'; form-action 'self'";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Whether the UI is embedded in this binary.
pub fn embedded() -> bool {
    find("index.html").is_some()
}

fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// Fallback for every path no API route matched.
pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") || !(method == Method::GET || method == Method::HEAD) {
        return not_found(path).into_response();
    }
    let relative = path.trim_start_matches('/');
    #[cfg(debug_assertions)]
    if let Some(dir) = std::env::var_os("TIX_WEB_DIR") {
        return from_disk(std::path::Path::new(&dir), relative, &headers).await;
    }
    if let Some(asset) = find(relative).filter(|_| !relative.is_empty()) {
        return file(asset.path, Body::from(asset.bytes), Some(asset.etag), &headers);
    }
    if looks_like_file(relative) {
        return missing_file(path);
    }
    match find("index.html") {
        Some(index) => file(index.path, Body::from(index.bytes), Some(index.etag), &headers),
        None => not_built(),
    }
}

/// `assets/…` and names with an extension are files: a miss is a 404, not
/// the app (a stale page asking for an old bundle must not get HTML).
fn looks_like_file(relative: &str) -> bool {
    relative.starts_with("assets/") || relative.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

fn not_found(path: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route_not_found",
        format!("no route for {path}"),
        "See /api/openapi.json for the routes this server offers.",
    )
}

fn missing_file(path: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("no file {path}\n"),
    )
        .into_response()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn file(path: &str, body: Body, etag: Option<&str>, request: &HeaderMap) -> Response {
    let cache = if path.starts_with("assets/") {
        IMMUTABLE
    } else {
        "no-cache"
    };
    let fresh = etag.is_some_and(|etag| {
        request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"))
    });
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(body)
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(path)));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Some(value) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
        headers.insert(header::ETAG, value);
    }
    secure(headers);
    response
}

fn secure(headers: &mut HeaderMap) {
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}

/// The page shown when this binary was built without the UI.
fn not_built() -> Response {
    let mut response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        NOT_BUILT_PAGE,
    )
        .into_response();
    secure(response.headers_mut());
    response
}

const NOT_BUILT_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tix: the web UI is not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:4rem auto;padding:0 1rem;color:#1f2937}
code,pre{background:#f3f4f6;border-radius:4px;padding:.1rem .3rem}pre{padding:.8rem 1rem}</style></head>
<body>
<h1>Tix is running, but its web UI is not built</h1>
<p>This <code>tix</code> binary was compiled without the web UI (the folder <code>web/dist</code> did not exist).
The API works: see <a href="/api/workflows">/api/workflows</a> and the reference at
<a href="/api/openapi.json">/api/openapi.json</a>.</p>
<p>To get the board, build the UI and then <code>tix</code> (which embeds it), from the repository root:</p>
<pre>(cd web &amp;&amp; npm ci &amp;&amp; npm run build)
cargo build --release -p tix</pre>
<p>or simply run <code>scripts/run</code>, which does both and starts the server.</p>
</body></html>
"#;

#[cfg(debug_assertions)]
async fn from_disk(dir: &std::path::Path, relative: &str, request: &HeaderMap) -> Response {
    use std::path::Component;
    let wanted = std::path::Path::new(relative);
    if wanted.components().any(|c| !matches!(c, Component::Normal(_))) {
        return missing_file(relative);
    }
    let (name, path) = if relative.is_empty() || !dir.join(wanted).is_file() {
        if looks_like_file(relative) {
            return missing_file(relative);
        }
        ("index.html".to_string(), dir.join("index.html"))
    } else {
        (relative.to_string(), dir.join(wanted))
    };
    match tokio::task::spawn_blocking(move || std::fs::read(path)).await {
        Ok(Ok(bytes)) => file(&name, Body::from(bytes), None, request),
        _ => not_built(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_and_dotted_paths_are_files_other_paths_are_the_app() {
        assert!(looks_like_file("assets/index-3f2a.js"));
        assert!(looks_like_file("assets/anything"));
        assert!(looks_like_file("favicon.svg"));
        assert!(!looks_like_file("w/wf-1/board"));
        assert!(!looks_like_file("tickets/ticket-abc"));
        assert!(!looks_like_file(""));
    }

    #[test]
    fn content_types_cover_what_vite_emits() {
        assert_eq!(content_type("assets/a.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("assets/a.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("blob"), "application/octet-stream");
    }

    #[tokio::test]
    async fn without_the_ui_the_root_explains_how_to_build_it() {
        let response = not_built();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers().contains_key(header::CONTENT_SECURITY_POLICY));
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
        let page = String::from_utf8_lossy(&body);
        assert!(page.contains("npm ci &amp;&amp; npm run build"));
        assert!(page.contains("scripts/run"));
    }

    #[tokio::test]
    async fn api_paths_and_other_methods_never_get_the_app() {
        let response = serve(Method::GET, Uri::from_static("/api/nope"), HeaderMap::new()).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = serve(Method::POST, Uri::from_static("/w/x/board"), HeaderMap::new()).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}
