//! The rules of logging in, with faked time, on a SQLite store.

use argon2::password_hash::PasswordHasher;
use argon2::{Algorithm, Argon2, Params, Version};
use salesboard_domain::Dataset;
use salesboard_domain::entities::{Extra, User};

use super::*;
use crate::{AppStore, open_store};

const T0: i64 = 1_800_000_000;
const MINUTE: i64 = 60;
const PASSWORD: &str = "correct horse battery";

fn ip(n: u8) -> IpAddr {
    IpAddr::from([192, 0, 2, n])
}

fn user(id: &str, email: &str, role: Role) -> User {
    User {
        id: id.into(),
        name: id.to_uppercase(),
        email: Some(email.into()),
        role,
        team: Some("East".into()),
        extra: Extra::new(),
    }
}

async fn write_users(store: &AppStore, users: Vec<User>) {
    let data = Dataset {
        users,
        ..Dataset::default()
    };
    store
        .write_dataset(&data, &salesboard_store::WriteContext::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A store with `li@example.com` (a rep, password [`PASSWORD`]) and
/// `wang@example.com` (an admin without a password).
async fn store_with_users(dir: &tempfile::TempDir) -> AppStore {
    let store = open_store(&dir.path().join("auth.db").display().to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    write_users(
        &store,
        vec![
            user("u-li", "li@example.com", Role::Rep),
            user("u-wang", "wang@example.com", Role::Admin),
        ],
    )
    .await;
    let hash = users::hash_password(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    store
        .set_password_hash("u-li", &hash)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
}

async fn log_in(store: &AppStore, limiter: &LoginLimiter, now: i64) -> LoginSuccess {
    login(store, limiter, "li@example.com", PASSWORD, ip(1), now)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn check(store: &AppStore, token: &str, now: i64) -> Result<(Actor, String), AuthError> {
    authenticate_session(store, &SessionPolicy::default(), token, now).await
}

#[tokio::test]
async fn a_login_starts_a_session_whose_token_and_csrf_token_identify_the_user() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let done = login(&store, &limiter, " LI@example.com", PASSWORD, ip(1), T0)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.actor.user_id, "u-li");
    assert_eq!(
        (done.actor.role, done.actor.team_id.as_deref()),
        (Role::Rep, Some("East"))
    );
    assert_ne!(done.token, done.csrf_token);
    let (actor, csrf) = check(&store, &done.token, T0 + 1)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((actor, csrf), (done.actor.clone(), done.csrf_token.clone()));
    let stored = store
        .session(&token_hash(&done.token))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        stored.is_some(),
        "the session is stored under the token's hash"
    );
    assert_eq!(store.session(&done.token).await.ok(), Some(None));
    assert!(!format!("{done:?}").contains(&done.token));
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_give_the_same_error() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let wrong = login(
        &store,
        &limiter,
        "li@example.com",
        "wrong password",
        ip(1),
        T0,
    )
    .await;
    let unknown = login(&store, &limiter, "nobody@example.com", PASSWORD, ip(1), T0).await;
    let no_password = login(&store, &limiter, "wang@example.com", PASSWORD, ip(1), T0).await;
    for result in [wrong, unknown, no_password] {
        assert!(
            matches!(result, Err(AuthError::InvalidCredentials)),
            "{result:?}"
        );
    }
}

#[tokio::test]
async fn an_unknown_email_costs_a_password_check_like_a_known_one() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let _ = dummy_hash();
    // The fastest of three tries each, so that a busy machine matters less.
    let timed = |email: &'static str| {
        let (store, limiter) = (&store, &limiter);
        async move {
            let mut fastest = std::time::Duration::MAX;
            for n in 0..3 {
                let started = std::time::Instant::now();
                let _ = login(store, limiter, email, "wrong password", ip(2 + n), T0).await;
                fastest = fastest.min(started.elapsed());
            }
            fastest
        }
    };
    let known = timed("li@example.com").await;
    let unknown = timed("nobody@example.com").await;
    assert!(
        unknown * 4 > known && known * 4 > unknown,
        "known {known:?}, unknown {unknown:?}"
    );
}

#[tokio::test]
async fn a_deactivated_user_cannot_log_in() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    set_active_by_email(&store, "li@example.com", false)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let limiter = LoginLimiter::new();
    let result = login(&store, &limiter, "li@example.com", PASSWORD, ip(1), T0).await;
    assert!(matches!(result, Err(AuthError::Inactive)), "{result:?}");
    set_active_by_email(&store, "li@example.com", true)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        login(&store, &limiter, "li@example.com", PASSWORD, ip(1), T0)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn of_100_logins_from_one_address_in_60_s_at_most_10_are_evaluated() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let (mut evaluated, mut limited) = (0, 0);
    for i in 0..100 {
        // The last 90 would be right: they are refused without a look.
        let password = if i < 10 { "wrong password" } else { PASSWORD };
        match login(
            &store,
            &limiter,
            "li@example.com",
            password,
            ip(7),
            T0 + i * 59 / 100,
        )
        .await
        {
            Err(AuthError::InvalidCredentials) => evaluated += 1,
            Err(AuthError::RateLimited { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs));
                limited += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((evaluated, limited), (10, 90));
}

#[tokio::test]
async fn an_account_attacked_from_20_addresses_slows_down_and_lets_the_real_user_in_within_60_s() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let mut outcomes = Vec::new();
    for i in 0..200_i64 {
        let from = ip(100 + u8::try_from(i % 20).unwrap_or(0));
        let result = login(
            &store,
            &limiter,
            "li@example.com",
            "guess",
            from,
            T0 + i * 3,
        )
        .await;
        outcomes.push(matches!(result, Err(AuthError::InvalidCredentials)));
        assert!(
            matches!(
                result,
                Err(AuthError::InvalidCredentials | AuthError::RateLimited { .. })
            ),
            "{result:?}"
        );
    }
    let first_refusal = outcomes.iter().position(|evaluated| !evaluated);
    assert!(
        first_refusal.is_some_and(|n| n <= ACCOUNT_FAILURES),
        "{first_refusal:?}"
    );
    let evaluated = outcomes.iter().filter(|e| **e).count();
    assert!(evaluated <= 40, "{evaluated} of 200 guesses evaluated");

    let attack_ended = T0 + 199 * 3;
    let mut now = attack_ended;
    let done = loop {
        match login(&store, &limiter, "li@example.com", PASSWORD, ip(1), now).await {
            Ok(done) => break done,
            Err(AuthError::RateLimited { retry_after_secs }) => {
                now += i64::try_from(retry_after_secs).unwrap_or(60);
            }
            Err(e) => panic!("{e}"),
        }
    };
    assert!(
        now - attack_ended <= MAX_BACKOFF_SECS,
        "in after {} s",
        now - attack_ended
    );
    assert_eq!(done.actor.user_id, "u-li");
}

#[tokio::test]
async fn a_session_expires_after_30_idle_minutes_to_the_minute() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let kept = log_in(&store, &limiter, T0).await;
    let idle = log_in(&store, &limiter, T0).await;
    assert!(check(&store, &kept.token, T0 + 29 * MINUTE).await.is_ok());
    assert!(check(&store, &kept.token, T0 + 58 * MINUTE).await.is_ok());
    let expired = check(&store, &idle.token, T0 + 30 * MINUTE).await;
    assert!(
        matches!(expired, Err(AuthError::SessionExpired)),
        "{expired:?}"
    );
    let again = check(&store, &idle.token, T0 + 10 * MINUTE).await;
    assert!(
        matches!(again, Err(AuthError::Unauthenticated)),
        "deleted: {again:?}"
    );
    let late = check(&store, &kept.token, T0 + 88 * MINUTE).await;
    assert!(matches!(late, Err(AuthError::SessionExpired)), "{late:?}");
}

#[tokio::test]
async fn a_session_ends_12_hours_after_login_however_much_it_is_used() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let done = log_in(&store, &limiter, T0).await;
    let mut now = T0;
    while now < T0 + 12 * 60 * MINUTE - MINUTE {
        now += 10 * MINUTE;
        let now = now.min(T0 + 12 * 60 * MINUTE - MINUTE);
        assert!(
            check(&store, &done.token, now).await.is_ok(),
            "at {}",
            now - T0
        );
    }
    let over = check(&store, &done.token, T0 + 12 * 60 * MINUTE).await;
    assert!(matches!(over, Err(AuthError::SessionExpired)), "{over:?}");
}

#[tokio::test]
async fn shorter_timeouts_can_be_configured() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let done = log_in(&store, &limiter, T0).await;
    let policy = SessionPolicy {
        idle_timeout_secs: 5,
        ..SessionPolicy::default()
    };
    assert!(
        authenticate_session(&store, &policy, &done.token, T0 + 4)
            .await
            .is_ok()
    );
    let result = authenticate_session(&store, &policy, &done.token, T0 + 9).await;
    assert!(
        matches!(result, Err(AuthError::SessionExpired)),
        "{result:?}"
    );
}

#[tokio::test]
async fn after_logout_the_token_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let done = log_in(&store, &limiter, T0).await;
    let other = log_in(&store, &limiter, T0).await;
    logout(&store, &done.token)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let replay = check(&store, &done.token, T0 + 1).await;
    assert!(
        matches!(replay, Err(AuthError::Unauthenticated)),
        "{replay:?}"
    );
    assert!(check(&store, &other.token, T0 + 1).await.is_ok());
    logout(&store, "not even a token")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn a_token_from_before_login_is_not_valid_after_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let planted = new_token().unwrap_or_else(|e| panic!("{e}"));
    let before = check(&store, &planted, T0).await;
    assert!(
        matches!(before, Err(AuthError::Unauthenticated)),
        "{before:?}"
    );
    let first = log_in(&store, &limiter, T0).await;
    let second = log_in(&store, &limiter, T0 + 1).await;
    assert_ne!(first.token, planted);
    assert_ne!(first.token, second.token);
    assert_ne!(first.csrf_token, second.csrf_token);
    let after = check(&store, &planted, T0 + 2).await;
    assert!(
        matches!(after, Err(AuthError::Unauthenticated)),
        "{after:?}"
    );
}

#[tokio::test]
async fn a_deactivated_users_session_and_api_token_are_refused_on_the_next_call() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let done = log_in(&store, &limiter, T0).await;
    let api = create_api_token(&store, "li@example.com", Some("ci"), T0)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(check(&store, &done.token, T0 + 1).await.is_ok());
    store
        .set_user_active("u-li", false)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(check(&store, &done.token, T0 + 2).await.is_err());
    assert!(authenticate_api_token(&store, &api, T0 + 2).await.is_err());
}

#[tokio::test]
async fn a_new_role_or_team_holds_from_the_next_call() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let limiter = LoginLimiter::new();
    let done = log_in(&store, &limiter, T0).await;
    let mut promoted = user("u-li", "li@example.com", Role::Manager);
    promoted.team = Some("West".into());
    write_users(&store, vec![promoted]).await;
    let (actor, _) = check(&store, &done.token, T0 + 1)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (actor.role, actor.team_id.as_deref()),
        (Role::Manager, Some("West"))
    );
}

#[tokio::test]
async fn a_legacy_hash_is_upgraded_after_a_successful_login() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let weak = Params::new(4096, 1, 1, None).unwrap_or_else(|e| panic!("{e}"));
    let legacy = Argon2::new(Algorithm::Argon2id, Version::V0x13, weak)
        .hash_password(PASSWORD.as_bytes())
        .map(|h| h.to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        legacy.starts_with("$argon2id$v=19$m=4096,t=1,p=1$"),
        "{legacy}"
    );
    store
        .set_password_hash("u-li", &legacy)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let limiter = LoginLimiter::new();
    let failed = login(
        &store,
        &limiter,
        "li@example.com",
        "wrong password",
        ip(1),
        T0,
    )
    .await;
    assert!(failed.is_err());
    assert_eq!(
        store.password_hash("u-li").await.ok().flatten(),
        Some(legacy.clone())
    );
    log_in(&store, &limiter, T0).await;
    let upgraded = store
        .password_hash("u-li")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    assert!(
        upgraded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{upgraded}"
    );
    assert!(!users::needs_rehash(&upgraded));
    log_in(&store, &limiter, T0 + 1).await;
}

#[tokio::test]
async fn api_tokens_do_not_time_out_and_are_not_sessions() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store_with_users(&dir).await;
    let api = create_api_token(&store, "LI@example.com", Some(" laptop "), T0)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let later = T0 + 90 * 24 * 60 * MINUTE;
    let actor = authenticate_api_token(&store, &api, later)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(actor.user_id, "u-li");
    assert!(matches!(
        check(&store, &api, T0 + 1).await,
        Err(AuthError::Unauthenticated)
    ));
    let limiter = LoginLimiter::new();
    let session = log_in(&store, &limiter, T0).await;
    assert!(matches!(
        authenticate_api_token(&store, &session.token, T0 + 1).await,
        Err(AuthError::Unauthenticated)
    ));
    let listed = store
        .api_tokens("u-li")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].label.as_deref(), listed[0].last_seen_at),
        (Some("laptop"), later)
    );
    assert!(matches!(
        create_api_token(&store, "nobody@example.com", None, T0).await,
        Err(AuthError::UnknownUser(_))
    ));
    logout(&store, &api).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(authenticate_api_token(&store, &api, later).await.is_err());
}
