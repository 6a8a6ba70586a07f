//! Survey links: the [`SurveyLinkStore`] trait for one-time links a customer
//! answers a satisfaction survey through, without logging in.
//!
//! A link is kept by the SHA-256 of its token, never the token. Answering
//! marks the link used and writes the survey response (through the same
//! dataset write as imports, with its audit entry) in one transaction, so a
//! link gives at most one response however often its answer is replayed.

use std::future::Future;

use salesboard_domain::entities::{Survey, SurveyScale};

use crate::{StoreError, WriteContext, WriteReport};

/// One stored survey link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyLink {
    /// SHA-256 of the token, lowercase hex.
    pub token_hash: String,
    /// The customer asked.
    pub customer_id: String,
    /// The order the survey is about, if any.
    pub order_id: Option<String>,
    /// The scale of the question (1–5 or 0–10).
    pub scale: SurveyScale,
    /// The user who made the link.
    pub created_by: String,
    /// When it was made, seconds since the epoch.
    pub created_at: i64,
    /// From when it no longer works, seconds since the epoch.
    pub expires_at: i64,
    /// When it was answered, if it was.
    pub used_at: Option<i64>,
    /// The survey response its answer wrote, if any.
    pub response_id: Option<String>,
}

impl SurveyLink {
    /// Whether the link can still be answered at `now`: not used and not
    /// expired.
    pub fn usable_at(&self, now: i64) -> bool {
        self.used_at.is_none() && now < self.expires_at
    }
}

/// Storage for survey links.
pub trait SurveyLinkStore: Send + Sync {
    /// Stores a new link. A hash already taken is a [`StoreError::Conflict`].
    fn create_survey_link(
        &self,
        link: &SurveyLink,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The link with this token hash, used or not.
    fn survey_link(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<Option<SurveyLink>, StoreError>> + Send;

    /// In one transaction: marks the link used at `now` with `response`'s id,
    /// if it is unused and not expired at `now`, then writes `response` as
    /// a dataset write (upsert and audit entry under `context`). `None`: the
    /// link is unknown, used or expired, and nothing was written. If the
    /// response cannot be written the link stays unused.
    fn answer_survey_link(
        &self,
        token_hash: &str,
        now: i64,
        response: &Survey,
        context: &WriteContext,
    ) -> impl Future<Output = Result<Option<WriteReport>, StoreError>> + Send;
}
