//! Logging in and knowing who calls: password login with brute-force limits,
//! browser sessions with idle and absolute timeouts, API tokens, logout.
//! No web code here: the web server calls these with the time it sees.

mod limiter;
mod token;

use std::net::IpAddr;
use std::sync::OnceLock;

use salesboard_domain::entities::Role;
use salesboard_store::{AuthStore, AuthUser, SessionKind, SessionRow, Store, StoreError};

use crate::users;

pub use limiter::{
    ACCOUNT_FAILURES, ACCOUNT_WINDOW_SECS, AddressLimiter, FIRST_BACKOFF_SECS, IP_ATTEMPTS,
    IP_WINDOW_SECS, LoginLimiter, MAX_BACKOFF_SECS, Refused,
};
pub use token::{TOKEN_BYTES, new_token, token_hash, well_formed};

/// Why someone could not log in or be recognised.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown e-mail or wrong password: the two are never told apart.
    #[error("wrong e-mail or password")]
    InvalidCredentials,
    /// Too many attempts from this address or on this account.
    #[error("too many login attempts: try again in {retry_after_secs} s")]
    RateLimited {
        /// Seconds to wait (for a `Retry-After` header).
        retry_after_secs: u64,
    },
    /// The session timed out (idle or absolute); it has been deleted.
    #[error("the session has expired: log in again")]
    SessionExpired,
    /// No valid session or API token was given.
    #[error("not logged in")]
    Unauthenticated,
    /// The user has been deactivated.
    #[error("this account is deactivated")]
    Inactive,
    /// No user has this e-mail (administrative commands only; login says
    /// [`AuthError::InvalidCredentials`]).
    #[error("no user has the e-mail \"{0}\"")]
    UnknownUser(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing or verifying a password failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// A field of the request is not valid (the field, why).
    #[error("{0}: {1}")]
    Invalid(&'static str, &'static str),
    /// The operating system gave no random bytes.
    #[error("no random bytes from the operating system: {0}")]
    Random(String),
}

pub use crate::policy::Actor;

/// A successful login: the token goes into the session cookie, the CSRF token
/// into pages and forms.
#[derive(Clone)]
pub struct LoginSuccess {
    /// The session token (64 hex digits). Only its hash is stored.
    pub token: String,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// Who logged in.
    pub actor: Actor,
}

impl std::fmt::Debug for LoginSuccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginSuccess")
            .field("token", &"<secret>")
            .field("csrf_token", &"<secret>")
            .field("actor", &self.actor)
            .finish()
    }
}

/// How long browser sessions last, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused this long is over (default 30 minutes).
    pub idle_timeout_secs: i64,
    /// A session this old is over however much it is used (default 12 hours).
    pub absolute_timeout_secs: i64,
    /// `last_seen_at` is written at most this often (default 60 s), so the
    /// idle timeout holds to within this much.
    pub touch_interval_secs: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_timeout_secs: 30 * 60,
            absolute_timeout_secs: 12 * 60 * 60,
            touch_interval_secs: 60,
        }
    }
}

/// Runs CPU-heavy password work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AuthError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// A hash of no one's password with the current parameters, checked when the
/// e-mail is unknown so that the answer takes as long as for a real user.
fn dummy_hash() -> Option<&'static str> {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    DUMMY
        .get_or_init(|| users::hash_password("salesboard: nobody has this password").ok())
        .as_deref()
}

fn actor_of(user: &AuthUser) -> Result<Actor, AuthError> {
    let role = Role::parse(&user.role)
        .map_err(|e| StoreError::Corrupt(format!("users: user {}: {e}", user.id)))?;
    Ok(Actor {
        user_id: user.id.clone(),
        name: user.name.clone(),
        role,
        team_id: user.team_id.clone(),
        language: user.language.clone(),
    })
}

/// Keeps the UI language `code` (`zh` or `en`; empty: the browser's again)
/// as the actor's choice, from the next page on.
pub async fn set_language(
    store: &impl AuthStore,
    actor: &Actor,
    code: &str,
) -> Result<(), AuthError> {
    let language = match code {
        "zh" | "en" => Some(code),
        "" => None,
        _ => return Err(AuthError::Invalid("language", "must be zh, en or empty")),
    };
    store.set_user_language(&actor.user_id, language).await?;
    Ok(())
}

/// Logs in with e-mail and password from client address `ip` at `now`
/// (seconds since the epoch), and starts a new session with a fresh token.
///
/// Unknown e-mails and wrong passwords give the same error after the same
/// work. Attempts over the [`LoginLimiter`]'s limits are refused before the
/// password is looked at. A password hash below today's parameters is
/// replaced after a successful login.
pub async fn login(
    store: &(impl Store + AuthStore),
    limiter: &LoginLimiter,
    email: &str,
    password: &str,
    ip: IpAddr,
    now: i64,
) -> Result<LoginSuccess, AuthError> {
    let account = email.trim().to_lowercase();
    limiter
        .begin(ip, &account, now)
        .map_err(|refused| AuthError::RateLimited {
            retry_after_secs: refused.retry_after_secs,
        })?;
    let user = store.login_user(&account).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let candidate = stored.clone();
    let given = password.to_string();
    let matches = blocking(move || match (candidate, dummy_hash()) {
        (Some(phc), _) => Ok(users::verify_password(&given, &phc)),
        // Nobody to check against: do the same work, then say no.
        (None, Some(dummy)) => {
            std::hint::black_box(users::verify_password(&given, dummy));
            Ok(false)
        }
        (None, None) => Err(AuthError::Hash("cannot make the comparison hash".into())),
    })
    .await??;
    let Some(user) = user.filter(|_| matches) else {
        return Err(AuthError::InvalidCredentials);
    };
    if !user.active {
        return Err(AuthError::Inactive);
    }
    limiter.succeeded(&account);
    let actor = actor_of(&user)?;
    if stored.as_deref().is_some_and(users::needs_rehash) {
        upgrade_hash(store, &user.id, password).await;
    }
    let token = new_token()?;
    let csrf_token = new_token()?;
    store
        .insert_session(&SessionRow {
            token_hash: token_hash(&token),
            user_id: user.id.clone(),
            kind: SessionKind::Session,
            csrf_token: Some(csrf_token.clone()),
            label: None,
            created_at: now,
            last_seen_at: now,
        })
        .await?;
    tracing::info!(user = %user.id, "logged in");
    Ok(LoginSuccess {
        token,
        csrf_token,
        actor,
    })
}

/// Re-hashes a just-verified password with today's parameters. A failure is
/// logged, not fatal: the old hash still works.
async fn upgrade_hash(store: &impl Store, user_id: &str, password: &str) {
    let given = password.to_string();
    let rehashed = blocking(move || users::hash_password(&given)).await;
    let result = match rehashed {
        Ok(Ok(hash)) => store
            .set_password_hash(user_id, &hash)
            .await
            .map_err(|e| e.to_string()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(()) => tracing::info!(user = %user_id, "password hash upgraded"),
        Err(e) => tracing::warn!(user = %user_id, error = %e, "cannot upgrade the password hash"),
    }
}

/// The stored row of a token of `kind`, or why there is none.
async fn find(
    store: &impl AuthStore,
    token: &str,
    kind: SessionKind,
) -> Result<SessionRow, AuthError> {
    if !token::well_formed(token) {
        return Err(AuthError::Unauthenticated);
    }
    match store.session(&token_hash(token)).await? {
        Some(row) if row.kind == kind => Ok(row),
        _ => Err(AuthError::Unauthenticated),
    }
}

/// The active user a session or token belongs to, read afresh so that a
/// deactivation or a new role or team holds from the next request on.
async fn current_user(store: &impl AuthStore, row: &SessionRow) -> Result<Actor, AuthError> {
    match store.auth_user(&row.user_id).await? {
        Some(user) if user.active => actor_of(&user),
        Some(_) => {
            store.delete_session(&row.token_hash).await?;
            Err(AuthError::Inactive)
        }
        None => {
            store.delete_session(&row.token_hash).await?;
            Err(AuthError::Unauthenticated)
        }
    }
}

/// Who a browser session token belongs to, and the session's CSRF token, at
/// `now`. A session unused for the idle timeout, or older than the absolute
/// timeout, is deleted and refused. The user is read again on every call.
pub async fn authenticate_session(
    store: &impl AuthStore,
    policy: &SessionPolicy,
    token: &str,
    now: i64,
) -> Result<(Actor, String), AuthError> {
    let row = find(store, token, SessionKind::Session).await?;
    if now.saturating_sub(row.last_seen_at) >= policy.idle_timeout_secs
        || now.saturating_sub(row.created_at) >= policy.absolute_timeout_secs
    {
        store.delete_session(&row.token_hash).await?;
        return Err(AuthError::SessionExpired);
    }
    let Some(csrf_token) = row.csrf_token.clone() else {
        return Err(AuthError::Unauthenticated);
    };
    let actor = current_user(store, &row).await?;
    if now.saturating_sub(row.last_seen_at) >= policy.touch_interval_secs {
        store.touch_session(&row.token_hash, now).await?;
    }
    Ok((actor, csrf_token))
}

/// Who an API token belongs to. API tokens do not time out, but their user
/// must be active; use is recorded at most once a minute.
pub async fn authenticate_api_token(
    store: &impl AuthStore,
    token: &str,
    now: i64,
) -> Result<Actor, AuthError> {
    let row = find(store, token, SessionKind::Api).await?;
    let actor = current_user(store, &row).await?;
    if now.saturating_sub(row.last_seen_at) >= SessionPolicy::default().touch_interval_secs {
        store.touch_session(&row.token_hash, now).await?;
    }
    Ok(actor)
}

/// Makes a new API token for the active user with this e-mail and returns it.
/// It is shown this once: only its hash is stored.
pub async fn create_api_token(
    store: &impl AuthStore,
    email: &str,
    label: Option<&str>,
    now: i64,
) -> Result<String, AuthError> {
    let user = store
        .login_user(email)
        .await?
        .ok_or_else(|| AuthError::UnknownUser(email.trim().to_string()))?;
    if !user.active {
        return Err(AuthError::Inactive);
    }
    let token = new_token()?;
    store
        .insert_session(&SessionRow {
            token_hash: token_hash(&token),
            user_id: user.id,
            kind: SessionKind::Api,
            csrf_token: None,
            label: label
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty()),
            created_at: now,
            last_seen_at: now,
        })
        .await?;
    Ok(token)
}

/// Ends a session (or revokes an API token). Using the token again fails.
pub async fn logout(store: &impl AuthStore, token: &str) -> Result<(), AuthError> {
    if token::well_formed(token) {
        store.delete_session(&token_hash(token)).await?;
    }
    Ok(())
}

/// Switches the user with this e-mail on or off and returns their id.
/// Switching off ends every session and revokes every API token of theirs.
pub async fn set_active_by_email(
    store: &impl AuthStore,
    email: &str,
    active: bool,
) -> Result<String, AuthError> {
    let user = store
        .login_user(email)
        .await?
        .ok_or_else(|| AuthError::UnknownUser(email.trim().to_string()))?;
    store.set_user_active(&user.id, active).await?;
    Ok(user.id)
}

/// Sets a user's password (checked against the policy, hashed with
/// Argon2id); the user's sessions end. Returns the user id.
pub async fn set_password_by_email(
    store: &(impl Store + AuthStore),
    email: &str,
    password: &str,
) -> Result<String, AuthError> {
    let user = store
        .login_user(email)
        .await?
        .ok_or_else(|| AuthError::UnknownUser(email.trim().to_string()))?;
    crate::users::check_password_policy(password).map_err(|e| AuthError::Hash(e.to_string()))?;
    let hash = crate::users::hash_password(password).map_err(|e| AuthError::Hash(e.to_string()))?;
    store.set_password_hash(&user.id, &hash).await?;
    store.delete_sessions_of_user(&user.id).await?;
    Ok(user.id)
}

#[cfg(test)]
mod tests;
