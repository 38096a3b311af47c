//! `refmap evidence-types` for a person: each type, its fields, how long an
//! item stays valid and which clauses require it.

use std::fmt::Write as _;

use refmap::EvidenceTypeInfo;

/// One paragraph per evidence type, by name.
pub fn human(types: &[EvidenceTypeInfo]) -> String {
    let mut out = String::new();
    for t in types {
        let _ = writeln!(out, "{} — {}  ({})", t.name, t.title, t.source);
        let valid = t.valid.as_deref().unwrap_or("does not expire");
        let _ = writeln!(out, "  valid: {valid}");
        if !t.fields.is_empty() {
            let fields: Vec<String> = t
                .fields
                .iter()
                .map(|f| format!("{}: {}", f.name, f.ty))
                .collect();
            let _ = writeln!(out, "  fields: {}", fields.join(", "));
        }
        let required = if t.required_by.is_empty() {
            "no clause".to_string()
        } else {
            t.required_by.join(", ")
        };
        let _ = writeln!(out, "  required by: {required}");
    }
    let _ = writeln!(out, "{} evidence type(s)", types.len());
    out
}
