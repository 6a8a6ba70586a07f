//! When a failed delivery is tried again: attempt `n` that fails waits
//! `min(30 s · 2^(n-1), 1 h)` before the next; the 8th failure is final. A
//! 2xx answer is delivered; anything else (another status, a connection
//! error, a time-out) is retried.

use salesboard_store::AttemptOutcome;

/// Attempts made before a delivery is marked failed.
pub const MAX_ATTEMPTS: i64 = 8;
/// The wait after the first failed attempt, in seconds.
pub const FIRST_WAIT_SECS: i64 = 30;
/// The longest wait between two attempts, in seconds.
pub const MAX_WAIT_SECS: i64 = 3_600;

/// How long to wait after failed attempt `attempt` (1 for the first), or
/// `None` when it was the last one.
pub fn retry_delay_secs(attempt: i64) -> Option<i64> {
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = u32::try_from(attempt.max(1) - 1).unwrap_or(u32::MAX);
    let wait = 2_i64
        .checked_pow(doublings)
        .and_then(|factor| factor.checked_mul(FIRST_WAIT_SECS))
        .unwrap_or(MAX_WAIT_SECS);
    Some(wait.min(MAX_WAIT_SECS))
}

/// What an attempt answered: the HTTP status, or why there was none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// The receiver answered with this status.
    Status(u16),
    /// No answer: a connection error or a time-out.
    Error(String),
}

/// What attempt `attempt` (1 for the first) made at `now` came to.
pub fn outcome(attempt: i64, now: i64, response: &Response) -> AttemptOutcome {
    let (status_code, error) = match response {
        Response::Status(code) if (200..300).contains(code) => {
            return AttemptOutcome::Delivered {
                at: now,
                status_code: i64::from(*code),
            };
        }
        Response::Status(code) => (Some(i64::from(*code)), format!("HTTP {code}")),
        Response::Error(error) => (None, error.clone()),
    };
    match retry_delay_secs(attempt) {
        Some(wait) => AttemptOutcome::Retry {
            status_code,
            error,
            next_attempt_at: now.saturating_add(wait),
        },
        None => AttemptOutcome::Failed { status_code, error },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_waits_double_from_30_seconds_and_the_8th_failure_is_final() {
        let waits: Vec<Option<i64>> = (1..=9).map(retry_delay_secs).collect();
        assert_eq!(
            waits,
            [
                Some(30),
                Some(60),
                Some(120),
                Some(240),
                Some(480),
                Some(960),
                Some(1_920),
                None,
                None
            ]
        );
        let total: i64 = waits.iter().flatten().sum();
        assert_eq!(total, 3_810);
    }

    #[test]
    fn a_wait_never_exceeds_an_hour_whatever_the_count() {
        // Past the attempt cap nothing is retried; the cap on the wait holds
        // for the formula itself, which the cap of 8 attempts never reaches.
        assert_eq!(retry_delay_secs(0), Some(30));
        assert_eq!(retry_delay_secs(-5), Some(30));
        assert_eq!(retry_delay_secs(i64::MAX), None);
        for attempt in 1..MAX_ATTEMPTS {
            assert!(retry_delay_secs(attempt).is_some_and(|w| (30..=3_600).contains(&w)));
        }
    }

    #[test]
    fn a_2xx_is_delivered_and_anything_else_retried_then_failed() {
        assert_eq!(
            outcome(3, 1_000, &Response::Status(204)),
            AttemptOutcome::Delivered {
                at: 1_000,
                status_code: 204
            }
        );
        assert_eq!(
            outcome(1, 1_000, &Response::Status(500)),
            AttemptOutcome::Retry {
                status_code: Some(500),
                error: "HTTP 500".into(),
                next_attempt_at: 1_030
            }
        );
        assert_eq!(
            outcome(2, 1_000, &Response::Status(301)),
            AttemptOutcome::Retry {
                status_code: Some(301),
                error: "HTTP 301".into(),
                next_attempt_at: 1_060
            }
        );
        assert_eq!(
            outcome(7, 1_000, &Response::Error("timed out".into())),
            AttemptOutcome::Retry {
                status_code: None,
                error: "timed out".into(),
                next_attempt_at: 2_920
            }
        );
        assert_eq!(
            outcome(8, 1_000, &Response::Status(404)),
            AttemptOutcome::Failed {
                status_code: Some(404),
                error: "HTTP 404".into()
            }
        );
    }
}
