//! Validating a set of tables as one import: every row parsed, ids unique,
//! every reference pointing at a stored record or one in the same import, the
//! rows of one order merged; with `skip_invalid`, the bad rows set aside with
//! their reasons and everything that depends on them too.

use std::collections::{HashMap, HashSet};

use salesboard_domain::entities::*;
use salesboard_domain::known::{CustomerIdentity, KnownIds};
use salesboard_domain::{Dataset, OrgTimeZone};
use serde::Serialize;

use super::duplicates::{DuplicateNote, find_duplicates};
use super::kinds::FileKind;
use super::mapping::map_headers;
use super::problem::Problem;
use super::records::{self, Cells};
use super::table::{Row, Table};

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The organization's time zone, for timestamps without one.
    pub timezone: OrgTimeZone,
    /// The user's header mapping, `(header, field)`; field `-` leaves a column out.
    pub overrides: Vec<(String, String)>,
    /// Write the valid rows and set the invalid ones aside (default: any
    /// problem refuses the whole import).
    pub skip_invalid: bool,
}

/// A row set aside, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    /// Line in its file.
    pub line: usize,
    /// The row's cells as they were.
    pub cells: Vec<String>,
    /// Every reason, joined by `; `.
    pub reason: String,
}

/// What one file gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSummary {
    /// The file.
    pub file: String,
    /// What it holds.
    pub kind: &'static str,
    /// `UTF-8`, `GBK` or `XLSX`.
    pub encoding: &'static str,
    /// Data rows read.
    pub rows: usize,
    /// Rows accepted.
    pub accepted: usize,
    /// The header row, for a file of rejected rows.
    #[serde(skip)]
    pub headers: Vec<String>,
    /// Rows set aside.
    #[serde(skip)]
    pub rejected: Vec<RejectedRow>,
}

/// The result of validating an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOutcome {
    /// The records to write.
    pub dataset: Dataset,
    /// Every problem found.
    pub problems: Vec<Problem>,
    /// Things worth knowing that are not errors (columns not stored).
    pub warnings: Vec<String>,
    /// Customers that look like others (查重).
    pub duplicates: Vec<DuplicateNote>,
    /// Per file, in import order.
    pub files: Vec<FileSummary>,
}

impl ImportOutcome {
    /// Whether the import may be written: no problems, or the user asked to
    /// skip invalid rows.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Ids of one kind: stored, added by this import, and rejected in it.
pub(super) struct Ids<'a> {
    noun: &'static str,
    stored: &'a HashSet<String>,
    pub(super) added: HashSet<String>,
    pub(super) rejected: HashSet<String>,
}

impl<'a> Ids<'a> {
    fn new(noun: &'static str, stored: &'a HashSet<String>) -> Self {
        Ids {
            noun,
            stored,
            added: HashSet::new(),
            rejected: HashSet::new(),
        }
    }

    fn check(&self, id: &str) -> Result<(), String> {
        if self.added.contains(id) || self.stored.contains(id) {
            Ok(())
        } else if self.rejected.contains(id) {
            Err(format!(
                "{} \"{id}\" was rejected (see its own problem)",
                self.noun
            ))
        } else {
            Err(format!(
                "no {} \"{id}\" is stored or in this import",
                self.noun
            ))
        }
    }
}

/// Everything known while validating, in dependency order.
pub(super) struct Registry<'a> {
    known: &'a KnownIds,
    users: Ids<'a>,
    new_emails: HashMap<String, String>,
    teams: HashSet<String>,
    pub(super) customers: Ids<'a>,
    pub(super) products: Ids<'a>,
    pub(super) deals: Ids<'a>,
    pub(super) orders: Ids<'a>,
}

impl Registry<'_> {
    /// A user by id or e-mail, as the user's id.
    fn user(&self, reference: &str) -> Result<String, String> {
        if self.users.check(reference).is_ok() {
            return Ok(reference.to_string());
        }
        let email = reference.to_lowercase();
        if let Some(id) = self
            .new_emails
            .get(&email)
            .or_else(|| self.known.user_emails.get(&email))
        {
            return Ok(id.clone());
        }
        self.users.check(reference).map(|()| reference.to_string())
    }

    /// A stage code, label or Chinese label as the stage code.
    fn stage(&self, text: &str, status: DealStatus) -> Result<String, String> {
        if text.is_empty() {
            let stage = match status {
                DealStatus::Won => self.known.stages.last(),
                _ => self.known.stages.first(),
            };
            return Ok(stage.map(|s| s.code.clone()).unwrap_or_default());
        }
        let wanted = text.trim().to_lowercase();
        self.known
            .stages
            .iter()
            .find(|s| {
                s.code == wanted || s.label_en.to_lowercase() == wanted || s.label_zh == text.trim()
            })
            .map(|s| s.code.clone())
            .ok_or_else(|| {
                let codes: Vec<&str> = self.known.stages.iter().map(|s| s.code.as_str()).collect();
                format!("\"{text}\" is not a pipeline stage ({})", codes.join(", "))
            })
    }
}

/// Validates `tables` (each with its kind) as one import.
pub fn validate(
    tables: &[(FileKind, Table)],
    known: &KnownIds,
    stored_customers: &[CustomerIdentity],
    options: &ImportOptions,
) -> ImportOutcome {
    let mut ordered: Vec<&(FileKind, Table)> = tables.iter().collect();
    ordered.sort_by_key(|(kind, _)| *kind);
    let mut registry = Registry {
        known,
        users: Ids::new("user", &known.users),
        new_emails: HashMap::new(),
        teams: known.teams.clone(),
        customers: Ids::new("customer", &known.customers),
        products: Ids::new("product", &known.products),
        deals: Ids::new("deal", &known.deals),
        orders: Ids::new("order", &known.orders),
    };
    let mut outcome = ImportOutcome::default();
    let mut new_customers: Vec<(usize, Customer)> = Vec::new();
    for (kind, table) in ordered {
        let summary = validate_table(
            *kind,
            table,
            &mut registry,
            options,
            &mut outcome,
            &mut new_customers,
        );
        outcome.files.push(summary);
    }
    outcome.duplicates = find_duplicates(&new_customers, stored_customers);
    outcome
}

fn validate_table<'a>(
    kind: FileKind,
    table: &'a Table,
    registry: &mut Registry,
    options: &ImportOptions,
    outcome: &mut ImportOutcome,
    new_customers: &mut Vec<(usize, Customer)>,
) -> FileSummary {
    let file = table.file.as_str();
    let mapping = map_headers(kind, &table.headers, &options.overrides);
    let mut summary = FileSummary {
        file: file.to_string(),
        kind: kind.name(),
        encoding: table.encoding,
        rows: table.rows.len(),
        accepted: 0,
        headers: table.headers.clone(),
        rejected: Vec::new(),
    };
    let mut header_problems: Vec<Problem> = mapping
        .errors
        .iter()
        .map(|e| Problem::in_row(file, 1, e.clone()))
        .collect();
    for missing in mapping.missing_required() {
        let aliases = kind
            .fields()
            .iter()
            .find(|f| f.name == missing)
            .map(|f| f.aliases.join(" / "))
            .unwrap_or_default();
        header_problems.push(Problem::in_field(
            file,
            1,
            missing,
            format!("the required column is missing (header {missing} or {aliases})"),
        ));
    }
    if !header_problems.is_empty() {
        let reason = join_reasons(&header_problems);
        summary.rejected = table
            .rows
            .iter()
            .map(|row| RejectedRow {
                line: row.line,
                cells: row.cells.iter().map(str::to_string).collect(),
                reason: reason.clone(),
            })
            .collect();
        outcome.problems.extend(header_problems);
        return summary;
    }
    if !kind.keeps_extra_columns() {
        let extra: Vec<&str> = mapping.extra_headers().collect();
        if !extra.is_empty() {
            outcome.warnings.push(format!(
                "{file}: columns not stored: {} (map them with --map 'HEADER=field' or leave them out with --map 'HEADER=-')",
                extra.join(", ")
            ));
        }
    }

    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rejected: Vec<(usize, Vec<Problem>)> = Vec::new();
    let mut accept = |line: usize, id: &str, checked: Vec<Problem>| -> bool {
        let mut problems = checked;
        if !id.is_empty() {
            if let Some(first) = seen.get(id) {
                problems.push(Problem::in_row(
                    file,
                    line,
                    format!("id \"{id}\" is already on line {first}"),
                ));
            } else {
                seen.insert(id.to_string(), line);
            }
        }
        if problems.is_empty() {
            true
        } else {
            rejected.push((line, problems));
            false
        }
    };

    let tz = options.timezone;
    let rows_of = |row: &'a Row| Cells::new(file, row, &mapping, &table.headers, tz);
    match kind {
        FileKind::Users => {
            for row in &table.rows {
                let mut cells = rows_of(row);
                let user = records::user(&mut cells);
                if let Some(email) = &user.email {
                    let taken = registry
                        .new_emails
                        .get(email)
                        .or_else(|| registry.known.user_emails.get(email));
                    if let Some(other) = taken.filter(|other| **other != user.id) {
                        cells.problem(
                            "email",
                            format!("\"{email}\" already belongs to user \"{other}\""),
                        );
                    }
                }
                if accept(row.line, &user.id, cells.problems) {
                    registry.users.added.insert(user.id.clone());
                    if let Some(email) = &user.email {
                        registry.new_emails.insert(email.clone(), user.id.clone());
                    }
                    if let Some(team) = &user.team {
                        registry.teams.insert(team.clone());
                    }
                    outcome.dataset.users.push(user);
                } else {
                    registry.users.rejected.insert(user.id);
                }
            }
        }
        FileKind::Products => {
            for row in &table.rows {
                let mut cells = rows_of(row);
                let product = records::product(&mut cells);
                if accept(row.line, &product.sku, cells.problems) {
                    registry.products.added.insert(product.sku.clone());
                    outcome.dataset.products.push(product);
                } else {
                    registry.products.rejected.insert(product.sku);
                }
            }
        }
        FileKind::Customers => {
            for row in &table.rows {
                let mut cells = rows_of(row);
                let mut customer = records::customer(&mut cells);
                customer.owner = resolve_user(&mut cells, registry, "owner", customer.owner.take());
                if accept(row.line, &customer.id, cells.problems) {
                    registry.customers.added.insert(customer.id.clone());
                    new_customers.push((row.line, customer.clone()));
                    outcome.dataset.customers.push(customer);
                } else {
                    registry.customers.rejected.insert(customer.id);
                }
            }
        }
        FileKind::Contacts => {
            for row in &table.rows {
                let mut cells = rows_of(row);
                let contact = records::contact(&mut cells);
                check_ref(
                    &mut cells,
                    &registry.customers,
                    "customer_id",
                    Some(&contact.customer_id),
                );
                if accept(row.line, &contact.id, cells.problems) {
                    outcome.dataset.contacts.push(contact);
                }
            }
        }
        FileKind::Deals => {
            for row in &table.rows {
                let mut cells = rows_of(row);
                let mut deal = records::deal(&mut cells);
                check_ref(
                    &mut cells,
                    &registry.customers,
                    "customer_id",
                    Some(&deal.customer_id),
                );
                deal.owner = resolve_user(&mut cells, registry, "owner", deal.owner.take());
                match registry.stage(&deal.stage, deal.status) {
                    Ok(code) => deal.stage = code,
                    Err(reason) => cells.problem("stage", reason),
                }
                if accept(row.line, &deal.id, cells.problems) {
                    registry.deals.added.insert(deal.id.clone());
                    outcome.dataset.deals.push(deal);
                } else {
                    registry.deals.rejected.insert(deal.id);
                }
            }
        }
        FileKind::Orders => {
            super::orders::validate_orders(table, registry, &mapping, tz, &mut rejected, outcome)
        }
        FileKind::Payments => {
            for row in &table.rows {
                let mut cells = rows_of(row);
                let payment = records::payment(&mut cells);
                check_ref(
                    &mut cells,
                    &registry.orders,
                    "order_id",
                    Some(&payment.order_id),
                );
                if accept(row.line, &payment.id, cells.problems) {
                    outcome.dataset.payments.push(payment);
                }
            }
        }
        FileKind::Activities => {
            for row in &table.rows {
                let mut cells = rows_of(row);
                let mut activity = records::activity(&mut cells);
                check_ref(
                    &mut cells,
                    &registry.customers,
                    "customer_id",
                    Some(&activity.customer_id),
                );
                check_ref(
                    &mut cells,
                    &registry.deals,
                    "deal_id",
                    activity.deal_id.as_deref(),
                );
                activity.owner = resolve_user(&mut cells, registry, "owner", activity.owner.take());
                if accept(row.line, &activity.id, cells.problems) {
                    outcome.dataset.activities.push(activity);
                }
            }
        }
        FileKind::Spend => {
            let mut occurrences: HashMap<String, usize> = HashMap::new();
            for row in &table.rows {
                let mut cells = rows_of(row);
                let mut spend = records::spend(&mut cells);
                if spend.id.is_empty() && cells.problems.is_empty() {
                    let base = format!(
                        "{}/{}/{}/{}",
                        tz.local_date(spend.date),
                        spend.channel.as_deref().unwrap_or(""),
                        spend.category.as_deref().unwrap_or(""),
                        spend.campaign.as_deref().unwrap_or("")
                    );
                    let count = occurrences.entry(base.clone()).or_insert(0);
                    *count += 1;
                    spend.id = if *count == 1 {
                        base
                    } else {
                        format!("{base}#{count}")
                    };
                }
                if accept(row.line, &spend.id, cells.problems) {
                    outcome.dataset.spend.push(spend);
                }
            }
        }
        FileKind::Surveys => {
            for row in &table.rows {
                let mut cells = rows_of(row);
                let survey = records::survey(&mut cells);
                check_ref(
                    &mut cells,
                    &registry.customers,
                    "customer_id",
                    survey.customer_id.as_deref(),
                );
                check_ref(
                    &mut cells,
                    &registry.orders,
                    "order_id",
                    survey.order_id.as_deref(),
                );
                if accept(row.line, &survey.id, cells.problems) {
                    outcome.dataset.surveys.push(survey);
                }
            }
        }
        FileKind::Targets => {
            for row in &table.rows {
                let mut cells = rows_of(row);
                let mut target = records::target(&mut cells);
                if !target.owner.is_empty() {
                    if let Ok(user) = registry.user(&target.owner) {
                        target.owner = user;
                        target.owner_kind = TargetOwnerKind::User;
                    } else if registry.teams.contains(&target.owner) {
                        target.owner_kind = TargetOwnerKind::Team;
                    } else {
                        cells.problem(
                            "owner",
                            format!("\"{}\" is neither a user nor a team", target.owner),
                        );
                    }
                }
                let key = format!(
                    "{}/{}/{}/{}",
                    target.owner_kind, target.owner, target.period, target.metric
                );
                if accept(row.line, &key, cells.problems) {
                    outcome.dataset.targets.push(target);
                }
            }
        }
    }

    let reasons: HashMap<usize, String> = rejected
        .iter()
        .map(|(line, problems)| (*line, join_reasons(problems)))
        .collect();
    summary.rejected = table
        .rows
        .iter()
        .filter_map(|row| {
            reasons.get(&row.line).map(|reason| RejectedRow {
                line: row.line,
                cells: row.cells.iter().map(str::to_string).collect(),
                reason: reason.clone(),
            })
        })
        .collect();
    summary.accepted = summary.rows - summary.rejected.len();
    outcome
        .problems
        .extend(rejected.into_iter().flat_map(|(_, problems)| problems));
    summary
}

fn join_reasons(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| match &p.field {
            Some(field) => format!("{field}: {}", p.reason),
            None => p.reason.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn check_ref(cells: &mut Cells, ids: &Ids, field: &str, id: Option<&str>) {
    if let Some(id) = id.filter(|id| !id.is_empty())
        && let Err(reason) = ids.check(id)
    {
        cells.problem(field, reason);
    }
}

pub(super) fn resolve_user(
    cells: &mut Cells,
    registry: &Registry,
    field: &str,
    reference: Option<String>,
) -> Option<String> {
    let reference = reference?;
    match registry.user(&reference) {
        Ok(id) => Some(id),
        Err(reason) => {
            cells.problem(field, reason);
            None
        }
    }
}
