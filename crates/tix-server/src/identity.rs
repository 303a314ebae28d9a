//! Who is calling, as the authentication middleware (`auth`) leaves it in
//! a request's extensions for the REST extractors and the MCP handler to
//! read. A leaf module: authentication writes it, the others read it, and
//! none of them needs another.

/// The header that names the acting agent (trusted without a token).
pub const AGENT_HEADER: &str = "x-agent-id";
/// The agent a request acts as when nothing names one.
pub const DEFAULT_AGENT: &str = "human";

/// The caller, as authentication established it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// No token: the `X-Agent-ID` header (if any) is taken at its word.
    Trusted(Option<String>),
    /// A valid token. For an admin token, `agent` is the `X-Agent-ID` it
    /// chose to act as (else its own).
    Token { agent: String, admin: bool },
}

/// A token used to act as an agent it does not belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub owner: String,
    pub named: String,
}

impl Mismatch {
    pub fn message(&self) -> String {
        format!(
            "this token belongs to {}, which may not act as {}",
            self.owner, self.named
        )
    }
}

impl Identity {
    /// The agent a request acts as when it also names one (a claim's
    /// `agent_id`, an MCP tool's `agent_id`): with a token, only the
    /// token's own agent unless it is an admin's, the same rule as for
    /// `X-Agent-ID`; without a token the name is taken at its word.
    /// `None` when nothing was named.
    pub fn act_as(&self, named: Option<String>) -> Result<Option<String>, Mismatch> {
        match (self, named) {
            (Identity::Token { agent, admin: false }, Some(named)) if named != *agent => Err(Mismatch {
                owner: agent.clone(),
                named,
            }),
            (_, named) => Ok(named),
        }
    }

    /// The acting agent (`human` when nothing names one).
    pub fn agent(&self) -> String {
        match self {
            Identity::Trusted(agent) => agent.clone().unwrap_or_else(|| DEFAULT_AGENT.to_string()),
            Identity::Token { agent, .. } => agent.clone(),
        }
    }
}
