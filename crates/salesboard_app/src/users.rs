//! Users who log in: adding them with a password, hashed with Argon2id.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use salesboard_domain::entities::{Extra, Role, User};
use salesboard_domain::{Dataset, ValidationError};
use salesboard_store::{Store, StoreError, WriteContext};

/// Why a user could not be added.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// A field is not valid.
    #[error("{0}")]
    Invalid(String),
    /// Hashing failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// The one-time setup is closed: a user can already log in.
    #[error("Salesboard is set up already: log in, or ask an admin")]
    AlreadySetUp,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Argon2id with the OWASP minimum: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Result<Argon2<'static>, UserError> {
    let params = Params::new(19_456, 2, 1, None).map_err(|e| UserError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Checks a new password: at least 8 characters (any, including emoji), at
/// most 256, and not one of the most common passwords. No composition rules.
pub fn check_password_policy(password: &str) -> Result<(), UserError> {
    let length = password.chars().count();
    if length < 8 {
        return Err(UserError::Invalid(
            "the password must have at least 8 characters".into(),
        ));
    }
    if length > 256 {
        return Err(UserError::Invalid(
            "the password must have at most 256 characters".into(),
        ));
    }
    if is_common(password) {
        return Err(UserError::Invalid(
            "the password is one of the most common ones".into(),
        ));
    }
    Ok(())
}

/// Whether a password is on the list of the most common ones (ignoring case).
fn is_common(password: &str) -> bool {
    const COMMON: [&str; 2] = [
        include_str!("common_passwords.txt"),
        include_str!("top3000_passwords.txt"),
    ];
    let lowered = password.to_lowercase();
    COMMON
        .iter()
        .flat_map(|list| list.lines())
        .filter(|line| !line.starts_with('#'))
        .any(|line| line == lowered)
}

/// Whether a stored PHC string is below today's policy (not Argon2id v19, or
/// less than 19 MiB of memory, 2 passes or 1 lane), so that it should be
/// replaced the next time the password is known. Unreadable strings count as
/// below policy.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return true;
    };
    if hash.algorithm.as_str() != "argon2id" || hash.version != Some(0x13) {
        return true;
    }
    Params::try_from(&hash).map_or(true, |params| {
        params.m_cost() < 19_456 || params.t_cost() < 2 || params.p_cost() < 1
    })
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for a password.
pub fn hash_password(password: &str) -> Result<String, UserError> {
    hasher()?
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| UserError::Hash(e.to_string()))
}

/// Whether a password matches a stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// What `salesboard user add` asks for.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Team, if any.
    pub team: Option<String>,
    /// The id to use; by default the e-mail.
    pub id: Option<String>,
}

/// Adds (or updates, by e-mail) a user and sets their password.
pub async fn add_user(
    store: &impl Store,
    new: NewUser,
    password: &str,
) -> Result<String, UserError> {
    let email = salesboard_domain::normalize::email(&new.email)
        .ok_or_else(|| UserError::Invalid(format!("\"{}\" is not an e-mail address", new.email)))?;
    if new.name.trim().is_empty() {
        return Err(UserError::Invalid("the name is empty".into()));
    }
    check_password_policy(password)?;
    let known = store.known_ids().await?;
    let id = match (&new.id, known.user_emails.get(&email)) {
        (Some(id), _) => id.clone(),
        (None, Some(existing)) => existing.clone(),
        (None, None) => email.clone(),
    };
    let hash = hash_password(password)?;
    let data = Dataset {
        users: vec![User {
            id: id.clone(),
            name: new.name.trim().to_string(),
            email: Some(email),
            role: new.role,
            team: new.team,
            extra: Extra::new(),
        }],
        ..Dataset::default()
    };
    store
        .write_dataset(
            &data,
            &WriteContext {
                actor: None,
                source: "user add".into(),
                record: None,
            },
        )
        .await?;
    store.set_password_hash(&id, &hash).await?;
    Ok(id)
}

/// The one-time setup: on a database where nobody can log in yet, makes the
/// first admin; afterwards it is refused.
pub async fn set_up_first_admin(
    store: &(impl Store + salesboard_store::AuthStore),
    email: &str,
    name: &str,
    password: &str,
) -> Result<String, UserError> {
    if store.has_login_users().await? {
        return Err(UserError::AlreadySetUp);
    }
    add_user(
        store,
        NewUser {
            email: email.to_string(),
            name: name.to_string(),
            role: Role::Admin,
            team: None,
            id: None,
        },
        password,
    )
    .await
}

/// Parses a role for the command line.
pub fn parse_role(text: &str) -> Result<Role, ValidationError> {
    Role::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_minimum_cost() {
        let hash = hash_password("correct horse battery").unwrap_or_default();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterz", &hash));
    }

    #[test]
    fn the_policy_counts_characters_not_bytes_and_refuses_common_passwords() {
        assert!(check_password_policy("1234567").is_err());
        assert!(check_password_policy("密码密码密码密码").is_ok());
        assert!(check_password_policy("🔒🔒🔒🔒🔒🔒🔒🔒").is_ok());
        assert!(check_password_policy("Password1").is_err());
        assert!(check_password_policy(&"x".repeat(128)).is_ok());
    }

    #[test]
    fn every_one_of_the_top_3000_passwords_is_refused() {
        let list: Vec<&str> = include_str!("top3000_passwords.txt")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .collect();
        assert_eq!(list.len(), 3000);
        for password in list {
            assert!(check_password_policy(password).is_err(), "{password}");
        }
        assert!(check_password_policy("a perfectly fine passphrase").is_ok());
    }

    #[test]
    fn the_common_password_list_refuses_favourites_in_any_case() {
        for common in [
            "woaini1314",
            "1qaz2wsx",
            "1Qaz2Wsx",
            "5201314520",
            "PASSWORD123",
            "88888888",
        ] {
            assert!(check_password_policy(common).is_err(), "{common}");
        }
        assert!(check_password_policy("5201314").is_err());
        assert!(check_password_policy("# Passwords of 8 or more characters").is_ok());
        assert!(check_password_policy("我爱你一生一世啊").is_ok());
    }

    #[test]
    fn hashes_below_policy_need_a_rehash() {
        assert!(!needs_rehash(
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
        ));
        assert!(!needs_rehash(
            "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
        ));
        assert!(needs_rehash(
            "$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
        ));
        assert!(needs_rehash(
            "$argon2id$v=19$m=19456,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
        ));
        assert!(needs_rehash(
            "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
        ));
        assert!(needs_rehash(
            "$argon2id$v=16$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
        ));
        assert!(needs_rehash("not a hash"));
        let fresh = hash_password("correct horse battery").unwrap_or_default();
        assert!(!needs_rehash(&fresh), "{fresh}");
    }

    #[test]
    fn long_passwords_differing_only_at_the_end_do_not_collide() {
        let a = "a".repeat(99) + "1";
        let b = "a".repeat(99) + "2";
        let hash = hash_password(&a).unwrap_or_default();
        assert!(verify_password(&a, &hash) && !verify_password(&b, &hash));
    }
}
