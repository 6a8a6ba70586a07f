//! What logging in needs from a store: users by e-mail, sessions and API
//! tokens kept by the SHA-256 of their token, and switching users on and off.

use std::future::Future;

use crate::StoreError;

/// A user as the login code sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    /// The user's id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Login e-mail, if any.
    pub email: Option<String>,
    /// `admin`, `manager` or `rep`, as stored.
    pub role: String,
    /// Team, if any.
    pub team_id: Option<String>,
    /// Whether the user may log in.
    pub active: bool,
    /// The password's PHC string, if one is set.
    pub password_hash: Option<String>,
    /// The UI language the user chose (`zh`, `en`), if any.
    pub language: Option<String>,
}

/// What a session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionKind {
    /// A browser login: times out.
    Session,
    /// An API token: lasts until revoked.
    Api,
}

impl SessionKind {
    /// The code stored in `sessions.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Session => "session",
            SessionKind::Api => "api",
        }
    }

    /// Reads the stored code back.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "session" => Some(SessionKind::Session),
            "api" => Some(SessionKind::Api),
            _ => None,
        }
    }
}

/// One stored session or API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 of the token, lowercase hex. The token itself is never stored.
    pub token_hash: String,
    /// Whose it is.
    pub user_id: String,
    /// Browser session or API token.
    pub kind: SessionKind,
    /// The session's CSRF token, if it has one.
    pub csrf_token: Option<String>,
    /// A name the user gave an API token.
    pub label: Option<String>,
    /// When it was made, seconds since the epoch.
    pub created_at: i64,
    /// When it was last used, seconds since the epoch.
    pub last_seen_at: i64,
}

/// An API token as listed to its owner: never its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenInfo {
    /// The name given when it was made.
    pub label: Option<String>,
    /// When it was made, seconds since the epoch.
    pub created_at: i64,
    /// When it was last used, seconds since the epoch.
    pub last_seen_at: i64,
}

/// Users, sessions and API tokens, for logging in.
pub trait AuthStore: Send + Sync {
    /// The user whose e-mail is `email` (compared lowercased, trimmed).
    fn login_user(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<Option<AuthUser>, StoreError>> + Send;

    /// The user with this id.
    fn auth_user(
        &self,
        user_id: &str,
    ) -> impl Future<Output = Result<Option<AuthUser>, StoreError>> + Send;

    /// Stores a new session or API token. A taken hash is a conflict.
    fn insert_session(
        &self,
        session: &SessionRow,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The session or API token with this hash.
    fn session(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<Option<SessionRow>, StoreError>> + Send;

    /// Records that a session was used at `last_seen_at`.
    fn touch_session(
        &self,
        token_hash: &str,
        last_seen_at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Deletes one session or API token (nothing if there is none).
    fn delete_session(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Deletes every session and API token of a user; says how many.
    fn delete_sessions_of_user(
        &self,
        user_id: &str,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Switches a user on or off. Switching off also deletes the user's
    /// sessions and API tokens, in the same transaction. An unknown user is a
    /// conflict.
    fn set_user_active(
        &self,
        user_id: &str,
        active: bool,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Keeps the UI language a user chose (`None`: the browser's again). An
    /// unknown user is a conflict. Not a change of the user's record: no
    /// audit entry, `updated_at` kept.
    fn set_user_language(
        &self,
        user_id: &str,
        language: Option<&str>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Whether any user can log in (has a password): once one can, the
    /// one-time setup of the first admin is closed.
    fn has_login_users(&self) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// A user's API tokens, oldest first.
    fn api_tokens(
        &self,
        user_id: &str,
    ) -> impl Future<Output = Result<Vec<ApiTokenInfo>, StoreError>> + Send;
}
