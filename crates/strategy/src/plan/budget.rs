//! Budget roll-up: labour from the levelled schedule and role rates, plus non-labour
//! items, by workstream, role and calendar month, with a contingency line.
//!
//! Sums are kept in minor units (cents) so every roll-up adds up exactly.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::PlanTask;

/// A non-labour cost of a workstream (equipment, licences, fit-out…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CostItem {
    /// Workstream id it belongs to.
    pub workstream: String,
    /// What it is.
    pub item: String,
    /// Amount in the programme currency.
    pub amount: f64,
}

/// Everything the roll-up needs.
#[derive(Debug, Clone)]
pub struct BudgetInput<'a> {
    /// The tasks.
    pub tasks: &'a [PlanTask],
    /// Workstream id of each task, in task order.
    pub workstream_of: &'a [String],
    /// Levelled start week of each task, in task order.
    pub start: &'a [u32],
    /// Monthly cost of one person per role.
    pub monthly_rate: &'a BTreeMap<String, f64>,
    /// Non-labour items.
    pub costs: &'a [CostItem],
    /// Start week of each workstream (where its non-labour costs fall).
    pub workstream_start: &'a BTreeMap<String, u32>,
    /// Programme start date.
    pub start_date: NaiveDate,
    /// Contingency as a fraction of labour + non-labour (e.g. 0.12).
    pub contingency_rate: f64,
    /// Budget the initiative has.
    pub available: f64,
    /// ISO currency code.
    pub currency: String,
}

/// One workstream's costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BudgetLine {
    /// Workstream id.
    pub workstream: String,
    /// People costs.
    pub labour: f64,
    /// Other costs.
    pub non_labour: f64,
    /// Both.
    pub total: f64,
}

/// One role's costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoleLine {
    /// Role id.
    pub role: String,
    /// Person-weeks booked.
    pub person_weeks: u32,
    /// Cost of those weeks.
    pub cost: f64,
}

/// One calendar month's spend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MonthLine {
    /// `YYYY-MM`.
    pub month: String,
    /// People costs.
    pub labour: f64,
    /// Other costs.
    pub non_labour: f64,
    /// Both.
    pub total: f64,
    /// Running total up to and including this month.
    pub cumulative: f64,
}

/// The rolled-up budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Budget {
    /// ISO currency code.
    pub currency: String,
    /// All people costs.
    pub labour: f64,
    /// All other costs.
    pub non_labour: f64,
    /// Contingency fraction applied.
    pub contingency_rate: f64,
    /// Contingency amount.
    pub contingency: f64,
    /// Labour + non-labour + contingency.
    pub total: f64,
    /// What the initiative has.
    pub available: f64,
    /// Available − total (negative: over budget).
    pub variance: f64,
    /// By workstream, in first-seen order.
    pub by_workstream: Vec<BudgetLine>,
    /// By role, by id.
    pub by_role: Vec<RoleLine>,
    /// By calendar month, in order, every month from the first to the last spend.
    pub by_month: Vec<MonthLine>,
}

/// Weekly cost of one person in minor units: monthly × 12 / 52.
fn weekly_cents(monthly: f64) -> i64 {
    (monthly * 100.0 * 12.0 / 52.0).round() as i64
}

fn cents(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

fn major(cents: i64) -> f64 {
    cents as f64 / 100.0
}

fn month_key(date: NaiveDate) -> (i32, u32) {
    (date.year(), date.month())
}

fn week_date(start: NaiveDate, week: u32) -> NaiveDate {
    start
        .checked_add_days(Days::new(u64::from(week) * 7))
        .unwrap_or(NaiveDate::MAX)
}

/// Rolls the costs up; roles without a rate cost nothing (validation catches them earlier).
pub fn roll_up(input: &BudgetInput<'_>) -> Budget {
    let mut ws_order: Vec<String> = Vec::new();
    let mut ws_labour: BTreeMap<&str, i64> = BTreeMap::new();
    let mut ws_other: BTreeMap<&str, i64> = BTreeMap::new();
    let mut role_weeks: BTreeMap<&str, (u32, i64)> = BTreeMap::new();
    let mut months: BTreeMap<(i32, u32), (i64, i64)> = BTreeMap::new();
    let note_ws = |ws: &str, order: &mut Vec<String>| {
        if !order.iter().any(|w| w == ws) {
            order.push(ws.to_owned());
        }
    };

    for (i, task) in input.tasks.iter().enumerate() {
        let ws = input.workstream_of[i].as_str();
        note_ws(ws, &mut ws_order);
        let weekly = input
            .monthly_rate
            .get(&task.role)
            .copied()
            .map(weekly_cents)
            .unwrap_or(0);
        let per_week = weekly * i64::from(task.units);
        for w in 0..task.weeks {
            let date = week_date(input.start_date, input.start[i] + w);
            months.entry(month_key(date)).or_default().0 += per_week;
        }
        let cost = per_week * i64::from(task.weeks);
        *ws_labour.entry(ws).or_default() += cost;
        let role = role_weeks.entry(task.role.as_str()).or_default();
        role.0 += task.weeks * task.units;
        role.1 += cost;
    }
    for item in input.costs {
        note_ws(&item.workstream, &mut ws_order);
        let amount = cents(item.amount);
        *ws_other.entry(item.workstream.as_str()).or_default() += amount;
        let week = input
            .workstream_start
            .get(&item.workstream)
            .copied()
            .unwrap_or(0);
        months
            .entry(month_key(week_date(input.start_date, week)))
            .or_default()
            .1 += amount;
    }

    let labour: i64 = ws_labour.values().sum();
    let non_labour: i64 = ws_other.values().sum();
    let contingency = ((labour + non_labour) as f64 * input.contingency_rate).round() as i64;
    let total = labour + non_labour + contingency;
    let by_workstream = ws_order
        .iter()
        .map(|ws| {
            let l = ws_labour.get(ws.as_str()).copied().unwrap_or(0);
            let o = ws_other.get(ws.as_str()).copied().unwrap_or(0);
            BudgetLine {
                workstream: ws.clone(),
                labour: major(l),
                non_labour: major(o),
                total: major(l + o),
            }
        })
        .collect();
    let by_role = role_weeks
        .iter()
        .map(|(role, (weeks, cost))| RoleLine {
            role: (*role).to_owned(),
            person_weeks: *weeks,
            cost: major(*cost),
        })
        .collect();
    Budget {
        currency: input.currency.clone(),
        labour: major(labour),
        non_labour: major(non_labour),
        contingency_rate: input.contingency_rate,
        contingency: major(contingency),
        total: major(total),
        available: input.available,
        variance: major(cents(input.available) - total),
        by_workstream,
        by_role,
        by_month: month_lines(&months),
    }
}

/// Every month from the first to the last with spend, gaps filled with zeros.
fn month_lines(months: &BTreeMap<(i32, u32), (i64, i64)>) -> Vec<MonthLine> {
    let (Some(&first), Some(&last)) = (months.keys().next(), months.keys().next_back()) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    let mut cumulative = 0i64;
    let (mut year, mut month) = first;
    while (year, month) <= last {
        let (l, o) = months.get(&(year, month)).copied().unwrap_or((0, 0));
        cumulative += l + o;
        lines.push(MonthLine {
            month: format!("{year:04}-{month:02}"),
            labour: major(l),
            non_labour: major(o),
            total: major(l + o),
            cumulative: major(cumulative),
        });
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    lines
}

/// A whole amount with thousands separators: 1250000 → "1,250,000".
pub fn thousands(amount: f64) -> String {
    let whole = amount.round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if whole < 0 {
        out.insert(0, '-');
    }
    out
}
