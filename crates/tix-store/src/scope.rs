//! What one request carries into its writes: the claim token that fences
//! them, and the idempotency key under which its answer is kept.
//!
//! A surface (a REST handler, an MCP tool) asks the store for a scoped
//! copy ([`Scoped::scoped`]) and calls the usual operations on it; every
//! write of that copy sees the scope in its transaction. So the rules that
//! use them (fencing in `ops::runs`, keeping the answer in
//! `StoreOn::write`) live in the store, written once, while the store's
//! operation signatures stay those of the domain.

use std::any::Any;
use std::sync::Arc;

use serde_json::Value;

/// How long an idempotency key keeps its answer.
pub const IDEMPOTENCY_WINDOW: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);
/// Longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 200;

/// A store handle whose writes carry a [`Scope`].
pub trait Scoped: Sized {
    /// This store, with `scope` on every write made through the copy.
    fn scoped(&self, scope: Scope) -> Self;
    /// The scope this handle's writes carry.
    fn scope(&self) -> Scope;
}

/// What a request carries into its writes.
#[derive(Clone, Default)]
pub struct Scope {
    /// The claim token the caller sent (`X-Tix-Claim`, `claim_token`,
    /// `TIX_CLAIM`): fenced writes to its ticket are refused once the claim
    /// is over (`lease_lost`).
    pub claim_token: Option<String>,
    /// Keep the answer of this request's write under a key.
    pub idempotency: Option<Keyed>,
}

impl std::fmt::Debug for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scope")
            .field("claim_token", &self.claim_token.as_ref().map(|_| "…"))
            .field("idempotency", &self.idempotency.as_ref().map(|k| &k.key))
            .finish()
    }
}

/// The answer a surface gives for a write: its status and JSON body.
pub type Rendered = (u16, Value);

/// Renders the answer of the guarded write; `None` for any other write's.
type Render = Arc<dyn Fn(&dyn Any) -> Option<Rendered> + Send + Sync>;

/// An idempotency key and how the surface renders the write it guards.
///
/// The write whose answer has type `T` (the request's main write; a
/// request may make others first, such as starting the agent's task) keeps
/// the rendered answer under the key, in its own transaction. If another
/// request already kept one there, that write fails with
/// [`crate::Error::AlreadyAnswered`] and changes nothing: the surface then
/// answers what was kept.
#[derive(Clone)]
pub struct Keyed {
    pub agent: String,
    pub key: String,
    /// What the request asked (route and body), hashed: a key reused for a
    /// different request is refused.
    pub fingerprint: String,
    render: Render,
}

impl Keyed {
    pub fn new<T: 'static>(
        agent: impl Into<String>,
        key: impl Into<String>,
        fingerprint: impl Into<String>,
        render: impl Fn(&T) -> Rendered + Send + Sync + 'static,
    ) -> Keyed {
        Keyed {
            agent: agent.into(),
            key: key.into(),
            fingerprint: fingerprint.into(),
            render: Arc::new(move |answer: &dyn Any| answer.downcast_ref::<T>().map(&render)),
        }
    }

    /// The rendered answer, when `answer` is the write this key guards.
    pub(crate) fn render(&self, answer: &dyn Any) -> Option<Rendered> {
        (self.render)(answer)
    }

    /// The same key, for when the surface's answer `U` is made from the
    /// store's answer `T` by `finish` (a use case adding what it computed
    /// before the write, e.g. a create's look-alikes).
    pub fn through<T: 'static, U: 'static>(&self, finish: impl Fn(&T) -> U + Send + Sync + 'static) -> Keyed {
        let render = self.render.clone();
        Keyed {
            render: Arc::new(move |answer: &dyn Any| {
                let finished = finish(answer.downcast_ref::<T>()?);
                render(&finished)
            }),
            ..self.clone()
        }
    }
}

impl Scope {
    /// This scope with its key rendered through `finish` (see [`Keyed::through`]).
    pub fn through<T: 'static, U: 'static>(&self, finish: impl Fn(&T) -> U + Send + Sync + 'static) -> Scope {
        Scope {
            claim_token: self.claim_token.clone(),
            idempotency: self.idempotency.as_ref().map(|k| k.through(finish)),
        }
    }
}

/// Checks an idempotency key as sent: 1..200 printable ASCII characters.
pub fn check_idempotency_key(key: &str) -> Result<String, tix_core::DomainError> {
    let valid = !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY_CHARS
        && key.chars().all(|c| c.is_ascii_graphic() || c == ' ');
    if !valid {
        return Err(tix_core::DomainError::validation(
            "Idempotency-Key",
            format!("a key is 1..{MAX_IDEMPOTENCY_KEY_CHARS} printable ASCII characters (a UUID is a good key)"),
        ));
    }
    Ok(key.to_string())
}

/// SHA-256 (hex) of the parts, each length-prefixed so no two lists of
/// parts hash alike: the fingerprint of a request.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
