//! The survey page a customer opens from a one-time link, without logging
//! in: `GET /s/{token}` shows the question (the link's scale) and a comment
//! box, `POST /s/{token}` records the answer and thanks.
//!
//! An unknown, expired or used token gets one response, the same byte for
//! byte on GET and POST (it does not name the token or the path), and counts
//! against the address's budget of invalid tokens: past it, the address gets
//! 429 for every survey request until the window moves on. The page sets no
//! cookie and has no script.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequest, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use salesboard_app::surveys::{self, MAX_COMMENT_CHARS, SurveyError};
use salesboard_domain::Timestamp;
use salesboard_domain::entities::SurveyScale;

use super::i18n::Lang;
use super::{assets, render};
use crate::AppState;

/// What the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    /// The question and the comment box.
    Form,
    /// The answer was recorded.
    Thanks,
    /// The token is unknown, expired or used.
    Unusable,
    /// Too many invalid tokens from this address.
    Limited,
}

/// One score the customer may pick.
#[derive(Debug)]
struct ScoreChoice {
    value: i64,
    checked: bool,
}

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    lang: Lang,
    stylesheet: String,
    state: View,
    /// `survey_question_nps` or `survey_question_csat`.
    question: &'static str,
    low: &'static str,
    high: &'static str,
    scores: Vec<ScoreChoice>,
    comment: String,
    max_comment: usize,
    /// The field at fault (`score`, `comment`), for a 422.
    error_field: Option<&'static str>,
    error: String,
}

impl SurveyPage {
    fn new(lang: Lang, state: View) -> Self {
        SurveyPage {
            lang,
            stylesheet: assets::url("app.css"),
            state,
            question: "",
            low: "",
            high: "",
            scores: Vec::new(),
            comment: String::new(),
            max_comment: MAX_COMMENT_CHARS,
            error_field: None,
            error: String::new(),
        }
    }

    fn form(lang: Lang, scale: SurveyScale) -> Self {
        let (question, low, high) = match scale {
            SurveyScale::Ten => ("survey_question_nps", "survey_low_nps", "survey_high_nps"),
            SurveyScale::Five => (
                "survey_question_csat",
                "survey_low_csat",
                "survey_high_csat",
            ),
        };
        SurveyPage {
            question: lang.t(question),
            low: lang.t(low),
            high: lang.t(high),
            scores: (scale.min()..=scale.max())
                .map(|value| ScoreChoice {
                    value,
                    checked: false,
                })
                .collect(),
            ..SurveyPage::new(lang, View::Form)
        }
    }
}

/// The page's language: `?lang=`, else the browser's (no cookie is set).
fn language(query: Option<&str>, headers: &HeaderMap) -> Lang {
    let asked = query.and_then(|q| {
        q.split('&')
            .filter_map(|pair| pair.strip_prefix("lang="))
            .next_back()
    });
    Lang::of_request(asked, headers)
}

fn page(page: &SurveyPage, status: StatusCode) -> Response {
    let mut response = render(page, None);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// The one answer to an unknown, expired or used token.
fn unusable(lang: Lang) -> Response {
    page(
        &SurveyPage::new(lang, View::Unusable),
        StatusCode::NOT_FOUND,
    )
}

fn failed(error: SurveyError) -> Response {
    crate::error::ApiError::from(error).into_response()
}

/// Checks the address's budget and the token: the link, or the response to
/// give instead. An unusable token stays counted against the address.
async fn usable_link(
    app: &AppState,
    peer: SocketAddr,
    token: &str,
    lang: Lang,
    now: i64,
) -> Result<salesboard_store::SurveyLink, Response> {
    if let Err(refused) = app.survey_limiter.begin(peer.ip(), now) {
        let mut response = page(
            &SurveyPage::new(lang, View::Limited),
            StatusCode::TOO_MANY_REQUESTS,
        );
        if let Ok(value) = HeaderValue::from_str(&refused.retry_after_secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Err(response);
    }
    match surveys::open_link(&app.store, token, now).await {
        Ok(link) => {
            app.survey_limiter.forgive(peer.ip(), now);
            Ok(link)
        }
        Err(SurveyError::Unusable) => Err(unusable(lang)),
        Err(other) => {
            app.survey_limiter.forgive(peer.ip(), now);
            Err(failed(other))
        }
    }
}

/// `GET /s/{token}`: the question of the link's scale and a comment box.
#[tracing::instrument(skip_all)]
pub async fn show(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let lang = language(query.as_deref(), &headers);
    let now = Timestamp::now().unix_seconds();
    match usable_link(&app, peer, &token, lang, now).await {
        Ok(link) => page(&SurveyPage::form(lang, link.scale), StatusCode::OK),
        Err(response) => response,
    }
}

/// `POST /s/{token}` (`score`, `comment`, form-encoded): records the answer
/// and thanks; a score out of range or a comment too long shows the form
/// again with 422, writes nothing and leaves the link usable.
#[tracing::instrument(skip_all)]
pub async fn answer(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let lang = language(query.as_deref(), &headers);
    let now = Timestamp::now().unix_seconds();
    let link = match usable_link(&app, peer, &token, lang, now).await {
        Ok(link) => link,
        Err(response) => return response,
    };
    // The body is read only once the token is known good, so that a bad
    // token gets the same answer whatever was posted.
    let fields = Form::<Vec<(String, String)>>::from_request(request, &app)
        .await
        .map(|Form(fields)| fields)
        .unwrap_or_default();
    let last = |name: &str| {
        fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let comment = last("comment");
    let score = last("score").and_then(|s| s.trim().parse::<i64>().ok());
    let outcome = match score {
        Some(score) => surveys::answer_link(&app.store, &token, score, comment, now).await,
        None => Err(SurveyError::Invalid {
            field: "score".into(),
            message: "is required".into(),
        }),
    };
    match outcome {
        Ok(record) => {
            app.changed("surveys", "record.created", &record).await;
            page(&SurveyPage::new(lang, View::Thanks), StatusCode::OK)
        }
        Err(SurveyError::Invalid { field, .. }) => {
            let mut form = SurveyPage::form(lang, link.scale);
            for choice in &mut form.scores {
                choice.checked = Some(choice.value) == score;
            }
            form.comment = comment.unwrap_or_default().to_string();
            let (field, key) = if field == "comment" {
                ("comment", "survey_bad_comment")
            } else {
                ("score", "survey_bad_score")
            };
            form.error_field = Some(field);
            form.error = lang.t(key).to_string();
            page(&form, StatusCode::UNPROCESSABLE_ENTITY)
        }
        // Used or expired between the check and the write.
        Err(SurveyError::Unusable) => unusable(lang),
        Err(other) => failed(other),
    }
}
