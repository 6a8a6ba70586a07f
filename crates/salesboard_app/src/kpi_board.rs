//! Everything the dashboard page shows for a period, a comparison and
//! filters, over the records the caller may read: the KPIs of the period and
//! of the period it is compared with, the monthly figures of the trend, the
//! breakdowns behind the charts (channels, new vs returning, products, won
//! deals' cycle days) and the values the filters can take. It comes from the
//! columnar engine: without filters ([`from_engine`]), with filters on what
//! a customer is (channel, region, industry) from an engine over the records
//! they admit, with any other filter from the engine seen through them
//! ([`from_engine_filtered`]). The reference KPI functions compute the same
//! board ([`compute`]; the analytics crate's tests compare them on random
//! companies), and every number agrees with `GET /api/v1/kpis` for the same
//! period and filters.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use salesboard_analytics::{Engine, EngineView};
use salesboard_domain::entities::Product;
use salesboard_domain::kpi::breakdown::{apply_filters, groups, time_groups};
use salesboard_domain::kpi::customers::new_customers;
use salesboard_domain::kpi::pipeline::cycle_days;
use salesboard_domain::kpi::report::kpi_figures;
use salesboard_domain::kpi::reps::rep_table;
use salesboard_domain::kpi::revenue::revenue;
use salesboard_domain::kpi::{
    Amount, Dimension, Facts, KpiFigures, KpiGroup, KpiInput, RepRow, Scope, View,
};
use salesboard_domain::{Period, ValidationError};
use salesboard_store::Store;

use crate::kpi::KpiError;
use crate::kpi_serving::{KpiCache, ServeKpiError, caller_input};
use crate::policy::Actor;

/// What the period's KPIs are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compare {
    /// The previous month, quarter, year, or as many days right before.
    #[default]
    Previous,
    /// The same period a year earlier.
    LastYear,
}

impl Compare {
    /// `previous` or `last_year`, as in a link.
    pub fn as_str(self) -> &'static str {
        match self {
            Compare::Previous => "previous",
            Compare::LastYear => "last_year",
        }
    }

    /// `previous` or `last_year`; anything else is not a comparison.
    pub fn parse(text: &str) -> Option<Compare> {
        match text {
            "previous" => Some(Compare::Previous),
            "last_year" => Some(Compare::LastYear),
            _ => None,
        }
    }

    /// The period compared with `period`.
    pub fn of(self, period: &Period) -> Period {
        match self {
            Compare::Previous => period.previous(),
            Compare::LastYear => period.same_period_last_year(),
        }
    }
}

/// A product's sales in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductSales {
    /// The SKU.
    pub sku: String,
    /// The product's name (the SKU when the catalogue lacks it).
    pub name: String,
    /// Revenue of its counted lines.
    pub revenue: Amount,
    /// Units sold (returns subtract).
    pub units: i64,
}

/// New customers of one acquisition channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelCount {
    /// The channel; `None` for customers without one.
    pub channel: Option<String>,
    /// Customers whose first counted order falls in the period.
    pub new_customers: usize,
}

/// A user the caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The user id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The team, if any.
    pub team: Option<String>,
}

/// The values each filter can take, from the records the caller may read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choices {
    /// Teams of the users the caller may see.
    pub teams: Vec<String>,
    /// The users the caller may see (a rep sees only themselves), by name.
    pub people: Vec<Person>,
    /// Acquisition channels of customers and of spend.
    pub channels: Vec<String>,
    /// Product categories.
    pub categories: Vec<String>,
    /// Customers' regions.
    pub regions: Vec<String>,
}

/// The dashboard of one period, comparison and set of filters.
#[derive(Debug, Clone)]
pub struct Board {
    /// Every KPI of the period (narrowed by time filters).
    pub totals: KpiFigures,
    /// The same KPIs of the compared period.
    pub compared: KpiFigures,
    /// The rep table of the period.
    pub reps: Vec<RepRow>,
    /// Every KPI per calendar month of [`trend_window`].
    pub months: Vec<KpiGroup>,
    /// The same months a year earlier and their revenue, in the same order.
    pub months_last_year: Vec<(Period, Amount)>,
    /// New customers of the period per acquisition channel: every channel
    /// of a customer or a spend entry, then `None` when some customer or
    /// spend entry has none.
    pub channels: Vec<ChannelCount>,
    /// Revenue of new customers (first order in the period) and of returning ones.
    pub new_revenue: Amount,
    /// Revenue of returning customers.
    pub returning_revenue: Amount,
    /// Products sold in the period and the catalogue's unsold ones (those a
    /// product or category filter admits), by revenue, highest first, then SKU.
    pub products: Vec<ProductSales>,
    /// Cycle days of the deals won in the period, sorted.
    pub cycle_days: Vec<i64>,
    /// The values the filters can take.
    pub choices: Choices,
}

/// The months the trend shows: the period's months, and at least the twelve
/// months up to its end.
pub fn trend_window(period: &Period) -> Period {
    let last_day = period.to.pred_opt().unwrap_or(period.to);
    let month_start = |date: NaiveDate| date.with_day(1).unwrap_or(date);
    let twelve_back = month_start(last_day)
        .checked_sub_months(Months::new(11))
        .unwrap_or(period.from);
    let from = twelve_back.min(month_start(period.from));
    Period::range(from, period.to).unwrap_or(*period)
}

/// The dashboard over what the actor may read.
pub async fn board(
    store: &impl Store,
    cache: &KpiCache,
    actor: &Actor,
    period: Period,
    compare: Compare,
    filters: Vec<(Dimension, String)>,
) -> Result<Board, ServeKpiError> {
    let snapshot = cache.current(store).await?;
    let own = caller_input(store, &snapshot, actor).await?;
    let worked = tokio::task::spawn_blocking(move || {
        let input = own.as_ref().map_or(&snapshot.input, |o| &o.input);
        if filters.is_empty() {
            let engine = own.as_ref().map_or(&snapshot.engine, |o| &o.engine);
            return Ok(from_engine(engine, input, period, compare));
        }
        let engine = own.as_ref().map_or(&snapshot.engine, |o| &o.engine);
        from_engine_filtered(engine, input, period, compare, &filters)
    })
    .await
    .map_err(|e| KpiError::Invalid(ValidationError::new(e.to_string())))?;
    Ok(worked.map_err(KpiError::from)?)
}

/// The dashboard of `input` (the records the caller may read).
pub fn compute(
    input: &KpiInput,
    stage_order: &[String],
    period: Period,
    compare: Compare,
    filters: &[(Dimension, String)],
) -> Result<Board, ValidationError> {
    let facts = Facts::new(input);
    let (period, scope) = apply_filters(period, filters)?;
    let conditions = scope.conditions.clone();
    let view = View::new(&facts, scope);
    let compared_period = compare.of(&period);
    let compared_view = View::new(
        &facts,
        Scope {
            conditions: conditions.clone(),
            segment_period: compared_period,
        },
    );
    let window = trend_window(&period);
    let months_last_year = time_groups(&window.same_period_last_year(), Dimension::Month)
        .iter()
        .map(|(_, part)| {
            let scope = Scope {
                conditions: conditions.clone(),
                segment_period: *part,
            };
            (*part, Amount(revenue(&View::new(&facts, scope), part)))
        })
        .collect();
    let segment = |key: &str| Amount(revenue(&view.and(Dimension::Segment, Some(key)), &period));
    let channels = channel_keys(input)
        .into_iter()
        .map(|channel| ChannelCount {
            new_customers: new_customers(
                &view.and(Dimension::Channel, channel.as_deref()),
                &period,
            ),
            channel,
        })
        .collect();
    Ok(Board {
        totals: kpi_figures(&view, &period, stage_order),
        compared: kpi_figures(&compared_view, &compared_period, stage_order),
        reps: rep_table(&view, &period),
        months: groups(&view, &window, Dimension::Month, stage_order),
        months_last_year,
        channels,
        new_revenue: segment("new"),
        returning_revenue: segment("returning"),
        products: product_sales(&view, input, &period, filters),
        cycle_days: cycle_days(&view, &period),
        choices: choices(input),
    })
}

/// The dashboard of `input` from `engine` built over it: what [`compute`]
/// gives with no filters. `input` gives the catalogue, the channels and the
/// filters' choices, which filters do not narrow.
pub fn from_engine(engine: &Engine, input: &KpiInput, period: Period, compare: Compare) -> Board {
    board_of(
        &engine.view(&Scope::all(period)),
        input,
        period,
        compare,
        &[],
    )
}

/// The dashboard of `input` under any filters from `engine` built over
/// `input`: the period narrowed by the time filters, the engine seen
/// through the others, as [`compute`] reads them.
pub fn from_engine_filtered(
    engine: &Engine,
    input: &KpiInput,
    period: Period,
    compare: Compare,
    filters: &[(Dimension, String)],
) -> Result<Board, ValidationError> {
    let (period, scope) = apply_filters(period, filters)?;
    Ok(board_of(
        &engine.view(&scope),
        input,
        period,
        compare,
        filters,
    ))
}

/// The board of a period from the engine through the filters' scope.
fn board_of(
    view: &EngineView,
    input: &KpiInput,
    period: Period,
    compare: Compare,
    filters: &[(Dimension, String)],
) -> Board {
    let window = trend_window(&period);
    let months = time_groups(&window, Dimension::Month)
        .into_iter()
        .map(|(key, part)| KpiGroup {
            key: Some(key),
            figures: view.during(&part).figures(&part),
        })
        .collect();
    let months_last_year = time_groups(&window.same_period_last_year(), Dimension::Month)
        .into_iter()
        .map(|(_, part)| (part, Amount(view.during(&part).revenue(&part))))
        .collect();
    let by_channel = view.new_customers_by_channel(&period);
    let channels = channel_keys(input)
        .into_iter()
        .map(|channel| ChannelCount {
            new_customers: by_channel.get(&channel.as_deref()).copied().unwrap_or(0),
            channel,
        })
        .collect();
    let (new_revenue, returning_revenue) = view.segment_revenue(&period);
    let totals = view.product_totals(&period);
    let mut sold: BTreeMap<&str, (Decimal, i64)> = totals
        .iter()
        .map(|p| (p.sku.as_str(), (p.revenue, p.units)))
        .collect();
    let catalogue: HashMap<&str, &Product> = input
        .dataset
        .products
        .iter()
        .map(|p| (p.sku.as_str(), p))
        .collect();
    for (sku, product) in catalogue {
        if admits_product(filters, sku, product) {
            sold.entry(sku).or_default();
        }
    }
    let compared = compare.of(&period);
    Board {
        totals: view.figures(&period),
        compared: view.during(&compared).figures(&compared),
        reps: view.rep_table(&period),
        months,
        months_last_year,
        channels,
        new_revenue: Amount(new_revenue),
        returning_revenue: Amount(returning_revenue),
        products: ranked_products(sold, input),
        cycle_days: view.won_cycle_days(&period),
        choices: choices(input),
    }
}

/// The channels the chart of new customers shows: every channel of a
/// customer or a spend entry, sorted, then `None` when a customer or a
/// spend entry has none.
fn channel_keys(input: &KpiInput) -> Vec<Option<String>> {
    let data = &input.dataset;
    let channels = data
        .customers
        .iter()
        .map(|c| c.channel.as_ref())
        .chain(data.spend.iter().map(|s| s.channel.as_ref()));
    let keys: BTreeSet<Option<&String>> = channels.collect();
    let mut ordered: Vec<Option<String>> =
        keys.iter().flatten().map(|k| Some(k.to_string())).collect();
    if keys.contains(&None) {
        ordered.push(None);
    }
    ordered
}

/// Revenue and units per product (lines without a SKU left out) in the period, with the catalogue's unsold
/// products the filters admit, highest revenue first, then by SKU.
fn product_sales(
    view: &View,
    input: &KpiInput,
    period: &Period,
    filters: &[(Dimension, String)],
) -> Vec<ProductSales> {
    let mut sums: BTreeMap<&str, (Decimal, i64)> = BTreeMap::new();
    for line in view.lines(period) {
        let Some(sku) = line.line.sku.as_deref() else {
            continue;
        };
        let sum = sums.entry(sku).or_default();
        sum.0 += line.amount;
        sum.1 += line.line.quantity;
    }
    for (sku, product) in &view.facts.product_by_sku {
        if admits_product(filters, sku, product) {
            sums.entry(sku).or_default();
        }
    }
    ranked_products(sums, input)
}

/// Whether the product and category filters admit a catalogue product.
fn admits_product(filters: &[(Dimension, String)], sku: &str, product: &Product) -> bool {
    let wanted = |dimension: Dimension, value: Option<&str>| {
        filters
            .iter()
            .filter(|(d, _)| *d == dimension)
            .all(|(_, v)| Some(v.as_str()) == value)
    };
    wanted(Dimension::Product, Some(sku))
        && wanted(Dimension::Category, product.category.as_deref())
}

/// The products with their names from the catalogue (the SKU when it lacks
/// one), highest revenue first, then by SKU.
fn ranked_products(sums: BTreeMap<&str, (Decimal, i64)>, input: &KpiInput) -> Vec<ProductSales> {
    let names: HashMap<&str, &str> = input
        .dataset
        .products
        .iter()
        .map(|p| (p.sku.as_str(), p.name.as_str()))
        .collect();
    let mut products: Vec<ProductSales> = sums
        .into_iter()
        .map(|(sku, (amount, units))| ProductSales {
            sku: sku.to_string(),
            name: names.get(sku).copied().unwrap_or(sku).to_string(),
            revenue: Amount(amount),
            units,
        })
        .collect();
    products.sort_by(|a, b| b.revenue.cmp(&a.revenue).then_with(|| a.sku.cmp(&b.sku)));
    products
}

/// The values of the filters over `input`, each sorted.
fn choices(input: &KpiInput) -> Choices {
    let data = &input.dataset;
    let sorted = |values: BTreeSet<&String>| values.into_iter().cloned().collect::<Vec<_>>();
    let mut people: Vec<Person> = data
        .users
        .iter()
        .map(|u| Person {
            id: u.id.clone(),
            name: u.name.clone(),
            team: u.team.clone(),
        })
        .collect();
    people.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    let channels = data
        .customers
        .iter()
        .filter_map(|c| c.channel.as_ref())
        .chain(data.spend.iter().filter_map(|s| s.channel.as_ref()))
        .collect();
    Choices {
        teams: sorted(data.users.iter().filter_map(|u| u.team.as_ref()).collect()),
        people,
        channels: sorted(channels),
        categories: sorted(
            data.products
                .iter()
                .filter_map(|p| p.category.as_ref())
                .collect(),
        ),
        regions: sorted(
            data.customers
                .iter()
                .filter_map(|c| c.region.as_ref())
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::tiny_store;
    use salesboard_domain::Role;

    fn actor(id: &str, role: Role) -> Actor {
        Actor {
            user_id: id.to_string(),
            name: id.to_string(),
            role,
            team_id: Some("East".to_string()),
            language: None,
        }
    }

    fn period(text: &str) -> Period {
        Period::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn money(amount: Amount) -> String {
        amount.to_string()
    }

    #[test]
    fn the_trend_shows_at_least_the_twelve_months_up_to_the_period_end() {
        let q1 = trend_window(&period("2024-Q1"));
        assert_eq!(q1.from.to_string(), "2023-04-01");
        assert_eq!(q1.to.to_string(), "2024-04-01");
        let long = trend_window(&period("2023"));
        assert_eq!(
            (long.from.to_string(), long.days()),
            ("2023-01-01".into(), 365)
        );
        let days = Period::range(
            NaiveDate::from_ymd_opt(2022, 5, 20).unwrap_or_default(),
            NaiveDate::from_ymd_opt(2024, 2, 10).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        // Longer than a year: from the first month of the range.
        assert_eq!(trend_window(&days).from.to_string(), "2022-05-01");
    }

    /// Q1 2024 of the tiny company, worked out by hand from its CSV files.
    #[tokio::test]
    async fn the_tiny_companys_first_quarter_by_hand() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = tiny_store(&dir).await;
        let cache = KpiCache::new();
        let admin = actor("u-admin", Role::Admin);
        let q1 = period("2024-Q1");
        let board = board(&store, &cache, &admin, q1, Compare::Previous, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // o3 3600 + o4 (3200 + 901) + o5 6400 + o7 (20400 − 450.50); o6 is cancelled.
        assert_eq!(money(board.totals.revenue), "34050.50");
        // 2023-Q4: o2 = 10 × 1200 × 0.9 + 3000.
        assert_eq!(board.compared.period, period("2023-Q4"));
        assert_eq!(money(board.compared.revenue), "13800.00");
        // c2, c3 and c5 place their first orders in Q1; c1 ordered in December.
        assert_eq!(money(board.new_revenue), "27650.50");
        assert_eq!(money(board.returning_revenue), "6400.00");
        let products: Vec<(&str, String, i64)> = board
            .products
            .iter()
            .map(|p| (p.sku.as_str(), money(p.revenue), p.units))
            .collect();
        assert_eq!(
            products,
            vec![
                ("P-CRM", "24000.00".to_string(), 23),
                ("P-ANA", "9600.00".to_string(), 14),
                ("P-HW", "450.50".to_string(), 1),
                ("P-TRN", "0.00".to_string(), 0),
            ]
        );
        assert_eq!(board.products[0].name, "CRM seat (year)");
        // d3 22 Jan → 1 Feb, d5 3 → 28 Mar, d2 5 → 31 Jan.
        assert_eq!(board.cycle_days, vec![10, 25, 26]);
        let new_by_channel: Vec<(Option<&str>, usize)> = board
            .channels
            .iter()
            .map(|g| (g.channel.as_deref(), g.new_customers))
            .collect();
        assert_eq!(
            new_by_channel,
            vec![
                (Some("email"), 1),
                (Some("referral"), 0),
                (Some("search"), 1),
                (Some("social"), 1),
                // The Q1 sales travel spend has no channel.
                (None, 0),
            ]
        );
        // April 2023 to March 2024, and a year earlier.
        assert_eq!(board.months.len(), 12);
        assert_eq!(board.months[0].key.as_deref(), Some("2023-04"));
        assert_eq!(money(board.months[3].figures.revenue), "6000.00");
        assert_eq!(money(board.months[8].figures.revenue), "13800.00");
        let last_year: Vec<String> = board
            .months_last_year
            .iter()
            .map(|(p, r)| format!("{p}:{r}"))
            .collect();
        assert_eq!(last_year[0], "2022-04:0.00");
        assert_eq!(last_year[3], "2022-07:6000.00");
        assert_eq!(last_year.len(), 12);
        let people: Vec<&str> = board
            .choices
            .people
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(people, ["Chen Jie", "Li Wei", "Wang Fang", "Zhang Min"]);
        assert_eq!(board.choices.teams, ["East"]);
        assert_eq!(
            board.choices.channels,
            ["email", "referral", "search", "social"]
        );
        assert_eq!(
            board.choices.categories,
            ["Hardware", "Service", "Software"]
        );
        assert_eq!(board.choices.regions, ["East", "North", "South"]);

        let last_year = board_of(&store, &cache, &admin, q1, Compare::LastYear, &[]).await;
        assert_eq!(money(last_year.compared.revenue), "0.00");
        // c1 (o5 6400) and c5 (o7 19949.50) came by search.
        let search = board_of(
            &store,
            &cache,
            &admin,
            q1,
            Compare::Previous,
            &[(Dimension::Channel, "search")],
        )
        .await;
        assert_eq!(money(search.totals.revenue), "26349.50");
        // A category filter leaves the other categories' products out, sold or not.
        let software = board_of(
            &store,
            &cache,
            &admin,
            q1,
            Compare::Previous,
            &[(Dimension::Category, "Software")],
        )
        .await;
        let skus: Vec<&str> = software.products.iter().map(|p| p.sku.as_str()).collect();
        assert_eq!(skus, ["P-CRM", "P-ANA"]);
    }

    async fn board_of(
        store: &impl Store,
        cache: &KpiCache,
        actor: &Actor,
        period: Period,
        compare: Compare,
        filters: &[(Dimension, &str)],
    ) -> Board {
        let filters = filters.iter().map(|(d, v)| (*d, v.to_string())).collect();
        board(store, cache, actor, period, compare, filters)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn a_rep_chooses_among_their_own_records_only() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = tiny_store(&dir).await;
        let cache = KpiCache::new();
        let li = actor("u-li", Role::Rep);
        let board = board_of(
            &store,
            &cache,
            &li,
            period("2024-Q1"),
            Compare::Previous,
            &[],
        )
        .await;
        let people: Vec<&str> = board.choices.people.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(people, ["u-li"]);
        // Li's c1 (East, search), c2 (East, social), c7 (South, referral)
        // and the pool's c6 (East, email); a rep sees no spend.
        assert_eq!(board.choices.regions, ["East", "South"]);
        assert_eq!(
            board.choices.channels,
            ["email", "referral", "search", "social"]
        );
        // o3 3600 and o5 6400.
        assert_eq!(money(board.totals.revenue), "10000.00");
    }
}
