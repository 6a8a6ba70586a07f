//! What a dashboard link asks for: the period (the picker's year and part, a
//! custom range of days, or the API's own `period=` / `from=&to=`), the
//! comparison and the filters. The KPI parameters go through the API's one
//! parser ([`kpi_query`]), so the page shows what `GET /api/v1/kpis` answers
//! for the same parameters.

use chrono::{Datelike, Duration, NaiveDate};
use salesboard_app::kpi_board::Compare;
use salesboard_domain::Period;
use salesboard_domain::kpi::Dimension;
use salesboard_domain::period::PeriodKind;

use crate::api::kpis::kpi_query;
use crate::error::ApiError;

/// The picker's choice for a custom range of days.
pub(super) const CUSTOM: &str = "custom";

/// A dashboard request, read.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BoardQuery {
    /// The period (before time filters narrow it).
    pub period: Period,
    /// What the period is compared with.
    pub compare: Compare,
    /// The filters, as the API takes them.
    pub filters: Vec<(Dimension, String)>,
}

impl BoardQuery {
    /// The API's parameters for the same numbers: the period, then every filter.
    pub fn kpi_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = period_pairs(&self.period);
        pairs.extend(filter_pairs(&self.filters));
        pairs
    }

    /// The picker's fields for the period: year, part (`""` for the whole
    /// year, `Q1`, `03` or [`CUSTOM`]) and the first and last day.
    pub fn picker(&self) -> (String, String, String, String) {
        let (from, to) = (self.period.from, self.period.to);
        let last = (to - Duration::days(1)).to_string();
        let part = match self.period.kind() {
            PeriodKind::Year => String::new(),
            PeriodKind::Quarter => format!("Q{}", from.month0() / 3 + 1),
            PeriodKind::Month => format!("{:02}", from.month()),
            PeriodKind::Custom => CUSTOM.to_string(),
        };
        (from.year().to_string(), part, from.to_string(), last)
    }
}

/// `period=CODE` for a calendar period, else `from=` and `to=` (exclusive).
pub(super) fn period_pairs(period: &Period) -> Vec<(String, String)> {
    match period.kind() {
        PeriodKind::Custom => vec![
            ("from".into(), period.from.to_string()),
            ("to".into(), period.to.to_string()),
        ],
        _ => vec![("period".into(), period.to_string())],
    }
}

/// `filter=DIM=VALUE` for each filter.
pub(super) fn filter_pairs(filters: &[(Dimension, String)]) -> Vec<(String, String)> {
    filters
        .iter()
        .map(|(dimension, value)| ("filter".to_string(), format!("{dimension}={value}")))
        .collect()
}

/// Reads a dashboard link. `year`, `part` and (for a custom range) `start`
/// and `end` (the last day, included) are the picker's; `period=`, `from=`,
/// `to=` and `filter=` are the API's and win; an empty `filter=` is a filter
/// box left at "all"; with no period at all, the year `default_year`.
pub(super) fn board_query(
    query: &[(String, String)],
    default_year: i32,
) -> Result<BoardQuery, ApiError> {
    let mut kpi_pairs = Vec::new();
    let mut compare = Compare::default();
    let (mut year, mut part, mut start, mut end) = (None, "", None, None);
    for (name, value) in query {
        match name.as_str() {
            "lang" => {}
            "compare" => {
                compare = Compare::parse(value)
                    .ok_or_else(|| ApiError::invalid("compare", "previous or last_year"))?
            }
            "year" => year = Some(value.as_str()),
            "part" => part = value.as_str(),
            "start" => start = Some(value.as_str()),
            "end" => end = Some(value.as_str()),
            "filter" if value.trim().is_empty() => {}
            "by" | "channel" | "rep" => {
                return Err(ApiError::invalid(
                    name,
                    "is not a parameter of the dashboard",
                ));
            }
            _ => kpi_pairs.push((name.clone(), value.clone())),
        }
    }
    let has_period = kpi_pairs
        .iter()
        .any(|(name, _)| matches!(name.as_str(), "period" | "from" | "to"));
    if !has_period {
        kpi_pairs.extend(picked_period(year, part, start, end, default_year)?);
    }
    let asked = kpi_query(kpi_pairs)?;
    Ok(BoardQuery {
        period: asked.period,
        compare,
        filters: asked.filters,
    })
}

/// The API's period parameters for the picker's fields.
fn picked_period(
    year: Option<&str>,
    part: &str,
    start: Option<&str>,
    end: Option<&str>,
    default_year: i32,
) -> Result<Vec<(String, String)>, ApiError> {
    if part == CUSTOM {
        let day = |name: &str, text: Option<&str>| {
            NaiveDate::parse_from_str(text.unwrap_or_default().trim(), "%Y-%m-%d")
                .map_err(|_| ApiError::invalid(name, "give a date like 2024-03-05"))
        };
        let first = day("start", start)?;
        let last = day("end", end)?;
        if last < first {
            return Err(ApiError::invalid(
                "end",
                "the last day comes before the first",
            ));
        }
        return Ok(vec![
            ("from".into(), first.to_string()),
            ("to".into(), (last + Duration::days(1)).to_string()),
        ]);
    }
    let year = year.map_or_else(|| default_year.to_string(), str::to_string);
    let code = match part {
        "" => year,
        part => format!("{year}-{part}"),
    };
    Ok(vec![("period".into(), code)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;

    fn pairs(text: &str) -> Vec<(String, String)> {
        text.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_string(), v.to_string())
            })
            .collect()
    }

    fn read(text: &str) -> BoardQuery {
        board_query(&pairs(text), 2025).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    fn refused(text: &str) -> String {
        let error = board_query(&pairs(text), 2025).err();
        let Some(error) = error else {
            panic!("{text} should be refused")
        };
        let response = error.into_response();
        assert_eq!(response.status().as_u16(), 422, "{text}");
        text.to_string()
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_picker_names_years_quarters_and_months() {
        assert_eq!(read("").period.to_string(), "2025");
        assert_eq!(read("year=2023").period.to_string(), "2023");
        assert_eq!(read("year=2023&part=Q2").period.to_string(), "2023-Q2");
        assert_eq!(read("year=2023&part=11").period.to_string(), "2023-11");
        let march = read("year=2024&part=03&compare=last_year");
        assert_eq!(march.compare, Compare::LastYear);
        assert_eq!(
            march.picker(),
            (
                "2024".into(),
                "03".into(),
                "2024-03-01".into(),
                "2024-03-31".into()
            )
        );
    }

    #[test]
    fn a_custom_range_includes_its_last_day_and_the_api_period_wins() {
        let custom = read("year=2024&part=custom&start=2024-02-10&end=2024-03-09");
        assert_eq!(
            (custom.period.from, custom.period.to),
            (date("2024-02-10"), date("2024-03-10"))
        );
        assert_eq!(custom.period.days(), 29);
        assert_eq!(custom.picker().1, CUSTOM);
        assert_eq!(
            custom.kpi_pairs(),
            vec![
                ("from".to_string(), "2024-02-10".to_string()),
                ("to".to_string(), "2024-03-10".to_string())
            ]
        );
        // The API's parameters beat the picker's fields, which may be stale.
        let api = read("year=2020&part=Q1&period=2024-Q3");
        assert_eq!(api.period.to_string(), "2024-Q3");
        let range = read("from=2024-01-01&to=2024-01-08&part=05");
        assert_eq!(range.period.days(), 7);
    }

    #[test]
    fn filters_are_the_apis_and_empty_boxes_are_ignored() {
        let q = board_query(
            &[
                ("period".into(), "2024".into()),
                ("filter".into(), "".into()),
                ("filter".into(), "channel=search".into()),
                ("filter".into(), "地区=East".into()),
                ("filter".into(), "rep=".into()),
            ],
            2025,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            q.filters,
            vec![
                (Dimension::Channel, "search".to_string()),
                (Dimension::Region, "East".to_string()),
                (Dimension::Rep, String::new()),
            ]
        );
        assert_eq!(
            filter_pairs(&q.filters),
            vec![
                ("filter".to_string(), "channel=search".to_string()),
                ("filter".to_string(), "region=East".to_string()),
                ("filter".to_string(), "rep=".to_string()),
            ]
        );
    }

    #[test]
    fn nonsense_is_refused_with_422() {
        for text in [
            "period=2024-13",
            "year=20x4",
            "year=2024&part=Q5",
            "part=custom&start=2024-03-01",
            "part=custom&start=2024-03-10&end=2024-03-01",
            "part=custom&start=tomorrow&end=2024-03-01",
            "period=2024&compare=sometime",
            "period=2024&filter=colour=red",
            "period=2024&filter=channel",
            "period=2024&by=month",
            "period=2024&rep=u-li",
            "period=2024&sort=revenue",
            "from=2000-01-01&to=2024-01-01",
        ] {
            refused(text);
        }
    }
}
