//! Who may do what to which records: the one place the rule lives. Every
//! list, get, write, search, import, export, KPI and explanation asks here.
//! `docs/permissions.md` is the same table for people, and a test checks
//! that the two agree cell by cell.

use salesboard_domain::entities::Role;
use salesboard_store::records::{RecordKind, RowScope};
use salesboard_store::{Store, StoreError};

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user's id.
    pub user_id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The user's team.
    pub team_id: Option<String>,
    /// The UI language the user chose, if any.
    pub language: Option<String>,
}

/// What is done to records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// List, search, filter, export.
    Read,
    /// Create.
    Create,
    /// Change.
    Update,
    /// Delete.
    Delete,
}

impl Action {
    /// Every action, in the table's order.
    pub const ALL: [Action; 4] = [Action::Read, Action::Create, Action::Update, Action::Delete];

    /// The word in `docs/permissions.md`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// How far a role reaches for one kind and action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reach {
    /// Every record.
    All,
    /// The records of the caller's team (and the public pool).
    Team,
    /// The caller's own records (and the public pool).
    Own,
    /// Nothing: the request is forbidden (403), whatever the id.
    Never,
}

impl Reach {
    /// The word in `docs/permissions.md`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reach::All => "all",
            Reach::Team => "team",
            Reach::Own => "own",
            Reach::Never => "-",
        }
    }
}

/// The policy table: how far `role` reaches when it does `action` to records
/// of the kind called `kind` (`audit` is the audit log, `settings` the
/// organization settings, `webhooks` their configuration, `survey_links`
/// one-time survey links for the customers in reach, `alerts` the KPI
/// alerts, which are about the whole company).
pub fn reach(role: Role, kind: &str, action: Action) -> Reach {
    use Action::*;
    use Reach::*;
    match role {
        Role::Admin => All,
        Role::Manager => match (kind, action) {
            ("users" | "teams", Read) => Team,
            ("users" | "teams" | "audit" | "settings" | "webhooks" | "imports", _) => Never,
            ("kpis", Read) => Team,
            ("kpis", _) => Never,
            ("survey_links", Create) => Team,
            ("survey_links", _) => Never,
            ("alerts", Read) => All,
            ("alerts", _) => Never,
            ("products" | "spend", _) => All,
            _ => Team,
        },
        Role::Rep => match (kind, action) {
            ("products", Read) => All,
            ("kpis", Read) => Own,
            ("customers", Delete) => Never,
            ("customers" | "contacts" | "deals" | "activities", _) => Own,
            ("orders" | "payments", Read | Create | Update) => Own,
            ("surveys", Read | Create) => Own,
            ("survey_links", Create) => Own,
            ("targets" | "users" | "teams", Read) => Own,
            _ => Never,
        },
    }
}

/// Why the policy refuses a request.
#[derive(Debug, thiserror::Error)]
pub enum Denied {
    /// The caller may not do this to any record of the kind.
    #[error("you may not {action} {kind}")]
    Forbidden {
        /// The action.
        action: &'static str,
        /// The kind.
        kind: String,
    },
    /// The store failed while the scope was worked out.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The rows of `kind` that `actor` reaches for `action`, read fresh from the
/// store (a moved user or a new team member counts on the very next request).
pub async fn scope(
    store: &impl Store,
    actor: &Actor,
    kind: &RecordKind,
    action: Action,
) -> Result<RowScope, Denied> {
    scope_named(store, actor, kind.name, action).await
}

/// [`scope`] by the kind's name.
pub async fn scope_named(
    store: &impl Store,
    actor: &Actor,
    kind: &str,
    action: Action,
) -> Result<RowScope, Denied> {
    match reach(actor.role, kind, action) {
        Reach::All => Ok(RowScope::All),
        Reach::Never => Err(Denied::Forbidden {
            action: action.as_str(),
            kind: kind.to_string(),
        }),
        Reach::Own => Ok(RowScope::Owners {
            users: vec![actor.user_id.clone()],
            team: actor.team_id.clone(),
            pool: true,
        }),
        Reach::Team => {
            let mut users = match &actor.team_id {
                Some(team) => store.team_members(team).await?,
                None => Vec::new(),
            };
            if !users.contains(&actor.user_id) {
                users.push(actor.user_id.clone());
            }
            Ok(RowScope::Owners {
                users,
                team: actor.team_id.clone(),
                pool: true,
            })
        }
    }
}

/// Whether `owner` may be set as the owner of a record within `scope`:
/// anyone for `All`; within `Owners`, one of its users, or nobody (the
/// public pool) where `pool_allowed`.
pub fn may_assign(scope: &RowScope, owner: Option<&str>, pool_allowed: bool) -> bool {
    match (scope, owner) {
        (RowScope::All, _) => true,
        (RowScope::Nothing, _) => false,
        (RowScope::Owners { .. }, None) => pool_allowed,
        (RowScope::Owners { users, .. }, Some(owner)) => users.iter().any(|u| u == owner),
    }
}

/// Whether `actor` may see an import job (its progress, report and rejected
/// rows) that `started_by` started: a caller who reaches all imports sees
/// every job, anyone else only their own. A job the caller may not see
/// answers like a missing one.
pub fn may_see_import(actor: &Actor, started_by: &str) -> bool {
    sees_job(
        reach(actor.role, "imports", Action::Create),
        &actor.user_id,
        started_by,
    )
}

/// Whether a caller with `reach` over imports sees a job of `started_by`.
fn sees_job(reach: Reach, caller: &str, started_by: &str) -> bool {
    match reach {
        Reach::All => true,
        Reach::Own | Reach::Team => caller == started_by,
        Reach::Never => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_reach_everything_and_reps_never_reach_spend_or_the_audit_log() {
        for kind in ["customers", "spend", "audit", "users"] {
            for action in Action::ALL {
                assert_eq!(reach(Role::Admin, kind, action), Reach::All);
            }
        }
        for action in Action::ALL {
            assert_eq!(reach(Role::Rep, "spend", action), Reach::Never);
            assert_eq!(reach(Role::Rep, "audit", action), Reach::Never);
            assert_eq!(reach(Role::Manager, "audit", action), Reach::Never);
        }
        assert_eq!(reach(Role::Rep, "customers", Action::Read), Reach::Own);
        assert_eq!(reach(Role::Manager, "customers", Action::Read), Reach::Team);
    }

    /// The rows of `docs/permissions.md`: object, action, rep, manager, admin.
    pub(crate) fn documented_rows() -> Vec<[String; 5]> {
        include_str!("../../../docs/permissions.md")
            .lines()
            .filter(|line| line.starts_with("| ") && !line.starts_with("| object"))
            .map(|line| {
                let cells: Vec<String> = line
                    .trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_string())
                    .collect();
                std::array::from_fn(|i| cells.get(i).cloned().unwrap_or_default())
            })
            .collect()
    }

    #[test]
    fn the_documented_table_is_the_policy_cell_by_cell() {
        let rows = documented_rows();
        assert!(rows.len() >= 40, "{} rows", rows.len());
        for [object, action, rep, manager, admin] in rows {
            let action = Action::ALL
                .into_iter()
                .find(|a| a.as_str() == action)
                .unwrap_or_else(|| panic!("unknown action {action}"));
            for (role, cell) in [
                (Role::Rep, rep),
                (Role::Manager, manager),
                (Role::Admin, admin),
            ] {
                assert_eq!(
                    reach(role, &object, action).as_str(),
                    cell,
                    "{object} {} as {role}",
                    action.as_str()
                );
            }
        }
    }

    #[test]
    fn assigning_an_owner_stays_within_the_scope() {
        let scope = RowScope::Owners {
            users: vec!["a".into(), "b".into()],
            team: None,
            pool: true,
        };
        assert!(may_assign(&scope, Some("a"), false));
        assert!(!may_assign(&scope, Some("z"), true));
        assert!(may_assign(&scope, None, true));
        assert!(!may_assign(&scope, None, false));
        assert!(may_assign(&RowScope::All, Some("z"), false));
    }

    #[test]
    fn an_import_job_is_seen_by_whoever_started_it_and_by_admins() {
        let actor = |id: &str, role| Actor {
            user_id: id.into(),
            name: id.into(),
            role,
            team_id: Some("T1".into()),
            language: None,
        };
        assert!(may_see_import(&actor("boss", Role::Admin), "other-admin"));
        assert!(may_see_import(&actor("boss", Role::Admin), "boss"));
        // Managers and reps may not import (the table), so they see no job,
        // not even one started under their own id.
        assert!(!may_see_import(&actor("m", Role::Manager), "m"));
        assert!(!may_see_import(&actor("r", Role::Rep), "r"));
        assert!(!may_see_import(&actor("r", Role::Rep), "boss"));
        // Should the table let others import, they would see their own jobs only.
        assert!(sees_job(Reach::Own, "r", "r"));
        assert!(!sees_job(Reach::Own, "r", "boss"));
        assert!(!sees_job(Reach::Team, "m", "r"));
    }
}
