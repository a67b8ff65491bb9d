//! `--format html`: the admin audit report. One self-contained file (inline CSS and SVG, no
//! script, nothing fetched), rendered by the `askama` template `templates/report.html`, which
//! HTML-escapes every value. This module only prepares what the template shows.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::rc::Rc;

use askama::Template;

use crate::assignments::RoleRef;
use crate::engine::{Finding, RuleId, Severity};
use crate::matching::{LEGACY_ALIASES, Verdict, escape_visible};
use crate::matrix::{self, Cell, Status};
use crate::model::Model;
use crate::rules::rejection;
use crate::snapshot::Kind;

use super::{Report, Reporter, Style};

pub struct Html;

impl Reporter for Html {
    fn write(&self, report: &Report<'_>, _: Style, out: &mut dyn Write) -> io::Result<()> {
        let page = Page::build(report);
        let text = page.render().map_err(io::Error::other)?;
        out.write_all(text.as_bytes())
    }
}

/// More affected principals than this are folded into a `<details>`.
const PRINCIPALS_OPEN: usize = 5;

// ---------------------------------------------------------------------------------------------
// What the template reads.

#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    tool_name: &'static str,
    tool_version: &'static str,
    organization: String,
    apps: Vec<Fact>,
    sources: Vec<SourceView>,
    verdict: VerdictView,
    matrix: Vec<RowView>,
    legend: Vec<CellView>,
    groups: Vec<GroupView>,
    /// Findings the config's ignores suppressed, with their reasons.
    suppressed: Vec<SuppressedView>,
    /// `--baseline`: the sentence saying what it hid, and the entries fixed since.
    baseline: Option<BaselineView>,
    assignments: Option<AssignmentsView>,
    assumptions: Vec<Assumption>,
}

struct SuppressedView {
    rule: String,
    source: &'static str,
    value: Visible,
    message: String,
    reason: String,
}

struct BaselineView {
    text: String,
    fixed: Vec<FixedView>,
}

struct FixedView {
    rule: String,
    source: String,
    value: Visible,
    message: String,
}

/// A label and its text.
struct Fact {
    label: String,
    text: String,
}

struct SourceView {
    name: &'static str,
    origin: String,
    taken_at: String,
    complete: bool,
    file: Option<String>,
}

struct VerdictView {
    /// Whether provisioning is expected to fail for anyone.
    fails: bool,
    /// `fails`, `passes` or `inconclusive` (a source was not read completely).
    tone: &'static str,
    /// The inline SVG symbol for the tone.
    icon: &'static str,
    headline: String,
    reasons: Vec<String>,
    error: usize,
    warning: usize,
    note: usize,
    suppressed: usize,
    /// The `--fail-on` outcome, e.g. "check fails: findings at or above error".
    gate: String,
    gate_fails: bool,
}

/// A string shown exactly, with invisible or unusual characters made visible.
struct Visible {
    parts: Vec<VisiblePart>,
    /// Whether any part is special (worth a hint to the reader).
    has_special: bool,
}

struct VisiblePart {
    text: String,
    special: bool,
}

struct RowView {
    name: Visible,
    is_custom: bool,
    expected: Visible,
    okta: CellView,
    azure: CellView,
    ok: bool,
}

struct CellView {
    /// kebab-case status key, used as CSS class and `data-status`.
    key: String,
    label: &'static str,
    /// The id of the inline SVG symbol.
    icon: &'static str,
    /// `ok`, `bad`, `warn` or `none`: how the badge is drawn, whatever the status.
    tone: &'static str,
    value: Option<Visible>,
}

struct GroupView {
    rule: String,
    severity: &'static str,
    severity_icon: &'static str,
    summary: Vec<Inline>,
    why: Vec<Vec<Inline>>,
    fixes: Vec<FixView>,
    findings: Vec<FindingView>,
}

/// A run of prose: plain text, or `code` when it stood between backticks.
struct Inline {
    text: String,
    code: bool,
}

struct FixView {
    who: &'static str,
    paragraphs: Vec<Vec<Inline>>,
}

struct FindingView {
    severity: &'static str,
    severity_icon: &'static str,
    source: &'static str,
    message: String,
    value: Visible,
    expected: Option<Visible>,
    location: Option<String>,
    fix: Vec<Inline>,
    principals: Vec<String>,
    principal_count: usize,
    folded: bool,
}

struct AssignmentsView {
    chart: Chart,
    failing: Vec<FailingUser>,
    /// What the assignment data covers, e.g. "Okta app users, Entra assignments".
    covers: String,
}

struct FailingUser {
    who: String,
    id: String,
    /// A group whose members are not known one by one.
    is_group: bool,
    source: &'static str,
    value: Option<Visible>,
    reason: String,
}

struct Chart {
    width: u32,
    height: u32,
    label_width: u32,
    rows: Vec<ChartRow>,
    series: Vec<SeriesView>,
    summary: String,
}

struct ChartRow {
    label: String,
    /// Label y (baseline), separator y.
    y: u32,
    rule_y: u32,
    /// Whether users in this row will not be provisioned as intended.
    bad: bool,
    bars: Vec<Bar>,
}

struct Bar {
    class: &'static str,
    x: u32,
    y: u32,
    width: u32,
    height: u32,
    text_x: u32,
    text_y: u32,
    text: String,
}

struct SeriesView {
    class: &'static str,
    name: &'static str,
}

struct Assumption {
    term: &'static str,
    text: Vec<Inline>,
}

// ---------------------------------------------------------------------------------------------
// Building it.

impl Page {
    fn build(report: &Report<'_>) -> Page {
        let model = report.model;
        let rows = matrix::build(model);
        let assignments = Assignments::collect(model, report.findings);
        Page {
            tool_name: env!("CARGO_PKG_NAME"),
            tool_version: env!("CARGO_PKG_VERSION"),
            organization: model.sigma.origin.clone(),
            apps: apps(model),
            sources: model
                .sources
                .iter()
                .map(|s| SourceView {
                    name: s.kind.display_name(),
                    origin: s.origin.clone(),
                    taken_at: s.taken_at.clone(),
                    complete: s.complete,
                    file: s
                        .file
                        .as_ref()
                        .map(|f| report.file_name(&f.display().to_string())),
                })
                .collect(),
            verdict: verdict(report, assignments.as_ref()),
            matrix: rows
                .iter()
                .map(|r| RowView {
                    name: visible(&r.account_type),
                    is_custom: r.is_custom,
                    expected: visible(&r.expected),
                    okta: cell(&r.okta),
                    azure: cell(&r.azure),
                    ok: r.okta.status.is_ok() && r.azure.status.is_ok(),
                })
                .collect(),
            legend: legend(&rows),
            groups: groups(report),
            suppressed: report
                .suppressed
                .iter()
                .map(|x| SuppressedView {
                    rule: x.finding.rule.to_string(),
                    source: x.finding.source.display_name(),
                    value: visible(&x.finding.value),
                    message: x.finding.message.clone(),
                    reason: x.reason.clone(),
                })
                .collect(),
            baseline: report.baseline.map(|b| BaselineView {
                text: format!(
                    "Baseline {}: {} known finding{} not shown, {} fixed since.",
                    b.file,
                    b.unchanged,
                    if b.unchanged == 1 { "" } else { "s" },
                    b.fixed.len()
                ),
                fixed: b
                    .fixed
                    .iter()
                    .map(|e| FixedView {
                        rule: e.rule.clone(),
                        source: e.source.clone(),
                        value: visible(&e.value),
                        message: e.message.clone(),
                    })
                    .collect(),
            }),
            assignments: assignments.map(|a| a.view(model)),
            assumptions: assumptions(report),
        }
    }
}

/// The statuses every report explains, then any other status the matrix uses.
fn legend(rows: &[matrix::Row]) -> Vec<CellView> {
    let mut statuses = vec![
        Status::Match,
        Status::Case,
        Status::Whitespace,
        Status::Confusable,
        Status::NeedsValueMap,
        Status::Disabled,
        Status::Missing,
        Status::NotChecked,
    ];
    for r in rows {
        for s in [r.okta.status, r.azure.status] {
            if !statuses.contains(&s) {
                statuses.push(s);
            }
        }
    }
    statuses
        .into_iter()
        .map(|status| {
            cell(&Cell {
                status,
                value: None,
            })
        })
        .collect()
}

fn apps(model: &Model) -> Vec<Fact> {
    let mut out = Vec::new();
    if let Some(o) = &model.okta {
        out.push(Fact {
            label: "Okta app".into(),
            text: format!("{} ({})", o.snapshot.app.label, o.snapshot.app.id),
        });
    }
    if let Some(a) = &model.azure {
        let name = a.snapshot.app.display_name.as_deref().unwrap_or("Sigma");
        out.push(Fact {
            label: "Entra app".into(),
            text: format!("{name} (appId {})", a.snapshot.app.app_id),
        });
    }
    out
}

fn severity_key(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "i-bad",
        Severity::Warning => "i-warn",
        Severity::Note => "i-note",
    }
}

/// The status's kebab-case name (as in JSON), used as CSS class and `data-status`.
fn status_key(s: Status) -> String {
    match serde_json::to_value(s) {
        Ok(serde_json::Value::String(k)) => k,
        _ => "unknown".to_string(),
    }
}

fn cell(c: &Cell) -> CellView {
    let (label, icon) = match c.status {
        Status::Match => ("match", "i-ok"),
        Status::NotChecked => ("not checked", "i-none"),
        Status::Disabled | Status::Missing => (c.status.label(), "i-warn"),
        s if s.icon() == "!" => (s.label(), "i-warn"),
        s => (s.label(), "i-bad"),
    };
    let tone = match icon {
        "i-ok" => "ok",
        "i-warn" => "warn",
        "i-none" => "none",
        _ => "bad",
    };
    CellView {
        key: status_key(c.status),
        label,
        icon,
        tone,
        value: c.value.as_deref().map(visible),
    }
}

/// Splits `s` into runs of plain printable ASCII and runs of characters `escape_visible` spells
/// out (`\u{00A0}`, `\u{0435}`...). Spaces HTML would swallow (leading, trailing, repeated) are
/// shown as `␣`. Quotes and backslashes stay as they are: the template quotes nothing itself.
fn visible(s: &str) -> Visible {
    let chars: Vec<char> = s.chars().collect();
    let mut parts: Vec<VisiblePart> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let hidden_space = c == ' '
            && (i == 0 || i + 1 == chars.len() || chars[i - 1] == ' ' || chars[i + 1] == ' ');
        let (text, special) = if hidden_space {
            ("␣".to_string(), true)
        } else if matches!(c, ' '..='~') {
            (c.to_string(), false)
        } else {
            (escape_visible(c.encode_utf8(&mut [0; 4])), true)
        };
        match parts.last_mut() {
            Some(p) if p.special == special => p.text.push_str(&text),
            _ => parts.push(VisiblePart { text, special }),
        }
    }
    let has_special = parts.iter().any(|p| p.special);
    Visible { parts, has_special }
}

/// Catalog prose: paragraphs split at blank lines, lines joined, `code` runs marked.
fn prose(text: &str) -> Vec<Vec<Inline>> {
    let mut paragraphs = Vec::new();
    for para in text.split("\n\n") {
        let joined = para
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !joined.is_empty() {
            paragraphs.push(inline(&joined));
        }
    }
    paragraphs
}

fn inline(text: &str) -> Vec<Inline> {
    text.split('`')
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| Inline {
            text: t.to_string(),
            code: i % 2 == 1,
        })
        .collect()
}

/// The pieces, one after the other, with ", " between them.
fn comma_separated(pieces: impl IntoIterator<Item = Vec<Inline>>) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, piece) in pieces.into_iter().enumerate() {
        if i > 0 {
            out.push(plain(", "));
        }
        out.extend(piece);
    }
    out
}

fn plain(text: impl Into<String>) -> Inline {
    Inline {
        text: text.into(),
        code: false,
    }
}

fn code(text: impl Into<String>) -> Inline {
    Inline {
        text: text.into(),
        code: true,
    }
}

fn groups(report: &Report<'_>) -> Vec<GroupView> {
    let findings = report.findings;
    // Findings come sorted by severity then rule; keep that order for the groups.
    let mut order: Vec<RuleId> = Vec::new();
    let mut by_rule: BTreeMap<RuleId, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        if !by_rule.contains_key(&f.rule) {
            order.push(f.rule);
        }
        by_rule.entry(f.rule).or_default().push(f);
    }
    order
        .into_iter()
        .map(|rule| {
            let list = by_rule.remove(&rule).unwrap_or_default();
            let worst = list
                .iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(rule.default_severity());
            let (summary, why, fixes) = match rule.catalog() {
                Ok(entry) => (
                    inline(entry.summary.trim()),
                    prose(&entry.why),
                    [
                        ("Sigma", entry.fix.sigma),
                        ("Okta", entry.fix.okta),
                        ("Entra", entry.fix.entra),
                    ]
                    .into_iter()
                    .filter_map(|(who, t)| {
                        Some(FixView {
                            who,
                            paragraphs: prose(&t?),
                        })
                    })
                    .collect(),
                ),
                Err(_) => (
                    inline(&format!("See `sigma-idp-lint explain {rule}`.")),
                    Vec::new(),
                    Vec::new(),
                ),
            };
            GroupView {
                rule: rule.to_string(),
                severity: severity_key(worst),
                severity_icon: severity_icon(worst),
                summary,
                why,
                fixes,
                findings: list.into_iter().map(|f| finding(report, f)).collect(),
            }
        })
        .collect()
}

fn finding(report: &Report<'_>, f: &Finding) -> FindingView {
    let principals: Vec<String> = f.principals.items.iter().map(principal_name).collect();
    FindingView {
        severity: severity_key(f.severity),
        severity_icon: severity_icon(f.severity),
        source: f.source.display_name(),
        message: f.message.clone(),
        value: visible(&f.value),
        expected: f.expected.as_deref().filter(|e| *e != f.value).map(visible),
        location: f
            .location
            .as_ref()
            .map(|l| format!("{}:{}:{}", report.file_name(&l.file), l.line, l.column)),
        fix: inline(&f.fix),
        principal_count: f.principals.count.max(principals.len()),
        folded: principals.len() > PRINCIPALS_OPEN,
        principals,
    }
}

fn principal_name(p: &crate::engine::Principal) -> String {
    display_name(p.kind, &p.id, p.name.as_deref()).into_owned()
}

/// A principal's name as the report shows it: its name (else its id), with its kind when it is
/// not a user.
fn display_name<'a>(kind: &str, id: &'a str, name: Option<&'a str>) -> Cow<'a, str> {
    let name = name.unwrap_or(id);
    if kind == "user" {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(format!("{name} ({kind})"))
    }
}

fn verdict(report: &Report<'_>, assignments: Option<&Assignments>) -> VerdictView {
    let s = report.summary;
    let rejected: Vec<String> = report
        .model
        .values()
        .filter(|v| matches!(v.verdict, Verdict::Near { .. } | Verdict::Unknown { .. }))
        .map(|v| format!("\"{}\"", escape_visible(&v.sent)))
        .collect();
    let mut reasons = Vec::new();
    if !rejected.is_empty() {
        reasons.push(format!(
            "{} IdP value{} Sigma will reject: {}",
            rejected.len(),
            if rejected.len() == 1 { "" } else { "s" },
            rejected.join(", ")
        ));
    }
    // (users, groups) that will not be provisioned, when assignments were checked.
    let failing = assignments.map(|a| {
        let groups = a.failing.iter().filter(|u| u.is_group).count();
        (a.failing.len() - groups, groups)
    });
    let who = |(users, groups): (usize, usize)| {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        match (users, groups) {
            (u, 0) => plural(u, "user"),
            (0, g) => plural(g, "group"),
            (u, g) => format!("{} and {}", plural(u, "user"), plural(g, "group")),
        }
    };
    if let Some(n) = failing
        && n != (0, 0)
    {
        reasons.push(format!(
            "{} will not be provisioned (listed under Assignments)",
            who(n)
        ));
    }
    if s.error > 0 {
        reasons.push(format!(
            "{} finding{} of severity error",
            s.error,
            if s.error == 1 { "" } else { "s" }
        ));
    }
    let fails = !reasons.is_empty();
    // A partial scan is never reported as clean.
    let incomplete: Vec<&str> = report
        .model
        .sources
        .iter()
        .filter(|s| !s.complete)
        .map(|s| s.kind.display_name())
        .collect();
    if !incomplete.is_empty() {
        reasons.push(format!(
            "incomplete snapshot{} ({}): what was not read was not checked",
            if incomplete.len() == 1 { "" } else { "s" },
            incomplete.join(", ")
        ));
    }
    let headline = match (fails, failing) {
        (true, Some(n)) if n != (0, 0) => {
            format!("Provisioning is expected to fail for {}.", who(n))
        }
        (true, _) => {
            "Provisioning is expected to fail for anyone given a value Sigma rejects.".to_string()
        }
        (false, _) if !incomplete.is_empty() => {
            "Not conclusive: no failure found, but not everything was read.".to_string()
        }
        (false, Some(_)) => "No assigned user's provisioning is expected to fail.".to_string(),
        (false, None) => {
            "Provisioning is not expected to fail: every IdP value is one Sigma accepts."
                .to_string()
        }
    };
    if failing.is_none() && fails {
        reasons.push(
            "no assignment data was checked, so the users affected cannot be named \
             (take snapshots with --with-assignments)"
                .to_string(),
        );
    }
    let gate = match (report.fails(), report.fail_on) {
        (true, Some(t)) => format!("check fails: findings at or above {t}"),
        (false, Some(t)) => format!("check passes: nothing at or above {t}"),
        (_, None) => "check passes: --fail-on never".to_string(),
    };
    let (tone, icon) = if fails {
        ("fails", "i-bad")
    } else if !incomplete.is_empty() {
        ("inconclusive", "i-warn")
    } else {
        ("passes", "i-ok")
    };
    VerdictView {
        fails,
        tone,
        icon,
        headline,
        reasons,
        error: s.error,
        warning: s.warning,
        note: s.note,
        suppressed: s.suppressed,
        gate,
        gate_fails: report.fails(),
    }
}

fn assumptions(report: &Report<'_>) -> Vec<Assumption> {
    let model = report.model;
    let mut out = Vec::new();

    let defaults: Vec<&str> = model
        .account_types
        .iter()
        .filter(|t| !t.is_custom)
        .map(|t| t.expected.as_str())
        .collect();
    let mut text = vec![plain(
        "Sigma matches userType case-sensitively. Default account types (is_custom: false in the \
         Sigma snapshot) are expected in lower case, custom types exactly as named.",
    )];
    if !defaults.is_empty() {
        text.push(plain(" Default types of this org: "));
        text.extend(comma_separated(defaults.iter().map(|d| vec![code(*d)])));
        text.push(plain("."));
    }
    out.push(Assumption {
        term: "Default-type model",
        text,
    });

    let mut text = vec![
        plain("The Okta app user schema attribute holding the account type: "),
        code(
            model
                .config
                .okta
                .attribute
                .clone()
                .unwrap_or_else(|| "userType".into()),
        ),
    ];
    if let Some(o) = &model.okta {
        match &o.snapshot.attribute {
            Some(a) => {
                text.push(plain("; the snapshot found "));
                text.push(code(a.variable.clone()));
                text.push(plain(format!(
                    " in the {} schema.",
                    match a.found_in {
                        crate::snapshot::okta::SchemaPart::Base => "base",
                        crate::snapshot::okta::SchemaPart::Custom => "custom",
                    }
                )));
            }
            None => text.push(plain("; the snapshot holds no such attribute.")),
        }
    }
    out.push(Assumption {
        term: "Okta attribute",
        text,
    });

    let map = &model.config.azure.value_map;
    let text = if map.is_empty() {
        vec![plain(
            "None: each app role's value is sent to Sigma as it is \
             (SingleAppRoleAssignment([appRoleAssignments])).",
        )]
    } else {
        let mut t = vec![plain(
            "Provisioning maps app role values to the string sent to Sigma: ",
        )];
        t.extend(comma_separated(map.iter().map(|(sent, role)| {
            vec![
                plain("role value "),
                code(role.clone()),
                plain(" → "),
                code(sent.clone()),
            ]
        })));
        t.push(plain("."));
        t
    };
    out.push(Assumption {
        term: "Entra value map",
        text,
    });

    let mut text = vec![plain(
        "Legacy default aliases Sigma may still accept, reported as drift: ",
    )];
    text.extend(comma_separated(
        LEGACY_ALIASES.iter().map(|a| vec![code(*a)]),
    ));
    text.push(plain("."));
    out.push(Assumption {
        term: "Legacy aliases",
        text,
    });

    let levels = &model.config.levels;
    let text = if levels.is_empty() {
        vec![plain("Catalog defaults for every rule.")]
    } else {
        comma_separated(
            levels
                .iter()
                .map(|(rule, level)| vec![code(rule.to_string()), plain(format!(": {level}"))]),
        )
    };
    out.push(Assumption {
        term: "Rule levels",
        text,
    });

    out.push(Assumption {
        term: "Configuration",
        text: match &model.config.path {
            Some(p) => vec![code(p.display().to_string())],
            None => vec![plain("none found: built-in defaults.")],
        },
    });
    out.push(Assumption {
        term: "Failure threshold",
        text: vec![
            plain("--fail-on "),
            code(
                report
                    .fail_on
                    .map_or("never".to_string(), |s| s.to_string()),
            ),
        ],
    });
    out.push(Assumption {
        term: "Tool",
        text: vec![plain(format!(
            "{} {}",
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION")
        ))],
    });
    out
}

// ---------------------------------------------------------------------------------------------
// Assignments: who holds which account type, and who will fail.

/// What provisioning will do with one assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Provisioned as account type `i`.
    Type(usize),
    /// A value Sigma rejects, and why.
    Rejected(String, String),
    /// A legacy alias Sigma may still accept.
    Legacy(String),
    /// Assigned with no account type.
    NoType,
    /// Entra: the role no longer exists.
    Orphan(String),
}

/// What provisioning does with `sent`, judged as `verdict`.
fn outcome_of(model: &Model, sent: &str, verdict: &Verdict) -> Outcome {
    match verdict {
        Verdict::Exact { target } => Outcome::Type(*target),
        Verdict::Legacy { .. } => Outcome::Legacy(sent.to_string()),
        v => Outcome::Rejected(
            sent.to_string(),
            rejection(model, v).map_or_else(String::new, |(r, _)| r),
        ),
    }
}

/// One assigned user (or group, when its members are not known) and its outcome, borrowed from
/// the model: an org has hundreds of thousands of them.
struct Assigned<'a> {
    source: Kind,
    id: &'a str,
    who: Cow<'a, str>,
    /// Shared by everyone assigned the same value.
    outcome: Rc<Outcome>,
    /// The value the IdP sends for this principal, when there is one.
    sent: Option<&'a str>,
    /// Okta: already in `syncState: ERROR`.
    sync_error: bool,
    is_group: bool,
}

struct Assignments<'a> {
    /// Users per source.
    assigned: Vec<Assigned<'a>>,
    /// Active Sigma members per account type index; `None` for a type Sigma has no such name.
    members: Option<Vec<Option<usize>>>,
    failing: Vec<FailingUser>,
    covers: Vec<&'static str>,
}

impl<'a> Assignments<'a> {
    /// `None` when no snapshot holds assignments and no finding names a principal.
    fn collect(model: &'a Model, findings: &[Finding]) -> Option<Assignments<'a>> {
        let mut assigned = Vec::new();
        let mut covers = Vec::new();
        // Each distinct Okta value is classified once, however many users hold it.
        let mut outcomes: HashMap<&'a str, Rc<Outcome>> = HashMap::new();
        let mut classify = |sent: &'a str| -> Rc<Outcome> {
            outcomes
                .entry(sent)
                .or_insert_with(|| {
                    Rc::new(outcome_of(model, sent, &model.expectations.classify(sent)))
                })
                .clone()
        };

        if let Some(o) = &model.okta {
            if let Some(users) = &o.snapshot.app_users {
                covers.push("Okta app users");
                for u in users {
                    assigned.push(Assigned {
                        source: Kind::Okta,
                        id: &u.id,
                        who: Cow::Borrowed(&u.user_name),
                        outcome: u
                            .user_type
                            .as_deref()
                            .map_or_else(|| Rc::new(Outcome::NoType), &mut classify),
                        sent: u.user_type.as_deref(),
                        sync_error: u.sync_state.eq_ignore_ascii_case("ERROR"),
                        is_group: false,
                    });
                }
            } else if let Some(groups) = &o.snapshot.group_assignments {
                // Without app users, a group's members are unknown: the group stands for them.
                covers.push("Okta group assignments");
                for g in groups {
                    assigned.push(Assigned {
                        source: Kind::Okta,
                        id: &g.id,
                        who: Cow::Borrowed(g.name.as_deref().unwrap_or(&g.id)),
                        outcome: g
                            .user_type
                            .as_deref()
                            .map_or_else(|| Rc::new(Outcome::NoType), &mut classify),
                        sent: g.user_type.as_deref(),
                        sync_error: false,
                        is_group: true,
                    });
                }
            }
        }

        // Entra assignments as the model resolved them: groups expanded to their direct user
        // members where known, Default Access and deleted roles told apart.
        if let Some(a) = model.azure.as_ref().filter(|_| model.assignments.azure) {
            covers.push("Entra assignments");
            let values = a.values_by_role();
            // Each role's outcome is judged once, however many hold it.
            let mut by_role: HashMap<RoleRef, (Rc<Outcome>, Option<&'a str>)> = HashMap::new();
            for x in &model.assignments.entra {
                let (outcome, sent) = by_role
                    .entry(x.role)
                    .or_insert_with(|| match x.role {
                        RoleRef::DefaultAccess | RoleRef::Orphan => {
                            (Rc::new(Outcome::NoType), None)
                        }
                        RoleRef::Role(i) => match values.get(&i) {
                            None => (Rc::new(Outcome::NoType), None),
                            Some(v) => (
                                Rc::new(outcome_of(model, &v.sent, &v.verdict)),
                                Some(v.sent.as_str()),
                            ),
                        },
                    })
                    .clone();
                // An orphan's outcome names its own deleted role id.
                let outcome = match x.role {
                    RoleRef::Orphan => Rc::new(Outcome::Orphan(x.app_role_id(a).to_string())),
                    _ => outcome,
                };
                for w in x.who(a) {
                    assigned.push(Assigned {
                        source: Kind::Azure,
                        id: w.id,
                        who: display_name(w.kind, w.id, w.name),
                        outcome: outcome.clone(),
                        sent,
                        sync_error: false,
                        is_group: w.kind != "user",
                    });
                }
            }
        }

        let members = model.sigma.members.as_ref().map(|list| {
            list.iter()
                .filter(|m| !m.is_inactive && !m.is_archived)
                .map(|m| {
                    model
                        .account_types
                        .iter()
                        .position(|t| t.name == m.member_type)
                })
                .collect::<Vec<_>>()
        });
        if members.is_some() {
            covers.push("Sigma members");
        }

        let principals_named = findings.iter().any(|f| !f.principals.items.is_empty());
        if covers.is_empty() && !principals_named {
            return None;
        }

        let failing = failing(&assigned, findings);
        Some(Assignments {
            assigned,
            members,
            failing,
            covers,
        })
    }

    fn view(self, model: &Model) -> AssignmentsView {
        AssignmentsView {
            chart: chart(model, &self.assigned, self.members.as_deref()),
            failing: self.failing,
            covers: if self.covers.is_empty() {
                "the users and groups named by findings".to_string()
            } else {
                self.covers.join(", ")
            },
        }
    }
}

/// Users whose provisioning will fail: from the assignment sections, then any user an error
/// finding names that is not listed yet.
fn failing(assigned: &[Assigned], findings: &[Finding]) -> Vec<FailingUser> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for a in assigned {
        let reason = match a.outcome.as_ref() {
            Outcome::Rejected(_, why) => format!("Sigma rejects the value: {why}"),
            Outcome::Orphan(id) => format!("assigned to app role {id}, which no longer exists"),
            _ if a.sync_error => {
                "Okta reports this user's last push failed (syncState ERROR)".to_string()
            }
            _ => continue,
        };
        let reason = if a.is_group {
            format!("{reason} (a group: every member is affected)")
        } else {
            reason
        };
        if seen.insert((a.source, a.id.to_string())) {
            out.push(FailingUser {
                who: a.who.to_string(),
                id: a.id.to_string(),
                is_group: a.is_group,
                source: a.source.display_name(),
                value: a.sent.map(visible),
                reason,
            });
        }
    }
    for f in findings.iter().filter(|f| f.severity == Severity::Error) {
        for p in &f.principals.items {
            if seen.insert((f.source, p.id.clone())) {
                out.push(FailingUser {
                    who: principal_name(p),
                    id: p.id.clone(),
                    is_group: p.kind != "user",
                    source: f.source.display_name(),
                    value: Some(visible(&f.value)),
                    reason: f.message.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.source, &a.who, &a.id).cmp(&(b.source, &b.who, &b.id)));
    out
}

// Chart geometry, in SVG user units.
const CHART_WIDTH: u32 = 760;
const LABEL_WIDTH: u32 = 190;
const BAR_HEIGHT: u32 = 12;
const BAR_GAP: u32 = 3;
const ROW_PAD: u32 = 10;
const COUNT_ROOM: u32 = 70;

fn chart(model: &Model, assigned: &[Assigned], members: Option<&[Option<usize>]>) -> Chart {
    // Rows: every account type, then the outcomes that are no account type.
    let n = model.account_types.len();
    let (rejected, legacy, no_type, other) = (n, n + 1, n + 2, n + 3);
    let mut labels: Vec<(String, bool)> = model
        .account_types
        .iter()
        .map(|t| (t.name.clone(), false))
        .collect();
    labels.push(("rejected by Sigma".into(), true));
    labels.push(("legacy alias".into(), true));
    labels.push(("no account type".into(), true));
    labels.push(("not an account type".into(), true));

    struct Series {
        class: &'static str,
        name: &'static str,
        /// The name beside each bar, so the series is told apart without colour.
        short: &'static str,
        counts: Vec<usize>,
    }
    let mut series = Vec::new();
    for (kind, class, name, short) in [
        (Kind::Okta, "s-okta", "Okta", "Okta"),
        (Kind::Azure, "s-entra", "Entra", "Entra"),
    ] {
        let mine: Vec<&Assigned> = assigned
            .iter()
            .filter(|a| a.source == kind && !a.is_group)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let mut counts = vec![0; labels.len()];
        for a in mine {
            let row = match *a.outcome {
                Outcome::Type(i) => i,
                Outcome::Rejected(..) | Outcome::Orphan(_) => rejected,
                Outcome::Legacy(_) => legacy,
                Outcome::NoType => no_type,
            };
            counts[row] += 1;
        }
        series.push(Series {
            class,
            name,
            short,
            counts,
        });
    }
    if let Some(m) = members {
        let mut counts = vec![0; labels.len()];
        for t in m {
            counts[t.unwrap_or(other)] += 1;
        }
        series.push(Series {
            class: "s-sigma",
            name: "Sigma members (current type)",
            short: "Sigma",
            counts,
        });
    }

    // Keep every account type; keep the extra rows only when someone is in them.
    let keep: Vec<usize> = (0..labels.len())
        .filter(|&r| r < n || series.iter().any(|s| s.counts[r] > 0))
        .collect();
    let max = series
        .iter()
        .flat_map(|s| s.counts.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let span = CHART_WIDTH - LABEL_WIDTH - COUNT_ROOM;
    let group_height = series.len().max(1) as u32 * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
    let row_height = group_height + 2 * ROW_PAD;
    let mut rows = Vec::new();
    for (k, &r) in keep.iter().enumerate() {
        let top = k as u32 * row_height;
        let bars = series
            .iter()
            .enumerate()
            .map(|(j, s)| {
                let count = s.counts[r];
                let width = (count as u64 * u64::from(span) / max as u64) as u32;
                let y = top + ROW_PAD + j as u32 * (BAR_HEIGHT + BAR_GAP);
                Bar {
                    class: s.class,
                    x: LABEL_WIDTH,
                    y,
                    width,
                    height: BAR_HEIGHT,
                    text_x: LABEL_WIDTH + width + 6,
                    text_y: y + BAR_HEIGHT - 2,
                    text: format!("{count} {}", s.short),
                }
            })
            .collect();
        rows.push(ChartRow {
            label: labels[r].0.clone(),
            y: top + row_height / 2 + 4,
            rule_y: top + row_height,
            bad: labels[r].1,
            bars,
        });
    }
    let summary = series
        .iter()
        .map(|s| {
            let parts: Vec<String> = keep
                .iter()
                .map(|&r| format!("{} {}", labels[r].0, s.counts[r]))
                .collect();
            format!("{}: {}", s.name, parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    Chart {
        width: CHART_WIDTH,
        height: keep.len() as u32 * row_height,
        label_width: LABEL_WIDTH,
        rows,
        series: series
            .iter()
            .map(|s| SeriesView {
                class: s.class,
                name: s.name,
            })
            .collect(),
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(v: &Visible) -> String {
        v.parts.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn pieces_are_separated_by_commas_and_keep_their_code_marks() {
        let joined = comma_separated([vec![code("a")], vec![code("b"), plain(": x")]]);
        let shown: Vec<(&str, bool)> = joined.iter().map(|i| (i.text.as_str(), i.code)).collect();
        assert_eq!(
            shown,
            [("a", true), (", ", false), ("b", true), (": x", false)]
        );
        assert!(comma_separated(Vec::<Vec<Inline>>::new()).is_empty());
    }

    #[test]
    fn invisible_characters_are_spelled_out() {
        let v = visible("view\u{00A0}");
        assert_eq!(shown(&v), "view\\u{00A0}");
        assert!(v.has_special);
        assert!(v.parts[1].special);
        let v = visible("Ops L\u{0435}ad");
        assert_eq!(shown(&v), "Ops L\\u{0435}ad");
        let v = visible("analyze ");
        assert_eq!(shown(&v), "analyze␣");
        assert!(v.parts[1].special);
        let v = visible("Data Analyst");
        assert_eq!(shown(&v), "Data Analyst");
        assert!(!v.has_special);
        assert_eq!(shown(&visible("a  b")), "a␣␣b");
        assert_eq!(shown(&visible(" a b")), "␣a b");
        assert_eq!(shown(&visible("\"<x>\"")), "\"<x>\"");
    }

    #[test]
    fn prose_splits_paragraphs_and_code() {
        let p = prose("Send `admin`\nnot `Admin`.\n\nSecond.\n");
        assert_eq!(p.len(), 2);
        let first: Vec<(&str, bool)> = p[0].iter().map(|i| (i.text.as_str(), i.code)).collect();
        assert_eq!(
            first,
            [
                ("Send ", false),
                ("admin", true),
                (" not ", false),
                ("Admin", true),
                (".", false)
            ]
        );
    }
}
