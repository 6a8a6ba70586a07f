//! The conformance checks of [`SurveyLinkStore`]: what every backend must do
//! with survey links, run on each backend by
//! [`conformance_tests!`](crate::conformance_tests) through
//! [`survey_link_conformance_tests!`](crate::survey_link_conformance_tests).

use salesboard_domain::Timestamp;
use salesboard_domain::entities::{Survey, SurveyScale};

use crate::conformance::sample_dataset;
use crate::survey_links::{SurveyLink, SurveyLinkStore};
use crate::{Store, StoreError, WriteContext};

fn link(token_hash: &str, customer_id: &str, expires_at: i64) -> SurveyLink {
    SurveyLink {
        token_hash: token_hash.into(),
        customer_id: customer_id.into(),
        order_id: None,
        scale: SurveyScale::Ten,
        created_by: "u-1".into(),
        created_at: 100,
        expires_at,
        used_at: None,
        response_id: None,
    }
}

fn response(id: &str, customer_id: &str, score: i64) -> Survey {
    Survey {
        id: id.into(),
        customer_id: Some(customer_id.into()),
        order_id: None,
        score,
        scale: SurveyScale::Ten,
        responded_at: Timestamp::from_unix_seconds(1_000),
        comment: Some("快，准".into()),
    }
}

fn context() -> WriteContext {
    WriteContext {
        actor: Some("survey-link".into()),
        source: "survey link".into(),
        record: None,
    }
}

async fn prepared(store: &(impl Store + SurveyLinkStore)) {
    store
        .write_dataset(&sample_dataset(), &WriteContext::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

async fn create(store: &impl SurveyLinkStore, link: &SurveyLink) {
    store
        .create_survey_link(link)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

async fn survey_ids(store: &impl Store) -> Vec<String> {
    store
        .read_dataset()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .surveys
        .into_iter()
        .map(|s| s.id)
        .collect()
}

/// A link reads back as stored, by its hash only; a hash is taken once; a
/// link for a customer that does not exist is refused.
pub async fn survey_links_are_stored_by_their_hash(store: &(impl Store + SurveyLinkStore)) {
    prepared(store).await;
    let mut stored = link("aa11", "c-1", 2_000);
    stored.order_id = Some("o-1".into());
    stored.scale = SurveyScale::Five;
    create(store, &stored).await;
    assert_eq!(store.survey_link("aa11").await.ok(), Some(Some(stored)));
    assert_eq!(store.survey_link("aa12").await.ok(), Some(None));
    let again = store.create_survey_link(&link("aa11", "c-2", 3_000)).await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "expected a conflict, got {again:?}"
    );
    let stranger = store
        .create_survey_link(&link("bb22", "no-such-customer", 3_000))
        .await;
    assert!(
        matches!(stranger, Err(StoreError::Conflict(_))),
        "expected a conflict, got {stranger:?}"
    );
}

/// The first answer writes the response with an audit entry and marks the
/// link used; a second answer writes nothing.
pub async fn a_link_is_answered_once(store: &(impl Store + SurveyLinkStore)) {
    prepared(store).await;
    create(store, &link("cc33", "c-1", 2_000)).await;
    let version = store
        .change_version()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let report = store
        .answer_survey_link("cc33", 1_000, &response("sv-1", "c-1", 9), &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("the link was usable"));
    assert_eq!(report.surveys.created, 1);
    assert_eq!(survey_ids(store).await, ["r-1", "sv-1"]);
    let data = store.read_dataset().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(data.surveys[1], response("sv-1", "c-1", 9));
    let used = store
        .survey_link("cc33")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("the link is gone"));
    assert_eq!(
        (used.used_at, used.response_id.as_deref()),
        (Some(1_000), Some("sv-1"))
    );
    assert!(!used.usable_at(1_001));
    assert!(
        store
            .change_version()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            > version
    );
    let audit = store.audit_log(1).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(audit[0].actor.as_deref(), Some("survey-link"));

    let replay = store
        .answer_survey_link("cc33", 1_001, &response("sv-2", "c-1", 0), &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(replay, None);
    assert_eq!(survey_ids(store).await, ["r-1", "sv-1"]);
}

/// An unknown link, or one answered at or after its expiry, writes nothing.
pub async fn an_expired_or_unknown_link_writes_nothing(store: &(impl Store + SurveyLinkStore)) {
    prepared(store).await;
    create(store, &link("dd44", "c-1", 1_000)).await;
    for (hash, at) in [("dd44", 1_000), ("dd44", 5_000), ("ee55", 500)] {
        let outcome = store
            .answer_survey_link(hash, at, &response("sv-x", "c-1", 7), &context())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome, None, "{hash} at {at}");
    }
    assert_eq!(survey_ids(store).await, ["r-1"]);
    let link = store.survey_link("dd44").await.ok().flatten();
    assert_eq!(link.and_then(|l| l.used_at), None);
}

/// A response that cannot be written leaves the link unused: it can be
/// answered again.
pub async fn a_failed_answer_leaves_the_link_unused(store: &(impl Store + SurveyLinkStore)) {
    prepared(store).await;
    create(store, &link("ff66", "c-1", 2_000)).await;
    let broken = store
        .answer_survey_link(
            "ff66",
            1_000,
            &response("sv-3", "no-such-customer", 5),
            &context(),
        )
        .await;
    assert!(
        matches!(broken, Err(StoreError::Conflict(_))),
        "expected a conflict, got {broken:?}"
    );
    let link = store.survey_link("ff66").await.ok().flatten();
    assert_eq!(link.map(|l| (l.used_at, l.response_id)), Some((None, None)));
    assert_eq!(survey_ids(store).await, ["r-1"]);
    let answered = store
        .answer_survey_link("ff66", 1_001, &response("sv-4", "c-1", 5), &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(answered.is_some());
    assert_eq!(survey_ids(store).await, ["r-1", "sv-4"]);
}

/// Expands to one `#[tokio::test]` per survey link check, like
/// [`conformance_tests!`](crate::conformance_tests) (which includes it): `$open`
/// is an async expression giving `Some((guard, store))`, or `None` to skip.
#[macro_export]
macro_rules! survey_link_conformance_tests {
    ($open:expr) => {
        $crate::survey_link_conformance_tests!(@each $open;
            survey_links_are_stored_by_their_hash,
            a_link_is_answered_once,
            an_expired_or_unknown_link_writes_nothing,
            a_failed_answer_leaves_the_link_unused
        );
    };
    (@each $open:expr; $($check:ident),+) => {
        $(
            #[tokio::test]
            async fn $check() {
                if let Some((_guard, store)) = $open {
                    $crate::conformance_survey_links::$check(&store).await;
                }
            }
        )+
    };
}
