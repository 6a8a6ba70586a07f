//! Who is calling: the session cookie or a Bearer API token, resolved on
//! every request (a deactivated user or a changed team counts at once), and
//! CSRF protection on every state-changing request made with a cookie.
//! Also the login, logout and "me" routes.

use std::net::SocketAddr;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use salesboard_app::auth::{self, AuthError, SessionPolicy};
use salesboard_app::policy::Actor;
use salesboard_app::users::UserError;
use salesboard_domain::Timestamp;
use serde_json::json;

use crate::AppState;
use crate::api::records::json_object;
use crate::error::ApiError;

/// The session cookie's name: `__Host-` makes browsers refuse it unless it
/// is `Secure`, has `Path=/` and no `Domain`.
pub const SESSION_COOKIE: &str = "__Host-salesboard_session";

/// Where the survey pages are (`/s/{token}`).
pub const SURVEY_PREFIX: &str = "/s/";

/// The header a cookie-authenticated state change must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in caller, put in the request by [`authenticate`].
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub actor: Actor,
    /// The session token, when signed in with the cookie.
    pub session: Option<String>,
    /// The session's CSRF token.
    pub csrf: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(ApiError::unauthenticated)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Caller>().cloned())
    }
}

fn now() -> i64 {
    Timestamp::now().unix_seconds()
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| Cookie::split_parse(value.to_string()))
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == SESSION_COOKIE)
        .map(|cookie| cookie.value().to_string())
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

fn auth_error(error: AuthError) -> ApiError {
    match error {
        AuthError::RateLimited { retry_after_secs } => ApiError {
            retry_after: Some(retry_after_secs),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many attempts; try again in {retry_after_secs} s"),
            )
        },
        AuthError::Store(e) => ApiError::internal(e),
        AuthError::Hash(e) => ApiError::internal(e),
        AuthError::Invalid(field, reason) => ApiError::invalid(field, reason),
        AuthError::InvalidCredentials => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "the e-mail or the password is wrong",
        ),
        _ => ApiError::unauthenticated(),
    }
}

/// Whether a request comes from another site: `Sec-Fetch-Site` says so, or
/// its `Origin` is not this host.
fn cross_site(headers: &HeaderMap) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if matches!(fetch_site, "cross-site" | "same-site") {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        host,
    ) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            origin_host != host
        }
        (Some(_), None) => true,
        _ => false,
    }
}

/// Resolves the caller (cookie or Bearer token) and checks CSRF on state
/// changes made with the cookie. Requests without credentials go on without
/// a caller; routes that need one answer 401.
pub async fn authenticate(
    State(app): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    request
        .headers_mut()
        .remove(crate::pages::i18n::USER_LANGUAGE_HEADER);
    let headers = request.headers().clone();
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // Survey pages are answered by customers through the link's token, the
    // only credential there: a session or API token a staff member's browser
    // sends along plays no part, so there is nothing for another site to
    // ride on. (Their form posts carry `Origin: null` anyway, as the pages
    // send no referrer.)
    if request.uri().path().starts_with(SURVEY_PREFIX) {
        return next.run(request).await;
    }
    if unsafe_method && cross_site(&headers) {
        return ApiError::forbidden("cross-site requests may not change anything").into_response();
    }
    if let Some(token) = bearer_token(&headers) {
        match auth::authenticate_api_token(&app.store, &token, now()).await {
            Ok(actor) => {
                request.extensions_mut().insert(Caller {
                    actor,
                    session: None,
                    csrf: None,
                });
            }
            Err(error) => return auth_error(error).into_response(),
        }
    } else if let Some(token) = session_token(&headers) {
        match auth::authenticate_session(&app.store, &SessionPolicy::default(), &token, now()).await
        {
            Ok((actor, csrf)) => {
                let is_login = request.uri().path() == "/api/v1/login";
                if unsafe_method && !is_login {
                    let sent = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
                    if sent != Some(csrf.as_str()) {
                        return ApiError::forbidden(
                            "missing or wrong CSRF token (header X-CSRF-Token, from GET /api/v1/me)",
                        )
                        .into_response();
                    }
                }
                request.extensions_mut().insert(Caller {
                    actor,
                    session: Some(token),
                    csrf: Some(csrf),
                });
            }
            Err(AuthError::Store(e)) => return ApiError::internal(e).into_response(),
            // An expired or unknown cookie is the same as none.
            Err(_) => {}
        }
    }
    let chosen = request
        .extensions()
        .get::<Caller>()
        .and_then(|caller| caller.actor.language.as_deref())
        .and_then(|code| HeaderValue::from_str(code).ok());
    let language = chosen
        .as_ref()
        .and_then(|code| code.to_str().ok())
        .and_then(crate::pages::i18n::Lang::parse);
    if let Some(code) = chosen {
        request
            .headers_mut()
            .insert(crate::pages::i18n::USER_LANGUAGE_HEADER, code);
    }
    let mut response = next.run(request).await;
    if let Some(lang) = language {
        response
            .extensions_mut()
            .insert(crate::messages::UserLanguage(lang));
    }
    response
}

fn session_cookie(value: String, max_age: Option<i64>) -> Option<HeaderValue> {
    let mut cookie = Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax);
    if let Some(seconds) = max_age {
        cookie = cookie.max_age(cookie::time::Duration::seconds(seconds));
    }
    HeaderValue::from_str(&cookie.build().to_string()).ok()
}

fn me_body(caller_actor: &Actor, csrf: Option<&str>) -> serde_json::Value {
    json!({
        "user_id": caller_actor.user_id,
        "name": caller_actor.name,
        "role": caller_actor.role.to_string(),
        "team": caller_actor.team_id,
        "language": caller_actor.language,
        "csrf_token": csrf,
    })
}

/// A text field a body must have.
fn required_text(
    body: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<String, ApiError> {
    body.get(name)
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .ok_or_else(|| ApiError::invalid(name, "is required"))
}

/// `POST /api/v1/login {email, password}`: a new session (never the one the
/// request came with) in the cookie, and the CSRF token in the body.
#[tracing::instrument(skip_all)]
pub async fn login(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_object(&body)?;
    let email = required_text(&body, "email")?;
    let password = required_text(&body, "password")?;
    let success = auth::login(
        &app.store,
        &app.limiter,
        &email,
        &password,
        peer.ip(),
        now(),
    )
    .await
    .map_err(auth_error)?;
    let mut response =
        Json(me_body(&success.actor, Some(success.csrf_token.as_str()))).into_response();
    if let Some(cookie) = session_cookie(success.token, None) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `POST /api/v1/logout`: ends the session; its cookie no longer works.
#[tracing::instrument(skip_all)]
pub async fn logout(State(app): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    if let Some(token) = &caller.session {
        auth::logout(&app.store, token).await.map_err(auth_error)?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Some(cookie) = session_cookie(String::new(), Some(0)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `GET /api/v1/me`: who is signed in, and the CSRF token for state changes.
pub async fn me(caller: Caller) -> Response {
    Json(me_body(&caller.actor, caller.csrf.as_deref())).into_response()
}

/// `PATCH /api/v1/me {"language": "zh"|"en"|""}`: keeps the caller's UI
/// language (empty: the browser's again) for every page from the next on.
#[tracing::instrument(skip_all)]
pub async fn update_me(
    State(app): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_object(&body)?;
    if let Some(other) = body.keys().find(|k| k.as_str() != "language") {
        return Err(ApiError::invalid(
            other,
            "is not a field you may change here",
        ));
    }
    let language = required_text(&body, "language")?;
    auth::set_language(&app.store, &caller.actor, &language)
        .await
        .map_err(auth_error)?;
    let mut actor = caller.actor;
    actor.language = (!language.is_empty()).then_some(language);
    Ok(Json(me_body(&actor, caller.csrf.as_deref())).into_response())
}

/// `POST /api/v1/setup {email, name, password}`: on a database where nobody
/// can log in yet, makes the first admin; afterwards 409.
#[tracing::instrument(skip_all)]
pub async fn setup(State(app): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let body = json_object(&body)?;
    let email = required_text(&body, "email")?;
    let name = required_text(&body, "name")?;
    let password = required_text(&body, "password")?;
    if let Some(other) = body
        .keys()
        .find(|k| !["email", "name", "password"].contains(&k.as_str()))
    {
        return Err(ApiError::invalid(
            other.as_str(),
            "is not a field of the setup",
        ));
    }
    let _one_at_a_time = app.setup_lock.lock().await;
    match salesboard_app::users::set_up_first_admin(&app.store, &email, &name, &password).await {
        Ok(user_id) => Ok((StatusCode::CREATED, Json(json!({"user_id": user_id}))).into_response()),
        Err(UserError::AlreadySetUp) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_set_up",
            UserError::AlreadySetUp.to_string(),
        )),
        Err(UserError::Invalid(message)) => {
            let field = if message.contains("password") {
                "password"
            } else if message.contains("name") {
                "name"
            } else {
                "email"
            };
            Err(ApiError::invalid(field, message))
        }
        Err(other) => Err(ApiError::internal(other)),
    }
}
