//! Survey links: a rep or manager makes a one-time link for a customer (and
//! optionally one of its orders); the customer opens it without logging in,
//! picks a score and may leave a comment; the answer becomes a `surveys`
//! record that CSAT and NPS count.
//!
//! The token is the only credential: 256 bits from the OS, stored as its
//! SHA-256. An unknown, expired or used token is one and the same error
//! ([`SurveyError::Unusable`]), so that a guesser learns nothing from it, and
//! [`invalid_token_limiter`] limits how many of them one address may try.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use salesboard_domain::Timestamp;
use salesboard_domain::entities::{Survey, SurveyScale};
use salesboard_store::records::{CUSTOMERS, ORDERS, RowScope, SURVEYS};
use salesboard_store::{RecordAudit, Store, StoreError, SurveyLink, SurveyLinkStore, WriteContext};
use serde_json::{Map, Value as Json, json};

use crate::auth::{self, AddressLimiter};
use crate::policy::{self, Action, Actor, Denied};
use crate::records::{RecordError, get_within};

/// Invalid tokens one client address may try per window.
pub const INVALID_TOKENS_PER_ADDRESS: usize = 20;
/// The window of [`INVALID_TOKENS_PER_ADDRESS`], seconds.
pub const INVALID_TOKEN_WINDOW_SECS: i64 = 60;
/// How long a link works when its maker does not say.
pub const DEFAULT_EXPIRY_DAYS: i64 = 30;
/// The longest a link may work.
pub const MAX_EXPIRY_DAYS: i64 = 90;
/// The longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;
/// The audit log's actor for answers given through a link.
pub const LINK_ACTOR: &str = "survey-link";
/// The policy table's object for survey links.
pub const POLICY_OBJECT: &str = "survey_links";

const SECONDS_PER_DAY: i64 = 86_400;

/// The limiter of invalid tokens: [`INVALID_TOKENS_PER_ADDRESS`] per
/// [`INVALID_TOKEN_WINDOW_SECS`] per client address.
pub fn invalid_token_limiter() -> AddressLimiter {
    AddressLimiter::new(INVALID_TOKENS_PER_ADDRESS, INVALID_TOKEN_WINDOW_SECS)
}

/// Why a survey link request failed.
#[derive(Debug, thiserror::Error)]
pub enum SurveyError {
    /// The customer does not exist or is outside the caller's reach.
    #[error("not found")]
    NotFound,
    /// The token is unknown, expired or used: never told apart.
    #[error("this survey link does not work")]
    Unusable,
    /// A field is not valid.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, as named in the API or the form.
        field: String,
        /// Why.
        message: String,
    },
    /// The caller may not make links at all.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// Reading a record failed.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The operating system gave no random bytes.
    #[error("no random bytes from the operating system: {0}")]
    Random(String),
}

impl SurveyError {
    fn invalid(field: &str, message: impl Into<String>) -> Self {
        SurveyError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// What a new link is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRequest {
    /// The customer asked.
    pub customer_id: String,
    /// An order of that customer the survey is about.
    pub order_id: Option<String>,
    /// 5 (CSAT) or 10 (NPS); 10 when not given.
    pub scale: Option<i64>,
    /// Days the link works, 1 to [`MAX_EXPIRY_DAYS`]; [`DEFAULT_EXPIRY_DAYS`]
    /// when not given.
    pub expires_in_days: Option<i64>,
}

/// A link just made: the token is shown this once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedLink {
    /// The token, for the link's path `/s/{token}`.
    pub token: String,
    /// When it stops working, seconds since the epoch.
    pub expires_at: i64,
}

/// The scale a number names.
pub fn scale_of(number: i64) -> Option<SurveyScale> {
    match number {
        5 => Some(SurveyScale::Five),
        10 => Some(SurveyScale::Ten),
        _ => None,
    }
}

/// Makes a link for a customer the caller may reach (the `survey_links`
/// row of the policy table); a customer out of reach is
/// [`SurveyError::NotFound`], exactly like a missing one. The order, if
/// given, must be one of that customer's the caller may reach.
pub async fn create_link(
    store: &(impl Store + SurveyLinkStore),
    actor: &Actor,
    request: &LinkRequest,
    now: i64,
) -> Result<CreatedLink, SurveyError> {
    let scope = policy::scope_named(store, actor, POLICY_OBJECT, Action::Create).await?;
    let scale = match request.scale {
        None => SurveyScale::Ten,
        Some(number) => {
            scale_of(number).ok_or_else(|| SurveyError::invalid("scale", "must be 5 or 10"))?
        }
    };
    let days = request.expires_in_days.unwrap_or(DEFAULT_EXPIRY_DAYS);
    if !(1..=MAX_EXPIRY_DAYS).contains(&days) {
        return Err(SurveyError::invalid(
            "expires_in_days",
            format!("must be from 1 to {MAX_EXPIRY_DAYS}"),
        ));
    }
    let customer_id = request.customer_id.trim();
    if get_within(store, &CUSTOMERS, &scope, customer_id)
        .await?
        .is_none()
    {
        return Err(SurveyError::NotFound);
    }
    let order_id = request
        .order_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty());
    if let Some(order_id) = order_id {
        let order = get_within(store, &ORDERS, &scope, order_id).await?;
        let of_customer = order
            .as_ref()
            .and_then(|o| o.get("customer_id"))
            .and_then(Json::as_str)
            == Some(customer_id);
        if !of_customer {
            return Err(SurveyError::invalid(
                "order_id",
                format!("there is no order \"{order_id}\" of customer \"{customer_id}\""),
            ));
        }
    }
    let token = auth::new_token().map_err(|e| SurveyError::Random(e.to_string()))?;
    let expires_at = now.saturating_add(days.saturating_mul(SECONDS_PER_DAY));
    store
        .create_survey_link(&SurveyLink {
            token_hash: auth::token_hash(&token),
            customer_id: customer_id.to_string(),
            order_id: order_id.map(str::to_string),
            scale,
            created_by: actor.user_id.clone(),
            created_at: now,
            expires_at,
            used_at: None,
            response_id: None,
        })
        .await?;
    Ok(CreatedLink { token, expires_at })
}

/// The link a token opens at `now`, if it is well formed, known, unused and
/// not expired; else [`SurveyError::Unusable`].
pub async fn open_link(
    store: &impl SurveyLinkStore,
    token: &str,
    now: i64,
) -> Result<SurveyLink, SurveyError> {
    if !auth::well_formed(token) {
        return Err(SurveyError::Unusable);
    }
    match store.survey_link(&auth::token_hash(token)).await? {
        Some(link) if link.usable_at(now) => Ok(link),
        _ => Err(SurveyError::Unusable),
    }
}

/// Checks a score against a scale: 1–5 or 0–10.
pub fn check_score(scale: SurveyScale, score: i64) -> Result<(), SurveyError> {
    if (scale.min()..=scale.max()).contains(&score) {
        Ok(())
    } else {
        Err(SurveyError::invalid(
            "score",
            format!("must be from {} to {}", scale.min(), scale.max()),
        ))
    }
}

/// The comment as kept: trimmed, `None` when empty, at most
/// [`MAX_COMMENT_CHARS`] characters.
pub fn check_comment(comment: Option<&str>) -> Result<Option<String>, SurveyError> {
    let Some(text) = comment.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(SurveyError::invalid(
            "comment",
            format!("must be at most {MAX_COMMENT_CHARS} characters"),
        ));
    }
    Ok(Some(text.to_string()))
}

fn new_response_id() -> String {
    let number: u64 = StdRng::from_os_rng().random();
    format!("SV-{number:016x}")
}

/// Answers a link: checks the token first (an unusable one is
/// [`SurveyError::Unusable`] whatever the score), then the score and the
/// comment; then writes the response and marks the link used in one
/// transaction, with an audit entry by [`LINK_ACTOR`]. Returns the stored
/// response as the API shows it.
pub async fn answer_link(
    store: &(impl Store + SurveyLinkStore),
    token: &str,
    score: i64,
    comment: Option<&str>,
    now: i64,
) -> Result<Map<String, Json>, SurveyError> {
    let link = open_link(store, token, now).await?;
    check_score(link.scale, score)?;
    let comment = check_comment(comment)?;
    let response = Survey {
        id: new_response_id(),
        customer_id: Some(link.customer_id.clone()),
        order_id: link.order_id.clone(),
        score,
        scale: link.scale,
        responded_at: Timestamp::from_unix_seconds(now),
        comment,
    };
    let after = json!({
        "response_id": response.id,
        "customer_id": response.customer_id,
        "order_id": response.order_id,
        "score": score,
        "scale": link.scale.max(),
        "responded_at": now,
        "comment": response.comment,
    });
    let context = WriteContext {
        actor: Some(LINK_ACTOR.into()),
        source: "survey link".into(),
        record: Some(RecordAudit {
            action: "create".into(),
            entity: SURVEYS.name.into(),
            entity_id: response.id.clone(),
            before: None,
            after: Some(after.to_string()),
        }),
    };
    store
        .answer_survey_link(&link.token_hash, now, &response, &context)
        .await?
        .ok_or(SurveyError::Unusable)?;
    get_within(store, &SURVEYS, &RowScope::All, &response.id)
        .await?
        .ok_or(SurveyError::Unusable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_checked_against_their_scale() {
        assert!(check_score(SurveyScale::Five, 1).is_ok());
        assert!(check_score(SurveyScale::Five, 5).is_ok());
        assert!(check_score(SurveyScale::Five, 0).is_err());
        assert!(check_score(SurveyScale::Five, 6).is_err());
        assert!(check_score(SurveyScale::Ten, 0).is_ok());
        assert!(check_score(SurveyScale::Ten, 10).is_ok());
        match check_score(SurveyScale::Ten, 11) {
            Err(SurveyError::Invalid { field, message }) => {
                assert_eq!(
                    (field.as_str(), message.as_str()),
                    ("score", "must be from 0 to 10")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn comments_are_trimmed_and_at_most_2000_characters() {
        assert_eq!(check_comment(None).ok(), Some(None));
        assert_eq!(check_comment(Some("  ")).ok(), Some(None));
        assert_eq!(
            check_comment(Some(" 很好 ")).ok(),
            Some(Some("很好".to_string()))
        );
        let longest = "好".repeat(2000);
        assert_eq!(check_comment(Some(&longest)).ok(), Some(Some(longest)));
        assert!(matches!(
            check_comment(Some(&"好".repeat(2001))),
            Err(SurveyError::Invalid { field, .. }) if field == "comment"
        ));
    }

    #[tokio::test]
    async fn malformed_and_unknown_tokens_are_unusable() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = crate::test_support::tiny_store(&dir).await;
        for token in ["", "short", &"A".repeat(64), &"a".repeat(64)] {
            assert!(matches!(
                open_link(&store, token, 0).await,
                Err(SurveyError::Unusable)
            ));
        }
    }
}
