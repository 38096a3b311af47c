//! The declared facts of the site profile: each `fact` of every `profile`
//! item, once.

use super::Resolver;
use crate::diagnostic::Diagnostic;
use crate::model::{codes, ProfileFact, ValueType};
use crate::source::FileId;
use crate::syntax::ast;

impl Resolver {
    pub(super) fn declare_profile(&mut self, file: FileId, p: &ast::Profile) {
        for fact in &p.facts {
            let name = &fact.name;
            if let Some(first) = self.profile.iter().find(|f| f.name == name.text) {
                let d = Diagnostic::error(
                    codes::DUPLICATE_FACT,
                    file,
                    name.span,
                    format!("profile fact `{}` is declared twice", name.text),
                )
                .with_label("second declaration")
                .with_secondary(first.file, first.span, "first declared here")
                .with_help("declare each profile fact once, in one `profile` item");
                self.diagnostics.push(d);
                continue;
            }
            self.profile.push(ProfileFact {
                name: name.text.clone(),
                ty: ValueType::from(&fact.ty),
                file,
                span: name.span,
            });
        }
    }
}
