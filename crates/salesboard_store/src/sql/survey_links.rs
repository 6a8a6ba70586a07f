//! [`SurveyLinkStore`] on SQL: the `survey_links` table (migration 0004), in
//! statements both SQLite and PostgreSQL run. Answering a link claims it and
//! writes the response through the dataset write in one transaction.

use salesboard_domain::Dataset;
use salesboard_domain::entities::{Survey, SurveyScale};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use crate::survey_links::{SurveyLink, SurveyLinkStore};
use crate::{StoreError, WriteContext, WriteReport};

/// `SELECT … FROM survey_links`, the columns [`link`] reads.
const SELECT_LINKS: &str = "SELECT token_hash, customer_id, order_id, scale, created_by, \
     created_at, expires_at, used_at, response_id FROM survey_links";

fn link(row: &AnyRow) -> Result<SurveyLink, StoreError> {
    let scale: i64 = row.try_get("scale")?;
    Ok(SurveyLink {
        token_hash: row.try_get("token_hash")?,
        customer_id: row.try_get("customer_id")?,
        order_id: row.try_get("order_id")?,
        scale: match scale {
            5 => SurveyScale::Five,
            10 => SurveyScale::Ten,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "survey_links: unknown scale {other}"
                )));
            }
        },
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        used_at: row.try_get("used_at")?,
        response_id: row.try_get("response_id")?,
    })
}

impl SurveyLinkStore for SqlStore {
    async fn create_survey_link(&self, link: &SurveyLink) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO survey_links (token_hash, customer_id, order_id, scale, created_by, \
             created_at, expires_at, used_at, response_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(link.token_hash.as_str())
        .bind(link.customer_id.as_str())
        .bind(link.order_id.as_deref())
        .bind(link.scale.max())
        .bind(link.created_by.as_str())
        .bind(link.created_at)
        .bind(link.expires_at)
        .bind(link.used_at)
        .bind(link.response_id.as_deref())
        .execute(&self.pool)
        .await
        .map_err(StoreError::classify)?;
        Ok(())
    }

    async fn survey_link(&self, token_hash: &str) -> Result<Option<SurveyLink>, StoreError> {
        let sql = format!("{SELECT_LINKS} WHERE token_hash = $1");
        // Safe: the statement is made of constants only; the hash is bound.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(link)
            .transpose()
    }

    async fn answer_survey_link(
        &self,
        token_hash: &str,
        now: i64,
        response: &Survey,
        context: &WriteContext,
    ) -> Result<Option<WriteReport>, StoreError> {
        let mut tx = super::begin_write(&self.pool).await?;
        // The claim comes first: of two answers at once, the second waits for
        // the first's lock on the row and then finds the link used.
        let claimed = sqlx::query(
            "UPDATE survey_links SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        let data = Dataset {
            surveys: vec![response.clone()],
            ..Dataset::default()
        };
        let report = super::write::write_all(&mut tx, self.backend, &data, context).await?;
        // Only now does the response exist for the link to refer to.
        sqlx::query("UPDATE survey_links SET response_id = $1 WHERE token_hash = $2")
            .bind(response.id.as_str())
            .bind(token_hash)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::classify)?;
        tx.commit().await?;
        Ok(Some(report))
    }
}
