//! The SQL implementation of [`AuthStore`](crate::AuthStore): users by e-mail,
//! the `sessions` table (migration 0002), and switching users on and off.

use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::SqlStore;
use crate::{ApiTokenInfo, AuthStore, AuthUser, SessionKind, SessionRow, StoreError};

/// `SELECT … FROM users`, the columns [`user`] reads.
macro_rules! select_users {
    () => {
        "SELECT id, name, email, role, team_id, \
         CASE WHEN active THEN 1 ELSE 0 END AS active, password_hash, language FROM users"
    };
}

/// `SELECT … FROM sessions`, the columns [`session`] reads.
macro_rules! select_sessions {
    () => {
        "SELECT token_hash, user_id, kind, csrf_token, label, created_at, last_seen_at \
         FROM sessions"
    };
}

fn user(row: &AnyRow) -> Result<AuthUser, StoreError> {
    Ok(AuthUser {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        role: row.try_get("role")?,
        team_id: row.try_get("team_id")?,
        active: row.try_get::<i64, _>("active")? != 0,
        password_hash: row.try_get("password_hash")?,
        language: row.try_get("language")?,
    })
}

fn session(row: &AnyRow) -> Result<SessionRow, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(SessionRow {
        token_hash: row.try_get("token_hash")?,
        user_id: row.try_get("user_id")?,
        kind: SessionKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("sessions: unknown kind \"{kind}\"")))?,
        csrf_token: row.try_get("csrf_token")?,
        label: row.try_get("label")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
    })
}

async fn login_user(pool: &AnyPool, email: &str) -> Result<Option<AuthUser>, StoreError> {
    let wanted = email.trim().to_lowercase();
    // E-mails may have been imported with capitals: compare lowercased, and
    // prefer an exact match should two rows differ only in case.
    let row = sqlx::query(concat!(
        select_users!(),
        " WHERE LOWER(email) = $1 ORDER BY CASE WHEN email = $1 THEN 0 ELSE 1 END, id LIMIT 1"
    ))
    .bind(wanted)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(user).transpose()
}

async fn auth_user(pool: &AnyPool, user_id: &str) -> Result<Option<AuthUser>, StoreError> {
    let row = sqlx::query(concat!(select_users!(), " WHERE id = $1"))
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(user).transpose()
}

async fn insert_session(pool: &AnyPool, row: &SessionRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, label, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(row.token_hash.as_str())
    .bind(row.user_id.as_str())
    .bind(row.kind.as_str())
    .bind(row.csrf_token.as_deref())
    .bind(row.label.as_deref())
    .bind(row.created_at)
    .bind(row.last_seen_at)
    .execute(pool)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

async fn find_session(pool: &AnyPool, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
    let row = sqlx::query(concat!(select_sessions!(), " WHERE token_hash = $1"))
        .bind(token_hash)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(session).transpose()
}

async fn touch_session(pool: &AnyPool, token_hash: &str, at: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $1",
    )
    .bind(at)
    .bind(token_hash)
    .execute(pool)
    .await?;
    Ok(())
}

async fn delete_session(pool: &AnyPool, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

async fn delete_sessions_of_user(pool: &AnyPool, user_id: &str) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// An update that touched no row names no user.
fn known_user(rows: u64, user_id: &str) -> Result<(), StoreError> {
    match rows {
        0 => Err(StoreError::Conflict(format!(
            "no user with id \"{user_id}\""
        ))),
        _ => Ok(()),
    }
}

async fn set_user_language(
    pool: &AnyPool,
    user_id: &str,
    language: Option<&str>,
) -> Result<(), StoreError> {
    let mut tx = super::begin_write(pool).await?;
    let updated = sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(language)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    known_user(updated.rows_affected(), user_id)?;
    tx.commit().await?;
    Ok(())
}

async fn set_user_active(pool: &AnyPool, user_id: &str, active: bool) -> Result<(), StoreError> {
    let mut tx = super::begin_write(pool).await?;
    let updated = sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(active)
        .bind(salesboard_domain::Timestamp::now().unix_seconds())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    known_user(updated.rows_affected(), user_id)?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn has_login_users(pool: &AnyPool) -> Result<bool, StoreError> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE password_hash IS NOT NULL")
            .fetch_one(pool)
            .await?;
    Ok(count > 0)
}

async fn api_tokens(pool: &AnyPool, user_id: &str) -> Result<Vec<ApiTokenInfo>, StoreError> {
    sqlx::query(
        "SELECT label, created_at, last_seen_at FROM sessions \
         WHERE user_id = $1 AND kind = 'api' ORDER BY created_at, label",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        Ok(ApiTokenInfo {
            label: row.try_get("label")?,
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
        })
    })
    .collect()
}

impl AuthStore for SqlStore {
    async fn login_user(&self, email: &str) -> Result<Option<AuthUser>, StoreError> {
        login_user(&self.pool, email).await
    }

    async fn auth_user(&self, user_id: &str) -> Result<Option<AuthUser>, StoreError> {
        auth_user(&self.pool, user_id).await
    }

    async fn insert_session(&self, session: &SessionRow) -> Result<(), StoreError> {
        insert_session(&self.pool, session).await
    }

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        find_session(&self.pool, token_hash).await
    }

    async fn touch_session(&self, token_hash: &str, last_seen_at: i64) -> Result<(), StoreError> {
        touch_session(&self.pool, token_hash, last_seen_at).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        delete_session(&self.pool, token_hash).await
    }

    async fn delete_sessions_of_user(&self, user_id: &str) -> Result<u64, StoreError> {
        delete_sessions_of_user(&self.pool, user_id).await
    }

    async fn set_user_active(&self, user_id: &str, active: bool) -> Result<(), StoreError> {
        set_user_active(&self.pool, user_id, active).await
    }

    async fn set_user_language(
        &self,
        user_id: &str,
        language: Option<&str>,
    ) -> Result<(), StoreError> {
        set_user_language(&self.pool, user_id, language).await
    }

    async fn has_login_users(&self) -> Result<bool, StoreError> {
        has_login_users(&self.pool).await
    }

    async fn api_tokens(&self, user_id: &str) -> Result<Vec<ApiTokenInfo>, StoreError> {
        api_tokens(&self.pool, user_id).await
    }
}
