//! What each row is attributed to, as codes, for filters and breakdowns:
//! the reference's `kpi::scope::Attribution` (an owner, a customer record, a
//! product, a channel) turned into small numbers once, when the engine is
//! built, so that a row's key in any record dimension is a lookup.

use foldhash::HashMap;

use salesboard_domain::Dataset;
use salesboard_domain::entities::{Customer, Order, Survey};

use crate::columns::Dictionary;

/// The code of "no value" in every dictionary.
pub(crate) const NONE: u32 = u32::MAX;

/// The owner (a code of the owners' dictionary) and the customer record (a
/// position in the input's customers, see [`Clients`]) of each row of a kind.
#[derive(Debug, Default)]
pub(crate) struct Tags {
    pub(crate) owner: Vec<u32>,
    pub(crate) client: Vec<u32>,
}

impl Tags {
    /// The tags of rows given in order.
    pub(crate) fn of(rows: impl Iterator<Item = (u32, u32)>) -> Tags {
        let (owner, client) = rows.unzip();
        Tags { owner, client }
    }
}

/// The keys of every customer record, by its position in the input: its
/// channel, region and industry, and the day of its first counted order
/// (`i32::MAX` when it has none), which decides its segment.
#[derive(Debug, Default)]
pub(crate) struct Clients {
    pub(crate) channel: Vec<u32>,
    pub(crate) region: Vec<u32>,
    pub(crate) industry: Vec<u32>,
    pub(crate) first_day: Vec<i32>,
}

/// The dictionaries of the dimensions the rows are not coded in directly:
/// an owner's team (through the users), a product's category (through the
/// catalogue), a customer's region and industry.
#[derive(Debug, Default)]
pub(crate) struct Keys {
    pub(crate) teams: Dictionary,
    pub(crate) categories: Dictionary,
    pub(crate) regions: Dictionary,
    pub(crate) industries: Dictionary,
    /// The team of each owner code (`NONE`: not a user, or without a team).
    pub(crate) owner_team: Vec<u32>,
    /// The category of each product code (`NONE`: not in the catalogue, or
    /// without a category).
    pub(crate) product_category: Vec<u32>,
}

/// Records by id, as the reference looks them up (a later record with the
/// same id replaces an earlier one).
pub(crate) struct Lookup<'a> {
    clients: HashMap<&'a str, u32>,
    orders: HashMap<&'a str, &'a Order>,
}

impl<'a> Lookup<'a> {
    /// The customers and orders (cancelled ones too) of the data by id.
    pub(crate) fn new(data: &'a Dataset) -> Self {
        Lookup {
            clients: data
                .customers
                .iter()
                .enumerate()
                .map(|(at, c)| (c.id.as_str(), at as u32))
                .collect(),
            orders: data.orders.iter().map(|o| (o.id.as_str(), o)).collect(),
        }
    }

    /// The position of the customer record with this id (`NONE`: none).
    pub(crate) fn client(&self, id: &str) -> u32 {
        self.clients.get(id).copied().unwrap_or(NONE)
    }

    /// The order with this id, cancelled or not.
    pub(crate) fn order(&self, id: &str) -> Option<&'a Order> {
        self.orders.get(id).copied()
    }

    /// A payment's owner and customer: its order's (none when the order is
    /// unknown).
    pub(crate) fn payment(&self, owners: &mut Dictionary, order_id: &str) -> (u32, u32) {
        match self.order(order_id) {
            Some(order) => (
                owners.code(order.owner.as_deref()),
                self.client(&order.customer_id),
            ),
            None => (NONE, NONE),
        }
    }

    /// A survey's owner and customer: its order's owner (else its
    /// customer's owner) and its customer (else its order's customer).
    pub(crate) fn survey(
        &self,
        owners: &mut Dictionary,
        customers: &[Customer],
        survey: &Survey,
    ) -> (u32, u32) {
        let order = survey.order_id.as_deref().and_then(|id| self.order(id));
        let client = survey
            .customer_id
            .as_deref()
            .or(order.map(|o| o.customer_id.as_str()))
            .map_or(NONE, |id| self.client(id));
        let owner = match order {
            Some(order) => order.owner.as_deref(),
            None => customers
                .get(client as usize)
                .and_then(|c| c.owner.as_deref()),
        };
        (owners.code(owner), client)
    }
}

impl Clients {
    /// The keys of `customers`; `first_day` gives a customer id's first
    /// counted order's day.
    pub(crate) fn new(
        customers: &[Customer],
        channels: &mut Dictionary,
        keys: &mut Keys,
        first_day: impl Fn(&str) -> Option<i32>,
    ) -> Clients {
        let mut clients = Clients::default();
        for customer in customers {
            clients
                .channel
                .push(channels.code(customer.channel.as_deref()));
            clients
                .region
                .push(keys.regions.code(customer.region.as_deref()));
            clients
                .industry
                .push(keys.industries.code(customer.industry.as_deref()));
            clients
                .first_day
                .push(first_day(&customer.id).unwrap_or(i32::MAX));
        }
        clients
    }

    /// A key of a customer record (`NONE` for no record).
    pub(crate) fn key(column: &[u32], client: u32) -> u32 {
        column.get(client as usize).copied().unwrap_or(NONE)
    }
}

impl Keys {
    /// Teams of the owners and categories of the products, looked up as the
    /// reference does (by id and by SKU, a later record winning).
    pub(crate) fn link(&mut self, data: &Dataset, owners: &Dictionary, products: &Dictionary) {
        let team: HashMap<&str, Option<&str>> = data
            .users
            .iter()
            .map(|u| (u.id.as_str(), u.team.as_deref()))
            .collect();
        let category: HashMap<&str, Option<&str>> = data
            .products
            .iter()
            .map(|p| (p.sku.as_str(), p.category.as_deref()))
            .collect();
        self.owner_team = owners
            .names
            .iter()
            .map(|id| self.teams.code(team.get(id.as_str()).copied().flatten()))
            .collect();
        self.product_category = products
            .names
            .iter()
            .map(|sku| {
                self.categories
                    .code(category.get(sku.as_str()).copied().flatten())
            })
            .collect();
    }
}
