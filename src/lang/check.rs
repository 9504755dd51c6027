//! `Catalog::problems`: what would make a language say less than English
//! or say it wrongly: a resource that doesn't parse, a message one language
//! has and another lacks, a translation using a placeable English never
//! fills. Run by each catalog's tests.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

use super::{Catalog, Lang};

/// Every message id of one language, with the variables its pattern uses.
type Messages = BTreeMap<String, BTreeSet<String>>;

impl Catalog {
    /// Every problem found, one line each; empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let read: Vec<(Lang, Messages)> = self
            .sources
            .iter()
            .map(|(lang, texts)| (*lang, messages(*lang, texts, &mut problems)))
            .collect();
        let Some((_, english)) = read.iter().find(|(lang, _)| *lang == Lang::En) else {
            return vec!["no English resources".into()];
        };
        for (lang, messages) in &read {
            let code = lang.code();
            for id in english.keys().filter(|id| !messages.contains_key(*id)) {
                problems.push(format!("{code}: `{id}` is missing"));
            }
            for (id, used) in messages {
                let Some(known) = english.get(id) else {
                    problems.push(format!("{code}: `{id}` is not in English"));
                    continue;
                };
                for variable in used.difference(known) {
                    problems.push(format!(
                        "{code}: `{id}` uses ${variable}, English never fills it"
                    ));
                }
            }
        }
        problems
    }
}

fn messages(lang: Lang, texts: &[&str], problems: &mut Vec<String>) -> Messages {
    let mut found = Messages::new();
    for text in texts {
        let resource = fluent_syntax::parser::parse(*text).unwrap_or_else(|(partial, errors)| {
            for error in errors {
                problems.push(format!("{}: syntax error {error:?}", lang.code()));
            }
            partial
        });
        for entry in resource.body {
            let (id, pattern) = match entry {
                Entry::Message(message) => (message.id.name, message.value),
                Entry::Term(term) => (term.id.name, Some(term.value)),
                Entry::Junk { content } => {
                    problems.push(format!("{}: unreadable entry {content:?}", lang.code()));
                    continue;
                }
                _ => continue,
            };
            let mut used = BTreeSet::new();
            if let Some(pattern) = &pattern {
                variables(pattern, &mut used);
            }
            if found.insert(id.to_string(), used).is_some() {
                problems.push(format!("{}: `{id}` is defined twice", lang.code()));
            }
        }
    }
    found
}

fn variables(pattern: &Pattern<&str>, used: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            in_expression(expression, used);
        }
    }
}

fn in_expression(expression: &Expression<&str>, used: &mut BTreeSet<String>) {
    match expression {
        Expression::Select { selector, variants } => {
            in_inline(selector, used);
            for variant in variants {
                variables(&variant.value, used);
            }
        }
        Expression::Inline(inline) => in_inline(inline, used),
    }
}

fn in_inline(inline: &InlineExpression<&str>, used: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            used.insert(id.name.to_string());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                in_inline(argument, used);
            }
            for named in &arguments.named {
                in_inline(&named.value, used);
            }
        }
        InlineExpression::Placeable { expression } => in_expression(expression, used),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_missing_messages_foreign_placeables_and_bad_syntax() {
        let catalog = Catalog::new(|lang| match lang {
            Lang::En => vec!["hello = Hello, { $name }.\nbye = Bye."],
            Lang::De => vec!["hello = Hallo, { $nme }."],
            Lang::Es => vec!["hello = Hola, { $name }.\nbye = Adiós.\nextra = Más."],
            Lang::Ru => vec!["hello = Привет, { $name .\nbye = Пока."],
        });
        let problems = catalog.problems().join("\n");
        assert!(problems.contains("de: `bye` is missing"), "{problems}");
        assert!(problems.contains("de: `hello` uses $nme"), "{problems}");
        assert!(
            problems.contains("es: `extra` is not in English"),
            "{problems}"
        );
        assert!(problems.contains("ru: syntax error"), "{problems}");
        assert_eq!(
            catalog.text(Lang::De, "bye", &[]),
            "Bye.",
            "falls back to English"
        );
        assert_eq!(
            catalog.text(Lang::Es, "hello", &[("name", "Ana".into())]),
            "Hola, Ana."
        );
    }
}
