//! Finding customers that look like others (查重): the same normalized name,
//! phone or e-mail, within an import or against those already stored.

use std::collections::HashMap;

use salesboard_domain::entities::Customer;
use salesboard_domain::known::CustomerIdentity;
use salesboard_domain::normalize;
use serde::Serialize;

/// A customer that looks like another one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateNote {
    /// The imported customer's line in its file.
    pub line: usize,
    /// The imported customer.
    pub customer_id: String,
    /// The customer it looks like.
    pub other_id: String,
    /// `name`, `phone` or `email`.
    pub same: &'static str,
}

/// Notes for every imported customer (with its line) whose normalized name,
/// phone or e-mail equals that of another imported or stored customer.
pub fn find_duplicates(
    imported: &[(usize, Customer)],
    stored: &[CustomerIdentity],
) -> Vec<DuplicateNote> {
    let mut seen: [HashMap<String, String>; 3] = Default::default();
    let keys = |name: &str, phone: Option<&str>, email: Option<&str>| -> [Option<String>; 3] {
        let name = normalize::customer_name(name);
        [
            (!name.is_empty()).then_some(name),
            phone.and_then(normalize::phone),
            email.and_then(normalize::email),
        ]
    };
    let imported_ids: std::collections::HashSet<&str> =
        imported.iter().map(|(_, c)| c.id.as_str()).collect();
    for identity in stored
        .iter()
        .filter(|s| !imported_ids.contains(s.id.as_str()))
    {
        for (index, key) in keys(
            &identity.name,
            identity.phone.as_deref(),
            identity.email.as_deref(),
        )
        .into_iter()
        .enumerate()
        {
            if let Some(key) = key {
                seen[index]
                    .entry(key)
                    .or_insert_with(|| identity.id.clone());
            }
        }
    }
    let mut notes = Vec::new();
    for (line, customer) in imported {
        let customer_keys = keys(
            &customer.name,
            customer.phone.as_deref(),
            customer.email.as_deref(),
        );
        let mut noted = false;
        for (index, key) in customer_keys.into_iter().enumerate() {
            let Some(key) = key else { continue };
            match seen[index].get(&key) {
                Some(other) if *other != customer.id && !noted => {
                    notes.push(DuplicateNote {
                        line: *line,
                        customer_id: customer.id.clone(),
                        other_id: other.clone(),
                        same: ["name", "phone", "email"][index],
                    });
                    noted = true;
                }
                Some(_) => {}
                None => {
                    seen[index].insert(key, customer.id.clone());
                }
            }
        }
    }
    notes
}
