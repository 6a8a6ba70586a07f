//! The names of the KPIs that can be explained: every field of the output
//! contract, `cac_by_channel` of one channel, and the fields of one rep's row
//! (`rep.FIELD`), with their English and Chinese labels.

use std::fmt;

use crate::ValidationError;

/// A KPI of the output contract (docs/kpis.md), as `salesboard kpi explain`
/// names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KpiName {
    /// §1 `revenue`.
    Revenue,
    /// §1 `orders`.
    Orders,
    /// §1 `units`.
    Units,
    /// §1 `aov`.
    Aov,
    /// §1 `gross_profit`.
    GrossProfit,
    /// §1 `collected`.
    Collected,
    /// §1 `receivable` at the period's end.
    Receivable,
    /// §2 `growth_rate`.
    GrowthRate,
    /// §2 `yoy_growth_rate`.
    YoyGrowthRate,
    /// §3 `new_customers`.
    NewCustomers,
    /// §3 `acquisition_spend`.
    AcquisitionSpend,
    /// §3 `cac`.
    Cac,
    /// §3 `cac_by_channel` of one channel.
    CacByChannel(String),
    /// §4 `annual_churn_rate`.
    AnnualChurnRate,
    /// §4 `lifespan_years`.
    LifespanYears,
    /// §4 `clv_profit`.
    ClvProfit,
    /// §4 `clv_revenue`.
    ClvRevenue,
    /// §5 `sales_cycle` (mean, median, p90, deals).
    SalesCycle,
    /// §6 `lead_conversion_rate`.
    LeadConversionRate,
    /// §6 `win_rate`.
    WinRate,
    /// §7 `csat`.
    Csat,
    /// §7 `csat_avg_score`.
    CsatAvgScore,
    /// §7 `csat_responses`.
    CsatResponses,
    /// §7 `nps`.
    Nps,
    /// §8 one field of a rep's row.
    Rep {
        /// The rep's user id.
        rep: String,
        /// The field.
        field: RepField,
    },
}

/// A field of the rep table (§8) that can be explained (`rank` compares the
/// reps and is not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RepField {
    /// `revenue` of the orders the rep owns.
    Revenue,
    /// `orders` the rep owns.
    Orders,
    /// `new_customers` whose first order the rep owns.
    NewCustomers,
    /// `deals_won`.
    DealsWon,
    /// `deals_lost`.
    DealsLost,
    /// `win_rate`.
    WinRate,
    /// `sales_cycle_median`.
    SalesCycleMedian,
    /// `activities`: follow-ups logged.
    Activities,
    /// `target`: the rep's revenue targets inside the period.
    Target,
    /// `attainment` = revenue / target.
    Attainment,
}

/// `(name, English label, Chinese label)` of the KPIs without a parameter.
const SIMPLE: [(KpiName, &str, &str, &str); 23] = [
    (KpiName::Revenue, "revenue", "Revenue", "销售额"),
    (KpiName::Orders, "orders", "Orders", "订单数"),
    (KpiName::Units, "units", "Units", "件数"),
    (KpiName::Aov, "aov", "Average order value", "客单价"),
    (KpiName::GrossProfit, "gross_profit", "Gross profit", "毛利"),
    (KpiName::Collected, "collected", "Collected", "回款"),
    (KpiName::Receivable, "receivable", "Receivable", "应收"),
    (
        KpiName::GrowthRate,
        "growth_rate",
        "Growth rate",
        "销售增长率",
    ),
    (
        KpiName::YoyGrowthRate,
        "yoy_growth_rate",
        "Year-on-year growth rate",
        "同比增长率",
    ),
    (
        KpiName::NewCustomers,
        "new_customers",
        "New customers",
        "新客户",
    ),
    (
        KpiName::AcquisitionSpend,
        "acquisition_spend",
        "Acquisition spend",
        "获客费用",
    ),
    (
        KpiName::Cac,
        "cac",
        "Customer acquisition cost",
        "客户获取成本",
    ),
    (
        KpiName::AnnualChurnRate,
        "annual_churn_rate",
        "Annual churn rate",
        "年流失率",
    ),
    (
        KpiName::LifespanYears,
        "lifespan_years",
        "Customer lifespan, years",
        "客户生命周期(年)",
    ),
    (
        KpiName::ClvProfit,
        "clv_profit",
        "Customer lifetime value, profit",
        "客户终身价值(利润)",
    ),
    (
        KpiName::ClvRevenue,
        "clv_revenue",
        "Customer lifetime value, revenue",
        "客户终身价值(收入)",
    ),
    (
        KpiName::SalesCycle,
        "sales_cycle",
        "Sales cycle, days",
        "销售周期(天)",
    ),
    (
        KpiName::LeadConversionRate,
        "lead_conversion_rate",
        "Lead conversion rate",
        "转化率",
    ),
    (KpiName::WinRate, "win_rate", "Win rate", "赢单率"),
    (
        KpiName::Csat,
        "csat",
        "Customer satisfaction (CSAT)",
        "客户满意度",
    ),
    (
        KpiName::CsatAvgScore,
        "csat_avg_score",
        "CSAT average score",
        "满意度平均分",
    ),
    (
        KpiName::CsatResponses,
        "csat_responses",
        "CSAT responses",
        "问卷数",
    ),
    (KpiName::Nps, "nps", "Net promoter score (NPS)", "净推荐值"),
];

const CAC_BY_CHANNEL: (&str, &str, &str) = ("cac_by_channel", "CAC by channel", "渠道获客成本");

impl RepField {
    /// Every field, in the order of the rep table.
    pub const ALL: [RepField; 10] = [
        RepField::Revenue,
        RepField::Orders,
        RepField::NewCustomers,
        RepField::DealsWon,
        RepField::DealsLost,
        RepField::WinRate,
        RepField::SalesCycleMedian,
        RepField::Activities,
        RepField::Target,
        RepField::Attainment,
    ];

    /// `(name, English label, Chinese label)`.
    pub fn labels(self) -> (&'static str, &'static str, &'static str) {
        match self {
            RepField::Revenue => ("revenue", "Rep's revenue", "销售代表销售额"),
            RepField::Orders => ("orders", "Rep's orders", "销售代表订单数"),
            RepField::NewCustomers => ("new_customers", "Rep's new customers", "销售代表新客户"),
            RepField::DealsWon => ("deals_won", "Deals won", "赢单数"),
            RepField::DealsLost => ("deals_lost", "Deals lost", "输单数"),
            RepField::WinRate => ("win_rate", "Rep's win rate", "销售代表赢单率"),
            RepField::SalesCycleMedian => (
                "sales_cycle_median",
                "Median sales cycle, days",
                "销售周期中位数(天)",
            ),
            RepField::Activities => ("activities", "Follow-ups", "跟进次数"),
            RepField::Target => ("target", "Revenue target", "销售目标"),
            RepField::Attainment => ("attainment", "Target attainment", "目标达成率"),
        }
    }
}

impl KpiName {
    /// Every KPI without a parameter (all but `cac_by_channel` and `rep.*`).
    pub fn simple() -> Vec<KpiName> {
        SIMPLE.iter().map(|(kpi, ..)| kpi.clone()).collect()
    }

    /// Every name accepted, for messages and help (`rep.FIELD` needs a rep,
    /// `cac_by_channel` a channel).
    pub fn names() -> Vec<String> {
        let mut names: Vec<String> = SIMPLE.iter().map(|(_, n, ..)| n.to_string()).collect();
        names.push(CAC_BY_CHANNEL.0.to_string());
        names.extend(
            RepField::ALL
                .iter()
                .map(|field| format!("rep.{}", field.labels().0)),
        );
        names
    }

    /// Parses a name (or its Chinese label); `cac_by_channel` takes its
    /// channel from `channel` or from the name (`cac_by_channel.search`), a
    /// rep field (`rep.attainment`) its rep from `rep`.
    pub fn parse(
        name: &str,
        channel: Option<&str>,
        rep: Option<&str>,
    ) -> Result<KpiName, ValidationError> {
        let wanted = name.trim().to_lowercase();
        let kpi = if let Some(field) = wanted.strip_prefix("rep.") {
            let field = RepField::ALL
                .into_iter()
                .find(|f| f.labels().0 == field)
                .ok_or_else(|| unknown(name))?;
            let rep = rep.ok_or_else(|| {
                ValidationError::new(format!("{name} is a field of a rep's row: give --rep ID"))
            })?;
            KpiName::Rep {
                rep: rep.to_string(),
                field,
            }
        } else if wanted == CAC_BY_CHANNEL.0 || wanted == CAC_BY_CHANNEL.2 {
            let channel = channel.ok_or_else(|| {
                ValidationError::new(format!("{name}: give the channel with --channel C"))
            })?;
            KpiName::CacByChannel(channel.to_string())
        } else if let Some(named) = wanted.strip_prefix("cac_by_channel.") {
            if channel.is_some_and(|c| c != named) {
                return Err(ValidationError::new(format!(
                    "{name} and --channel name different channels"
                )));
            }
            KpiName::CacByChannel(named.to_string())
        } else {
            SIMPLE
                .iter()
                .find(|(_, n, _, zh)| *n == wanted || *zh == wanted)
                .map(|(kpi, ..)| kpi.clone())
                .ok_or_else(|| unknown(name))?
        };
        if channel.is_some() && !matches!(kpi, KpiName::CacByChannel(_)) {
            return Err(ValidationError::new(format!(
                "--channel is for cac_by_channel; to look at one channel of {kpi}, use --filter channel=C"
            )));
        }
        if rep.is_some() && !matches!(kpi, KpiName::Rep { .. }) {
            return Err(ValidationError::new(format!(
                "--rep is for the fields of a rep's row (rep.revenue …); to look at one rep's {kpi}, use --filter rep=ID"
            )));
        }
        Ok(kpi)
    }

    /// `(name, English label, Chinese label)`.
    pub fn labels(&self) -> (&'static str, &'static str, &'static str) {
        match self {
            KpiName::CacByChannel(_) => CAC_BY_CHANNEL,
            KpiName::Rep { field, .. } => field.labels(),
            simple => SIMPLE
                .iter()
                .find(|(kpi, ..)| kpi == simple)
                .map(|(_, name, en, zh)| (*name, *en, *zh))
                .unwrap_or(("", "", "")),
        }
    }
}

impl fmt::Display for KpiName {
    /// `revenue`, `cac_by_channel`, `rep.attainment`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KpiName::Rep { field, .. } => write!(f, "rep.{}", field.labels().0),
            other => f.write_str(other.labels().0),
        }
    }
}

fn unknown(name: &str) -> ValidationError {
    ValidationError::new(format!(
        "\"{name}\" is not a KPI that can be explained (one of: {})",
        KpiName::names().join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_with_their_parameters() {
        assert_eq!(KpiName::parse("CAC", None, None), Ok(KpiName::Cac));
        assert_eq!(KpiName::parse("赢单率", None, None), Ok(KpiName::WinRate));
        assert_eq!(
            KpiName::parse("cac_by_channel", Some("search"), None),
            Ok(KpiName::CacByChannel("search".into()))
        );
        assert_eq!(
            KpiName::parse("cac_by_channel.email", None, None),
            Ok(KpiName::CacByChannel("email".into()))
        );
        assert!(KpiName::parse("cac_by_channel", None, None).is_err());
        assert_eq!(
            KpiName::parse("rep.attainment", None, Some("u-li")),
            Ok(KpiName::Rep {
                rep: "u-li".into(),
                field: RepField::Attainment
            })
        );
        assert!(KpiName::parse("rep.attainment", None, None).is_err());
        assert!(KpiName::parse("rep.rank", None, Some("u-li")).is_err());
        assert!(KpiName::parse("revenue", None, Some("u-li")).is_err());
        assert!(KpiName::parse("revenue", Some("search"), None).is_err());
        assert!(KpiName::parse("funnel", None, None).is_err());
    }

    #[test]
    fn every_name_prints_as_parsed() {
        for kpi in KpiName::simple() {
            assert_eq!(
                KpiName::parse(&kpi.to_string(), None, None),
                Ok(kpi.clone())
            );
            assert!(!kpi.labels().1.is_empty() && !kpi.labels().2.is_empty());
        }
        assert_eq!(KpiName::names().len(), 23 + 1 + 10);
    }
}
