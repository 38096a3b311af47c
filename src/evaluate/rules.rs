//! Rules over the evidence: the status of a `requires` rule (the solver's
//! inner loop), and the same with the evidence used and, in English, what
//! is missing (for the report).

use super::state::{rank, State};
use crate::date::Date;
use crate::inventory::{EvidenceItem, Fact, Inventory};
use crate::mapper::ClauseIdx;
use crate::model::{
    Comparison, Condition, EvidenceRule, EvidenceTypeIdx, Field, Rule, Rulebook, Value,
};
use crate::vocab::Status;

/// Evidence grouped by type, and the evaluation date.
pub(super) struct Context<'a> {
    pub(super) book: &'a Rulebook,
    /// The items by type then id.
    pub(super) by_type: Vec<(EvidenceTypeIdx, &'a EvidenceItem)>,
    pub(super) as_of: Date,
}

pub(super) struct Outcome {
    pub(super) status: Status,
    pub(super) evidence: Vec<String>,
    pub(super) missing: Vec<String>,
}

/// Why an evidence item does or does not count for a requirement.
pub(super) enum Verdict {
    Counts,
    Future(Date),
    Expired(Date),
    TooOld(Date),
    NoDate,
    NoMatch,
}

/// The parts of a group: how many are met, whether some is met or
/// partial, whether some is unknown.
pub(super) fn tally(parts: impl Iterator<Item = Status>) -> (u64, u64, bool, bool) {
    let (mut met, mut count, mut some, mut unknown) = (0u64, 0u64, false, false);
    for s in parts {
        met += u64::from(s == Status::Met);
        count += 1;
        some |= rank(s) > 0;
        unknown |= s == Status::Unknown;
    }
    (met, count, some, unknown)
}

/// A group's status: met when `enough` of its parts are; else partial when
/// some is met or partial; else unknown when some is unknown; else not met.
pub(super) fn group_status(enough: bool, some: bool, unknown: bool) -> Status {
    if enough {
        Status::Met
    } else if some {
        Status::Partial
    } else if unknown {
        Status::Unknown
    } else {
        Status::NotMet
    }
}

/// `all`: met when every part is.
pub(super) fn combine_all(parts: impl Iterator<Item = Status>) -> Status {
    let (met, count, some, unknown) = tally(parts);
    group_status(met == count, some, unknown)
}

/// `any`: met when one part is.
pub(super) fn combine_any(parts: impl Iterator<Item = Status>) -> Status {
    let (met, _, some, unknown) = tally(parts);
    group_status(met > 0, some, unknown)
}

/// `at least N of`: met when N parts are; also returns how many are.
pub(super) fn combine_at_least(n: u64, parts: impl Iterator<Item = Status>) -> (Status, u64) {
    let (met, _, some, unknown) = tally(parts);
    (group_status(met >= n, some, unknown), met)
}

/// `not`: swaps met and not met.
pub(super) fn negate(s: Status) -> Status {
    match s {
        Status::Met => Status::NotMet,
        Status::NotMet => Status::Met,
        other => other,
    }
}

/// A `clause X` requirement: met when X is met or does not apply. Returns
/// the requirement's status and X's own.
pub(super) fn referenced(c: ClauseIdx, states: &[State]) -> (Status, Status) {
    let st = states
        .get(c.0 as usize)
        .map_or(Status::Unknown, |st| st.status);
    let requirement = if st == Status::NotApplicable {
        Status::Met
    } else {
        st
    };
    (requirement, st)
}

impl<'a> Context<'a> {
    pub(super) fn new(book: &'a Rulebook, inventory: &'a Inventory, as_of: Date) -> Self {
        let mut by_type: Vec<(EvidenceTypeIdx, &EvidenceItem)> = inventory
            .evidence
            .iter()
            .filter_map(|e| Some((book.evidence_type_idx(&e.ty)?, e)))
            .collect();
        by_type.sort_by(|(t, a), (u, b)| t.cmp(u).then_with(|| a.id.cmp(&b.id)));
        Context {
            book,
            by_type,
            as_of,
        }
    }

    /// The status of a rule, without building explanations (the fixpoint's
    /// inner loop).
    pub(super) fn status(&self, e: &Rule, states: &[State]) -> Status {
        match e {
            Rule::All(list) => combine_all(list.iter().map(|x| self.status(x, states))),
            Rule::Any(list) => combine_any(list.iter().map(|x| self.status(x, states))),
            Rule::AtLeast { n, of } => {
                combine_at_least(*n, of.iter().map(|x| self.status(x, states))).0
            }
            Rule::Not(inner) => negate(self.status(inner, states)),
            Rule::Evidence(req) => {
                let needed = req.count;
                let mut found = 0u64;
                for (_, verdict) in self.items(req) {
                    if matches!(verdict, Verdict::Counts) {
                        found += 1;
                        if found >= needed {
                            return Status::Met;
                        }
                    }
                }
                if found > 0 {
                    Status::Partial
                } else {
                    Status::NotMet
                }
            }
            Rule::Clause(c) => referenced(*c, states).0,
            Rule::UnknownClause(_) | Rule::Attested => Status::Unknown,
        }
    }

    /// The items of a requirement's type, each with its verdict.
    pub(super) fn items<'r>(
        &'r self,
        req: &'r EvidenceRule,
    ) -> impl Iterator<Item = (&'a EvidenceItem, Verdict)> + 'r {
        let (valid, items) = match req.ty {
            Some(ty) => {
                let start = self.by_type.partition_point(|(t, _)| *t < ty);
                let rest = self.by_type.get(start..).unwrap_or(&[]);
                let end = rest.partition_point(|(t, _)| *t == ty);
                (
                    self.book
                        .evidence_types
                        .get(ty.0 as usize)
                        .and_then(|t| t.valid),
                    rest.get(..end).unwrap_or(&[]),
                )
            }
            None => (None, &[][..]),
        };
        let within = req.within;
        items
            .iter()
            .map(move |(_, item)| (*item, self.judge(item, req, valid, within)))
    }

    pub(super) fn judge(
        &self,
        item: &EvidenceItem,
        req: &EvidenceRule,
        valid: Option<crate::date::Duration>,
        within: Option<crate::date::Duration>,
    ) -> Verdict {
        if let Some(d) = item.date {
            if d > self.as_of {
                return Verdict::Future(d);
            }
        }
        let until = item
            .expires
            .or_else(|| valid.and_then(|v| item.date.map(|d| d.plus(v))));
        if let Some(u) = until {
            if u <= self.as_of {
                return Verdict::Expired(u);
            }
        }
        // Same convention as validity: an item counts while
        // as_of < date + window.
        if let Some(window) = within {
            match item.date {
                Some(date) if date.plus(window) > self.as_of => {}
                Some(date) => return Verdict::TooOld(date),
                None => return Verdict::NoDate,
            }
        }
        if let Some(cond) = &req.where_ {
            if eval_cond(cond, &|f| field_of(item, f)) != Some(true) {
                return Verdict::NoMatch;
            }
        }
        Verdict::Counts
    }

    /// The status of a rule with the evidence used and, indented by depth,
    /// what is missing.
    pub(super) fn eval(&self, e: &Rule, states: &[State], depth: usize) -> Outcome {
        let indent = "  ".repeat(depth);
        match e {
            Rule::All(list) => {
                let outs: Vec<Outcome> = list
                    .iter()
                    .map(|x| self.eval(x, states, depth + 1))
                    .collect();
                let st = combine_all(outs.iter().map(|o| o.status));
                group(st, outs, format!("{indent}all of:"))
            }
            Rule::Any(list) => {
                let outs: Vec<Outcome> = list
                    .iter()
                    .map(|x| self.eval(x, states, depth + 1))
                    .collect();
                let st = combine_any(outs.iter().map(|o| o.status));
                group(st, outs, format!("{indent}any of:"))
            }
            Rule::AtLeast { n, of } => {
                let outs: Vec<Outcome> =
                    of.iter().map(|x| self.eval(x, states, depth + 1)).collect();
                let (st, met) = combine_at_least(*n, outs.iter().map(|o| o.status));
                group(st, outs, format!("{indent}at least {n} of ({met} met):"))
            }
            Rule::Not(inner) => {
                let o = self.eval(inner, states, depth + 1);
                let st = negate(o.status);
                let missing = if st == Status::Met {
                    Vec::new()
                } else {
                    let what = if o.evidence.is_empty() {
                        String::new()
                    } else {
                        format!(" (evidence {})", o.evidence.join(", "))
                    };
                    vec![format!("{indent}not: its negation holds{what}")]
                };
                Outcome {
                    status: st,
                    evidence: Vec::new(),
                    missing,
                }
            }
            Rule::Evidence(req) => self.evidence(req, &indent),
            Rule::Clause(c) => {
                let (st, raw) = referenced(*c, states);
                Outcome {
                    status: st,
                    evidence: Vec::new(),
                    missing: if st == Status::Met {
                        Vec::new()
                    } else {
                        vec![format!("{indent}clause `{}` is {raw}", self.book.key(*c))]
                    },
                }
            }
            Rule::UnknownClause(key) => Outcome {
                status: Status::Unknown,
                evidence: Vec::new(),
                missing: vec![format!("{indent}clause `{key}` is unknown")],
            },
            Rule::Attested => Outcome {
                status: Status::Unknown,
                evidence: Vec::new(),
                missing: vec![format!(
                    "{indent}an auditor's assessment (the rule says `attested`)"
                )],
            },
        }
    }

    pub(super) fn evidence(&self, req: &EvidenceRule, indent: &str) -> Outcome {
        let needed = req.count;
        let mut used = Vec::new();
        let mut rejected = Vec::new();
        for (item, verdict) in self.items(req) {
            let id = &item.id;
            match verdict {
                Verdict::Counts => used.push(id.clone()),
                Verdict::Future(d) => {
                    rejected.push(format!("{id} is dated {d}, after {}", self.as_of));
                }
                Verdict::Expired(u) => rejected.push(format!("{id} expired {u}")),
                Verdict::TooOld(d) => rejected.push(format!(
                    "{id} is dated {d}, older than {}",
                    req.within.map(|w| w.to_string()).unwrap_or_default()
                )),
                Verdict::NoDate => rejected.push(format!("{id} has no date")),
                Verdict::NoMatch => {
                    rejected.push(format!("{id} does not match `{}`", req.where_text));
                }
            }
        }
        let found = used.len() as u64;
        let status = if found >= needed {
            Status::Met
        } else if found > 0 {
            Status::Partial
        } else {
            Status::NotMet
        };
        let mut missing = Vec::new();
        if status != Status::Met {
            let mut text = format!("{indent}{}", req.text);
            if needed > 1 {
                text.push_str(&format!(": {found} of {needed} counted"));
            } else if rejected.is_empty() {
                text.push_str(": none on file");
            } else {
                text.push_str(": none that counts");
            }
            if !rejected.is_empty() {
                text.push_str(&format!(" ({})", rejected.join("; ")));
            }
            missing.push(text);
        }
        Outcome {
            status,
            evidence: if status == Status::NotMet {
                Vec::new()
            } else {
                used
            },
            missing,
        }
    }
}

/// Combines child outcomes under a heading line.
pub(super) fn group(status: Status, outs: Vec<Outcome>, heading: String) -> Outcome {
    let mut evidence: Vec<String> = outs
        .iter()
        .flat_map(|o| o.evidence.iter().cloned())
        .collect();
    evidence.sort();
    evidence.dedup();
    let missing = if status == Status::Met {
        Vec::new()
    } else {
        std::iter::once(heading)
            .chain(
                outs.into_iter()
                    .filter(|o| o.status != Status::Met)
                    .flat_map(|o| o.missing),
            )
            .collect()
    };
    Outcome {
        status,
        evidence: if status == Status::NotMet {
            Vec::new()
        } else {
            evidence
        },
        missing,
    }
}

pub(super) fn field_of(item: &EvidenceItem, field: &Field) -> Option<Fact> {
    match field {
        Field::Date => item.date.map(Fact::Date),
        Field::Expires => item.expires.map(Fact::Date),
        Field::Named(name) => item.fields.get(&**name).cloned(),
    }
}

/// Whether `clause` applies to a site with this profile: not when its own
/// `applies if`, or an enclosing clause's, is false. A condition that needs
/// a fact the profile lacks leaves the clause applicable, as in `check`.
pub fn applies(book: &Rulebook, clause: ClauseIdx, profile: &Inventory) -> bool {
    let mut at = Some(clause);
    while let Some(c) = at {
        let Some(k) = book.clause(c) else { break };
        let own = k.applies.as_ref().is_none_or(|cond| {
            eval_cond(cond, &|f| match f {
                Field::Named(name) => profile.profile.get(&**name).cloned(),
                Field::Date | Field::Expires => None,
            }) != Some(false)
        });
        if !own {
            return false;
        }
        at = k.parent;
    }
    true
}

/// Three-valued evaluation: `None` when a fact it needs is missing.
pub(super) fn eval_cond(cond: &Condition, get: &dyn Fn(&Field) -> Option<Fact>) -> Option<bool> {
    match cond {
        Condition::Or(parts) => {
            let vals: Vec<Option<bool>> = parts.iter().map(|p| eval_cond(p, get)).collect();
            if vals.contains(&Some(true)) {
                Some(true)
            } else if vals.contains(&None) {
                None
            } else {
                Some(false)
            }
        }
        Condition::And(parts) => {
            let vals: Vec<Option<bool>> = parts.iter().map(|p| eval_cond(p, get)).collect();
            if vals.contains(&Some(false)) {
                Some(false)
            } else if vals.contains(&None) {
                None
            } else {
                Some(true)
            }
        }
        Condition::Not(inner) => eval_cond(inner, get).map(|b| !b),
        Condition::Compare { field, op, value } => {
            let fact = get(field)?;
            Some(match op {
                Comparison::Eq => equal(&fact, value),
                Comparison::Ne => !equal(&fact, value),
                _ => {
                    let ord = order(&fact, value)?;
                    match op {
                        Comparison::Lt => ord.is_lt(),
                        Comparison::Le => ord.is_le(),
                        Comparison::Gt => ord.is_gt(),
                        _ => ord.is_ge(),
                    }
                }
            })
        }
        Condition::In { field, values } => {
            let fact = get(field)?;
            Some(values.iter().any(|v| equal(&fact, v)))
        }
        Condition::Contains { field, value } => {
            let fact = get(field)?;
            Some(match (&fact, value) {
                (Fact::List(items), _) => items.iter().any(|i| equal(i, value)),
                (Fact::Text(s), Value::Text(sub)) => s.contains(sub.as_str()),
                _ => false,
            })
        }
    }
}

pub(super) fn equal(fact: &Fact, value: &Value) -> bool {
    match (fact, value) {
        (Fact::Text(a), Value::Text(b)) => a == b,
        (Fact::Number(a), Value::Number(b)) => a == b,
        (Fact::Date(a), Value::Date(b)) => a == b,
        // A date-shaped text in a profile compares with a date literal.
        (Fact::Date(a), Value::Text(b)) => a.to_string() == *b,
        (Fact::Bool(a), Value::Bool(b)) => a == b,
        (Fact::List(a), Value::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y))
        }
        _ => false,
    }
}

pub(super) fn order(fact: &Fact, value: &Value) -> Option<std::cmp::Ordering> {
    match (fact, value) {
        (Fact::Number(a), Value::Number(b)) => a.partial_cmp(b),
        (Fact::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        _ => None,
    }
}
