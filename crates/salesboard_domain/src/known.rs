//! What is already stored, as an import needs to know it: ids to check
//! references against, the pipeline, and customers' identities for 查重.

use std::collections::{HashMap, HashSet};

/// A pipeline stage, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageInfo {
    /// Code stored on deals (`proposal`).
    pub code: String,
    /// Position in the pipeline, from 1.
    pub position: i64,
    /// English label.
    pub label_en: String,
    /// Chinese label.
    pub label_zh: String,
}

/// The ids already stored, so that an import can check its references
/// before writing anything.
#[derive(Debug, Clone, Default)]
pub struct KnownIds {
    /// User ids.
    pub users: HashSet<String>,
    /// User e-mail (lower case) to user id.
    pub user_emails: HashMap<String, String>,
    /// Team ids.
    pub teams: HashSet<String>,
    /// Customer ids.
    pub customers: HashSet<String>,
    /// Product SKUs.
    pub products: HashSet<String>,
    /// Deal ids.
    pub deals: HashSet<String>,
    /// Order ids.
    pub orders: HashSet<String>,
    /// The pipeline.
    pub stages: Vec<StageInfo>,
}

/// What a customer is recognised by when looking for duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerIdentity {
    /// Customer id.
    pub id: String,
    /// Name as stored.
    pub name: String,
    /// Phone as stored.
    pub phone: Option<String>,
    /// E-mail as stored.
    pub email: Option<String>,
}
