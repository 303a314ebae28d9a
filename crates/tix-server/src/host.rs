//! Which `Host` names the server answers to, and which browser origins may
//! write. One policy for every route (REST, `/mcp`, the UI), against DNS
//! rebinding: a web page on `evil.example` whose name is made to resolve to
//! 127.0.0.1 sends `Host: evil.example`, which is refused here.
//!
//! Allowed by default: `localhost` (and `*.localhost`) and any IP literal
//! (an address is not a name an attacker controls). `--allowed-host NAME`
//! (or `TIX_ALLOWED_HOSTS=a,b`) adds names, `*.example.com` a domain's
//! subdomains, `*` any name. A write (any method but GET, HEAD, OPTIONS)
//! that carries an `Origin` must come from the server's own origin or from
//! an allowed name: a cross-site page cannot post to a local Tix.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The names a server answers to (beyond `localhost` and IP literals).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostPolicy {
    /// Lower-case names; `*.domain` entries match subdomains, `*` matches all.
    names: Vec<String>,
}

impl HostPolicy {
    /// The default policy plus `names` (each trimmed and lower-cased;
    /// empty entries are ignored, so `TIX_ALLOWED_HOSTS=""` is the default).
    pub fn with_names<I, N>(names: I) -> Self
    where
        I: IntoIterator<Item = N>,
        N: AsRef<str>,
    {
        HostPolicy {
            names: names
                .into_iter()
                .map(|n| n.as_ref().trim().trim_end_matches('.').to_ascii_lowercase())
                .filter(|n| !n.is_empty())
                .collect(),
        }
    }

    /// Any `Host` and any origin: for tests and deliberately open set-ups.
    pub fn any() -> Self {
        Self::with_names(["*"])
    }

    fn listed(&self, name: &str) -> bool {
        self.names.iter().any(|allowed| {
            allowed == "*"
                || allowed == name
                || allowed
                    .strip_prefix("*.")
                    .is_some_and(|domain| name.len() > domain.len() && name.ends_with(&format!(".{domain}")))
        })
    }

    /// Whether a `Host` name (without its port) is one this server answers to.
    pub fn allows_name(&self, name: &str) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        name == "localhost" || name.ends_with(".localhost") || name.parse::<IpAddr>().is_ok() || self.listed(&name)
    }

    /// Checks one request's `Host` and, for writes, its `Origin`.
    pub fn check(&self, method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).map(str::trim);
        if let Some(host) = host {
            let name = name_of(host);
            if !self.allows_name(name) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "host_not_allowed",
                    format!("this Tix server does not answer to the host name '{name}'"),
                    "Use http://127.0.0.1:PORT or http://localhost:PORT; to serve Tix under another \
                     name (e.g. behind a proxy), start it with `tix serve --allowed-host NAME` \
                     (or TIX_ALLOWED_HOSTS=NAME,...).",
                ));
            }
        }
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return Ok(());
        }
        let Some(origin) = headers.get(header::ORIGIN) else {
            return Ok(());
        };
        let origin = origin.to_str().unwrap_or_default().trim();
        let authority = origin.split_once("://").map(|(_, rest)| rest.trim_end_matches('/'));
        let same_origin = authority.zip(host).is_some_and(|(a, h)| a.eq_ignore_ascii_case(h));
        let listed = authority.is_some_and(|a| self.listed(&name_of(a).to_ascii_lowercase()));
        if same_origin || listed {
            return Ok(());
        }
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_origin_refused",
            format!("a page from the origin '{origin}' may not change this Tix server"),
            "Writes from a browser must come from the Tix web UI itself; agents and scripts send no \
             Origin header. To allow a UI served under another name, start tix serve with \
             --allowed-host NAME.",
        ))
    }
}

/// `name` of `name:port`, `[v6]:port`, `[v6]` or `name`.
fn name_of(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split_once(']').map_or(rest, |(ip, _)| ip);
    }
    match authority.rsplit_once(':') {
        // A bare IPv6 address has several colons and no port.
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => authority,
    }
}

/// Middleware: refuses a request the policy does not allow (403).
pub async fn guard(State(policy): State<Arc<HostPolicy>>, request: Request, next: Next) -> Response {
    match policy.check(request.method(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(host: &str, origin: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        headers
    }

    fn code(result: Result<(), ApiError>) -> Option<String> {
        result.err().map(|e| e.code)
    }

    #[test]
    fn loopback_names_and_addresses_are_answered_other_names_refused() {
        let policy = HostPolicy::default();
        for host in [
            "127.0.0.1:7420",
            "localhost:7420",
            "LOCALHOST",
            "[::1]:80",
            "::1",
            "10.1.2.3",
            "app.localhost:1",
        ] {
            assert_eq!(code(policy.check(&Method::GET, &headers(host, None))), None, "{host}");
        }
        for host in [
            "rebind.evil.example",
            "rebind.evil.example:7420",
            "localhost.evil.example",
        ] {
            assert_eq!(
                code(policy.check(&Method::GET, &headers(host, None))).as_deref(),
                Some("host_not_allowed"),
                "{host}"
            );
        }
    }

    #[test]
    fn added_names_exact_wildcard_and_any() {
        let policy = HostPolicy::with_names(["Tix.Example.com", " *.corp.example ", ""]);
        assert!(policy.allows_name("tix.example.com"));
        assert!(policy.allows_name("a.corp.example"));
        assert!(!policy.allows_name("corp.example"));
        assert!(!policy.allows_name("other.example.com"));
        assert!(HostPolicy::any().allows_name("anything.at.all"));
    }

    #[test]
    fn writes_from_another_origin_are_refused_reads_and_same_origin_pass() {
        let policy = HostPolicy::default();
        let cross = headers("127.0.0.1:7420", Some("http://evil.example"));
        assert_eq!(code(policy.check(&Method::GET, &cross)), None);
        assert_eq!(
            code(policy.check(&Method::POST, &cross)).as_deref(),
            Some("cross_origin_refused")
        );
        assert_eq!(
            code(policy.check(&Method::POST, &headers("127.0.0.1:7420", Some("null")))).as_deref(),
            Some("cross_origin_refused")
        );
        let same = headers("127.0.0.1:7420", Some("http://127.0.0.1:7420"));
        assert_eq!(code(policy.check(&Method::DELETE, &same)), None);
        assert_eq!(
            code(policy.check(&Method::POST, &headers("127.0.0.1:7420", None))),
            None
        );
        let proxied = HostPolicy::with_names(["tix.example.com"]);
        let from_proxy_name = headers("127.0.0.1:7420", Some("https://tix.example.com"));
        assert_eq!(code(proxied.check(&Method::POST, &from_proxy_name)), None);
    }
}
