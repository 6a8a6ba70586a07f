//! Slowing down guessing, in memory. [`LoginLimiter`] (reliability plan row
//! 9): at most [`IP_ATTEMPTS`] logins evaluated per client address per
//! rolling [`IP_WINDOW_SECS`], and a back-off on an account after
//! [`ACCOUNT_FAILURES`] failures within [`ACCOUNT_WINDOW_SECS`] that never
//! lasts more than [`MAX_BACKOFF_SECS`] after the last failure, so an attack
//! cannot lock the real user out for longer than that once it stops. The
//! back-off holds until the account has had no failure for a whole window, so
//! a slow attack cannot wait for old failures to age out and guess in bursts.
//! [`AddressLimiter`] is the per-address half alone, with its own budget, for
//! other guessable secrets (survey links).

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;

/// Login attempts evaluated per client address per window.
pub const IP_ATTEMPTS: usize = 10;
/// The per-address window, seconds.
pub const IP_WINDOW_SECS: i64 = 60;
/// Failures on one account within the account window before it slows down.
pub const ACCOUNT_FAILURES: usize = 20;
/// The per-account window, seconds.
pub const ACCOUNT_WINDOW_SECS: i64 = 600;
/// The longest an account waits after its last failure.
pub const MAX_BACKOFF_SECS: i64 = 60;
/// How long an account waits after reaching [`ACCOUNT_FAILURES`].
pub const FIRST_BACKOFF_SECS: i64 = 15;
/// Entries kept per table before the oldest are dropped.
const MAX_ENTRIES: usize = 100_000;

/// Why an attempt is not evaluated, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Seconds until an attempt may succeed again (at least 1).
    pub retry_after_secs: u64,
}

/// Per client address (IPv6 by /64): when its recent counted requests were
/// made, at most `limit` of them within the last `window_secs`.
#[derive(Debug)]
struct AddressWindow {
    limit: usize,
    window_secs: i64,
    times: HashMap<IpAddr, VecDeque<i64>>,
}

impl AddressWindow {
    fn new(limit: usize, window_secs: i64) -> Self {
        AddressWindow {
            limit,
            window_secs,
            times: HashMap::new(),
        }
    }

    /// Refused when `client` already made `limit` counted requests within
    /// the window ending at `now`.
    fn refused(&mut self, client: IpAddr, now: i64) -> Option<Refused> {
        let times = self.times.get_mut(&client)?;
        forget_before(times, now.saturating_sub(self.window_secs));
        match times.front() {
            Some(&first) if times.len() >= self.limit => {
                Some(wait(first.saturating_add(self.window_secs), now))
            }
            _ => None,
        }
    }

    /// Counts one request of `client` at `now`.
    fn count(&mut self, client: IpAddr, now: i64) {
        let times = self.times.entry(client).or_default();
        times.push_back(now);
        while times.len() > self.limit {
            times.pop_front();
        }
    }

    /// Takes back one request of `client` counted at `at`.
    fn uncount(&mut self, client: IpAddr, at: i64) {
        if let Some(times) = self.times.get_mut(&client) {
            if let Some(index) = times.iter().rposition(|&t| t == at) {
                times.remove(index);
            }
            if times.is_empty() {
                self.times.remove(&client);
            }
        }
    }

    /// Forgets requests older than the window, then addresses without any.
    fn forget_old(&mut self, now: i64) {
        let oldest_kept = now.saturating_sub(self.window_secs);
        self.times.retain(|_, times| {
            forget_before(times, oldest_kept);
            !times.is_empty()
        });
    }

    fn len(&self) -> usize {
        self.times.len()
    }
}

#[derive(Debug)]
struct Tables {
    /// Login attempts per client address.
    attempts: AddressWindow,
    /// Per normalized e-mail: its recent failures.
    failures: HashMap<String, Failures>,
    /// When stale entries were last dropped.
    pruned_at: i64,
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            attempts: AddressWindow::new(IP_ATTEMPTS, IP_WINDOW_SECS),
            failures: HashMap::new(),
            pruned_at: 0,
        }
    }
}

/// One account's recent failures.
#[derive(Debug, Default)]
struct Failures {
    /// When the last [`ACCOUNT_FAILURES`] failures happened, oldest first.
    recent: VecDeque<i64>,
    /// Failures since the account reached the threshold (0: not reached);
    /// kept until a whole window passes without a failure.
    over: u32,
}

impl Failures {
    /// Forgets everything after a window without failures.
    fn expire(&mut self, now: i64) {
        if self
            .recent
            .back()
            .is_none_or(|&last| now.saturating_sub(last) >= ACCOUNT_WINDOW_SECS)
        {
            self.recent.clear();
            self.over = 0;
        }
    }

    fn record(&mut self, now: i64) {
        self.expire(now);
        self.recent.push_back(now);
        forget_before(&mut self.recent, now.saturating_sub(ACCOUNT_WINDOW_SECS));
        while self.recent.len() > ACCOUNT_FAILURES {
            self.recent.pop_front();
        }
        if self.over > 0 || self.recent.len() >= ACCOUNT_FAILURES {
            self.over = self.over.saturating_add(1);
        }
    }

    /// Until when attempts are refused.
    fn blocked_until(&self) -> i64 {
        match (self.over, self.recent.back()) {
            (over @ 1.., Some(&last)) => last.saturating_add(backoff(over)),
            _ => i64::MIN,
        }
    }
}

/// Counts login attempts per client address and failures per account. Cheap
/// to share: put it in an `Arc`. Time is given by the caller, in seconds
/// since the epoch.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    tables: Mutex<Tables>,
}

/// Addresses that count as one client: an IPv4 address, an IPv6 /64 (what one
/// customer line usually gets), IPv4-mapped IPv6 as IPv4.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !u128::from(u64::MAX);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

fn wait(until: i64, now: i64) -> Refused {
    Refused {
        retry_after_secs: u64::try_from(until.saturating_sub(now).max(1)).unwrap_or(1),
    }
}

/// How long an account waits after its last failure, given how many
/// failures it had since reaching the threshold (1: the one that reached
/// it): [`FIRST_BACKOFF_SECS`], doubling with each further failure, at most
/// [`MAX_BACKOFF_SECS`].
fn backoff(over: u32) -> i64 {
    if over == 0 {
        return 0;
    }
    (FIRST_BACKOFF_SECS << (over - 1).min(4)).min(MAX_BACKOFF_SECS)
}

fn forget_before(times: &mut VecDeque<i64>, oldest_kept: i64) {
    while times.front().is_some_and(|&t| t <= oldest_kept) {
        times.pop_front();
    }
}

impl Tables {
    fn prune(&mut self, now: i64) {
        let too_big = self.attempts.len() > MAX_ENTRIES || self.failures.len() > MAX_ENTRIES;
        if now.saturating_sub(self.pruned_at) < IP_WINDOW_SECS && !too_big {
            return;
        }
        self.pruned_at = now;
        self.attempts.forget_old(now);
        self.failures.retain(|_, failures| {
            failures.expire(now);
            !failures.recent.is_empty()
        });
        // Still too many (a very wide attack): drop the quietest, oldest first.
        for table_len in [self.attempts.len(), self.failures.len()] {
            if table_len > MAX_ENTRIES {
                tracing::warn!(
                    entries = table_len,
                    "login limiter full: forgetting the oldest"
                );
            }
        }
        shrink(&mut self.attempts.times, |times| times.back().copied());
        shrink(&mut self.failures, |failures| {
            failures.recent.back().copied()
        });
    }
}

/// Halves a table that grew past [`MAX_ENTRIES`], keeping the entries used
/// last.
fn shrink<K: Clone + Eq + std::hash::Hash, V>(
    table: &mut HashMap<K, V>,
    newest_of: impl Fn(&V) -> Option<i64>,
) {
    if table.len() <= MAX_ENTRIES {
        return;
    }
    let mut newest: Vec<(i64, K)> = table
        .iter()
        .map(|(key, value)| (newest_of(value).unwrap_or(i64::MIN), key.clone()))
        .collect();
    newest.sort_unstable_by_key(|(at, _)| *at);
    let excess = table.len() - MAX_ENTRIES / 2;
    for (_, key) in newest.into_iter().take(excess) {
        table.remove(&key);
    }
}

impl LoginLimiter {
    /// A limiter with nothing counted yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn tables(&self) -> std::sync::MutexGuard<'_, Tables> {
        // A panic while holding the lock cannot leave the tables in a state
        // worse than "some counts lost": keep going.
        self.tables
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Asks to evaluate one login attempt for `account` (a normalized
    /// e-mail) from `ip` at `now`. When allowed, the attempt is counted
    /// against the address, and as a failure of the account until
    /// [`LoginLimiter::succeeded`] is called; when refused, nothing is
    /// counted and the password must not be checked.
    pub fn begin(&self, ip: IpAddr, account: &str, now: i64) -> Result<(), Refused> {
        let mut tables = self.tables();
        tables.prune(now);
        let client = client_key(ip);
        if let Some(refused) = tables.attempts.refused(client, now) {
            return Err(refused);
        }
        if let Some(failures) = tables.failures.get(account) {
            let until = failures.blocked_until();
            if until > now {
                return Err(wait(until, now));
            }
        }
        tables.attempts.count(client, now);
        // Counted as a failure until it proves a success, so that attempts
        // checked at the same time cannot slip past the account's limit.
        tables
            .failures
            .entry(account.to_string())
            .or_default()
            .record(now);
        Ok(())
    }

    /// Records a failure on `account` without an attempt (for tests).
    #[cfg(test)]
    fn fail(&self, account: &str, now: i64) {
        self.tables()
            .failures
            .entry(account.to_string())
            .or_default()
            .record(now);
    }

    /// Records that `account` logged in: its failures are forgotten.
    pub fn succeeded(&self, account: &str) {
        self.tables().failures.remove(account);
    }

    /// How many addresses and accounts are remembered (for tests and metrics).
    pub fn remembered(&self) -> (usize, usize) {
        let tables = self.tables();
        (tables.attempts.len(), tables.failures.len())
    }
}

/// At most `limit` counted requests per client address (IPv6 by /64) per
/// rolling window, for secrets other than passwords (a survey link's token).
/// A request is counted when it begins and given back when it proves not to
/// count (the token was valid), so requests checked at the same time cannot
/// pass the budget. Cheap to share: put it in an `Arc`.
#[derive(Debug)]
pub struct AddressLimiter {
    window: Mutex<(AddressWindow, i64)>,
}

impl AddressLimiter {
    /// A limiter allowing `limit` counted requests per address per
    /// `window_secs`.
    pub fn new(limit: usize, window_secs: i64) -> Self {
        AddressLimiter {
            window: Mutex::new((AddressWindow::new(limit, window_secs), 0)),
        }
    }

    fn window(&self) -> std::sync::MutexGuard<'_, (AddressWindow, i64)> {
        // As in `LoginLimiter::tables`: a poisoned lock loses counts at worst.
        self.window
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Asks to evaluate one request from `ip` at `now`: refused when the
    /// address has used its budget, else counted until
    /// [`AddressLimiter::forgive`] takes it back.
    pub fn begin(&self, ip: IpAddr, now: i64) -> Result<(), Refused> {
        let mut guard = self.window();
        let (window, pruned_at) = &mut *guard;
        if now.saturating_sub(*pruned_at) >= window.window_secs || window.len() > MAX_ENTRIES {
            *pruned_at = now;
            window.forget_old(now);
            shrink(&mut window.times, |times| times.back().copied());
        }
        let client = client_key(ip);
        if let Some(refused) = window.refused(client, now) {
            return Err(refused);
        }
        window.count(client, now);
        Ok(())
    }

    /// The request `ip` began at `at` does not count after all.
    pub fn forgive(&self, ip: IpAddr, at: i64) {
        self.window().0.uncount(client_key(ip), at);
    }

    /// How many addresses are remembered (for tests and metrics).
    pub fn remembered(&self) -> usize {
        self.window().0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([203, 0, 113, n])
    }

    const T0: i64 = 1_800_000_000;

    #[test]
    fn of_100_attempts_from_one_address_in_60_s_at_most_10_are_evaluated() {
        let limiter = LoginLimiter::new();
        let mut evaluated = 0;
        for i in 0..100 {
            let now = T0 + i * 59 / 100;
            match limiter.begin(ip(1), &format!("user{i}@example.com"), now) {
                Ok(()) => evaluated += 1,
                Err(refused) => assert!((1..=60).contains(&refused.retry_after_secs)),
            }
        }
        assert_eq!(evaluated, 10);
        assert!(limiter.begin(ip(2), "a@example.com", T0 + 59).is_ok());
    }

    #[test]
    fn an_address_gets_new_attempts_as_old_ones_leave_the_rolling_window() {
        let limiter = LoginLimiter::new();
        for i in 0..10 {
            assert!(limiter.begin(ip(1), "a@example.com", T0 + i).is_ok());
        }
        assert_eq!(
            limiter.begin(ip(1), "a@example.com", T0 + 30),
            Err(Refused {
                retry_after_secs: 30
            })
        );
        assert!(limiter.begin(ip(1), "a@example.com", T0 + 59).is_err());
        assert!(limiter.begin(ip(1), "a@example.com", T0 + 60).is_ok());
        assert!(limiter.begin(ip(1), "a@example.com", T0 + 60).is_err());
    }

    #[test]
    fn one_ipv6_slash_64_counts_as_one_client() {
        let limiter = LoginLimiter::new();
        for i in 0..10_u16 {
            let address = IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, i]);
            assert!(limiter.begin(address, "a@example.com", T0).is_ok());
        }
        let other_host = IpAddr::from([0x2001, 0xdb8, 0, 1, 9, 9, 9, 9]);
        assert!(limiter.begin(other_host, "a@example.com", T0).is_err());
        let other_line = IpAddr::from([0x2001, 0xdb8, 0, 2, 0, 0, 0, 1]);
        assert!(limiter.begin(other_line, "a@example.com", T0).is_ok());
    }

    /// 200 guesses in 10 minutes from 20 addresses (10 a minute each, within
    /// their budget): how many are evaluated, and when the real user gets in.
    fn attack(limiter: &LoginLimiter) -> (usize, i64) {
        let mut evaluated = 0;
        let mut last = T0;
        for i in 0..200_i64 {
            let now = T0 + i * 3;
            let from = ip(u8::try_from(i % 20).unwrap_or(0));
            if limiter.begin(from, "boss@example.com", now).is_ok() {
                evaluated += 1;
                last = now;
            }
        }
        (evaluated, last)
    }

    #[test]
    fn an_account_slows_down_after_20_failures_from_20_addresses() {
        let limiter = LoginLimiter::new();
        let mut evaluated_before_refusal = 0;
        for i in 0..200_i64 {
            let from = ip(u8::try_from(i % 20).unwrap_or(0));
            if limiter.begin(from, "boss@example.com", T0 + i).is_err() {
                break;
            }
            evaluated_before_refusal += 1;
        }
        assert_eq!(evaluated_before_refusal, ACCOUNT_FAILURES);
        let (evaluated, _) = attack(&LoginLimiter::new());
        assert!(evaluated <= 40, "{evaluated} of 200 guesses evaluated");
    }

    #[test]
    fn the_real_user_gets_in_within_60_s_after_the_attack_stops() {
        let limiter = LoginLimiter::new();
        let (_, last_failure) = attack(&limiter);
        let end_of_attack = T0 + 199 * 3;
        let home = ip(99);
        let mut waited = 0;
        while limiter
            .begin(home, "boss@example.com", end_of_attack + waited)
            .is_err()
        {
            waited += 1;
        }
        assert!(end_of_attack + waited <= last_failure + MAX_BACKOFF_SECS);
        assert!(waited <= MAX_BACKOFF_SECS, "waited {waited} s");
        limiter.succeeded("boss@example.com");
        assert!(
            limiter
                .begin(home, "boss@example.com", end_of_attack + waited)
                .is_ok()
        );
    }

    #[test]
    fn a_slow_attack_stays_slowed_until_it_pauses_for_10_minutes() {
        let limiter = LoginLimiter::new();
        // 20 failures reach the threshold, two more the longest back-off.
        for i in 0..22 {
            limiter.fail("a@example.com", T0 + i);
        }
        // One guess a minute for two hours: each is refused for 60 s after
        // the one before, and old failures ageing out change nothing.
        let mut now = T0 + 21;
        for hour_minute in 0..120 {
            assert!(
                limiter.begin(ip(1), "a@example.com", now + 59).is_err(),
                "{hour_minute}"
            );
            now += 60;
            assert!(
                limiter.begin(ip(2), "a@example.com", now).is_ok(),
                "{hour_minute}"
            );
        }
        // Ten quiet minutes later everything is forgotten.
        now += ACCOUNT_WINDOW_SECS;
        for i in 0..19 {
            limiter.fail("a@example.com", now + i);
        }
        assert!(limiter.begin(ip(3), "a@example.com", now + 19).is_ok());
    }

    #[test]
    fn attempts_checked_at_the_same_time_cannot_pass_the_account_limit() {
        let limiter = LoginLimiter::new();
        let allowed = (0..40)
            .filter(|&i| limiter.begin(ip(i), "a@example.com", T0).is_ok())
            .count();
        assert_eq!(allowed, ACCOUNT_FAILURES);
    }

    #[test]
    fn a_success_clears_the_accounts_failures() {
        let limiter = LoginLimiter::new();
        for i in 0..19 {
            limiter.fail("a@example.com", T0 + i);
        }
        limiter.succeeded("a@example.com");
        limiter.fail("a@example.com", T0 + 20);
        assert!(limiter.begin(ip(1), "a@example.com", T0 + 20).is_ok());
    }

    #[test]
    fn the_back_off_grows_but_never_exceeds_60_s() {
        let waits: Vec<i64> = (0..40).map(backoff).collect();
        assert_eq!(waits[..5], [0, 15, 30, 60, 60]);
        assert!(waits.iter().all(|&w| w <= MAX_BACKOFF_SECS));
    }

    #[test]
    fn old_entries_are_forgotten() {
        let limiter = LoginLimiter::new();
        for i in 0..50 {
            assert!(
                limiter
                    .begin(ip(i), &format!("u{i}@example.com"), T0)
                    .is_ok()
            );
        }
        assert_eq!(limiter.remembered(), (50, 50));
        assert!(limiter.begin(ip(200), "x@example.com", T0 + 61).is_ok());
        assert_eq!(limiter.remembered(), (1, 51));
        limiter.succeeded("x@example.com");
        assert!(limiter.begin(ip(200), "y@example.com", T0 + 700).is_ok());
        assert_eq!(limiter.remembered(), (1, 1));
    }

    #[test]
    fn an_address_limiter_counts_only_what_is_not_forgiven() {
        let limiter = AddressLimiter::new(3, 60);
        for i in 0..10 {
            assert!(limiter.begin(ip(1), T0 + i).is_ok(), "valid request {i}");
            limiter.forgive(ip(1), T0 + i);
        }
        for i in 0..3 {
            assert!(limiter.begin(ip(1), T0 + 10 + i).is_ok());
        }
        assert_eq!(
            limiter.begin(ip(1), T0 + 20),
            Err(Refused {
                retry_after_secs: 50
            })
        );
        assert!(limiter.begin(ip(2), T0 + 20).is_ok());
        assert!(limiter.begin(ip(1), T0 + 70).is_ok());
        assert_eq!(limiter.remembered(), 2);
        assert!(limiter.begin(ip(3), T0 + 200).is_ok());
        assert_eq!(limiter.remembered(), 1);
    }
}
