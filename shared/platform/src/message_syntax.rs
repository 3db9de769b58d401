//! MediaWiki's message syntax, as translators on translatewiki.net write it: `$1`… parameters,
//! `{{PLURAL:$1|one|other}}` by the language's CLDR plural rules (ICU4X), explicit plural forms
//! (`{{PLURAL:$1|0=none|one|other}}`), and `{{GENDER:$1|he|she|they}}`.
//!
//! The message text itself is HTML that was sanitized when its language was loaded (`i18n`);
//! this module only chooses forms and puts the parameters in, escaped unless the tool marked
//! one as HTML it built itself. A leaf: it depends on no other module of the platform.

use std::fmt::Write as _;

use icu_plurals::PluralRules;

/// A user's grammatical gender, as the wiki's `list=users&usprop=gender` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Gender {
    Male,
    Female,
    /// Not set, or not known to the tool: the neutral form.
    #[default]
    Unknown,
}

impl Gender {
    /// From the API's `gender` field (`male`, `female`, `unknown`).
    pub fn from_api(value: &str) -> Self {
        match value {
            "male" => Self::Male,
            "female" => Self::Female,
            _ => Self::Unknown,
        }
    }
}

/// A message parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Text; escaped.
    Text(String),
    /// A number: selects `PLURAL` forms.
    Number(i64),
    /// A user's name (escaped), whose gender selects `GENDER` forms.
    User { name: String, gender: Gender },
    /// HTML the tool built itself (a link whose text is another message, say): not escaped.
    Html(String),
}

impl Arg {
    /// The parameter as it appears in the message.
    fn write_html(&self, out: &mut String) {
        match self {
            Arg::Text(text) | Arg::User { name: text, .. } => escape_into(text, out),
            Arg::Number(number) => {
                let _ = write!(out, "{number}");
            }
            Arg::Html(html) => out.push_str(html),
        }
    }

    /// The parameter as plain text, for `qqx` and for a `PLURAL` selector.
    pub fn plain(&self) -> String {
        match self {
            Arg::Text(text) | Arg::User { name: text, .. } | Arg::Html(text) => text.clone(),
            Arg::Number(number) => number.to_string(),
        }
    }
}

/// `&`, `<`, `>`, `"` and `'` as entities, written as askama writes them, so that a parameter
/// looks the same on a page as the template's own escaped values.
pub fn escape_into(text: &str, out: &mut String) {
    for character in text.chars() {
        match character {
            '&' => out.push_str("&#38;"),
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(character),
        }
    }
}

/// Renders `message` (sanitized HTML in MediaWiki syntax) with `args`; `plurals` are the rules
/// of the message's language.
pub fn render(message: &str, args: &[Arg], plurals: &PluralRules) -> String {
    let mut out = String::with_capacity(message.len() + 16);
    render_into(message, args, plurals, &mut out);
    out
}

fn render_into(message: &str, args: &[Arg], plurals: &PluralRules, out: &mut String) {
    let mut rest = message;
    while let Some(index) = rest.find(['$', '{']) {
        out.push_str(&rest[..index]);
        rest = &rest[index..];
        if let Some((arg, after)) = parameter(rest, args) {
            arg.write_html(out);
            rest = after;
        } else if let Some((function, after)) = function_call(rest) {
            render_function(&function, args, plurals, out);
            rest = after;
        } else {
            out.push_str(&rest[..1]);
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
}

/// `$N` at the start of `text`, if `args` has an N-th parameter.
fn parameter<'a, 'b>(text: &'a str, args: &'b [Arg]) -> Option<(&'b Arg, &'a str)> {
    let digits = text
        .strip_prefix('$')?
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    let number: usize = text.get(1..1 + digits)?.parse().ok()?;
    let arg = args.get(number.checked_sub(1)?)?;
    Some((arg, &text[1 + digits..]))
}

/// A `{{NAME:selector|form|form}}` call.
struct FunctionCall<'a> {
    name: &'a str,
    selector: &'a str,
    forms: Vec<&'a str>,
}

/// The `{{PLURAL:…}}` or `{{GENDER:…}}` at the start of `text`, and what follows it. Forms may
/// hold further calls; the `|` of those does not split the outer call.
fn function_call(text: &str) -> Option<(FunctionCall<'_>, &str)> {
    let inner_start = 2;
    if !text.starts_with("{{") {
        return None;
    }
    let (name, _) = text[inner_start..].split_once(':')?;
    if !matches!(name.trim(), "PLURAL" | "GENDER") {
        return None;
    }
    let mut depth = 0usize;
    let mut parts = Vec::new();
    let mut part_start = inner_start + name.len() + 1;
    let bytes = text.as_bytes();
    let mut index = inner_start;
    while index < bytes.len() {
        if bytes[index..].starts_with(b"{{") {
            depth += 1;
            index += 2;
        } else if bytes[index..].starts_with(b"}}") {
            if depth == 0 {
                parts.push(&text[part_start..index]);
                let (selector, forms) = parts.split_first()?;
                return Some((
                    FunctionCall {
                        name: name.trim(),
                        selector: selector.trim(),
                        forms: forms.to_vec(),
                    },
                    &text[index + 2..],
                ));
            }
            depth -= 1;
            index += 2;
        } else if bytes[index] == b'|' && depth == 0 {
            parts.push(&text[part_start..index]);
            index += 1;
            part_start = index;
        } else {
            index += 1;
        }
    }
    None
}

fn render_function(call: &FunctionCall<'_>, args: &[Arg], plurals: &PluralRules, out: &mut String) {
    let selected = parameter(call.selector, args).map(|(arg, _)| arg);
    let form = match call.name {
        "PLURAL" => plural_form(call, selected, plurals),
        _ => gender_form(&call.forms, selected),
    };
    if let Some(form) = form {
        render_into(form, args, plurals, out);
    }
}

fn plural_form<'a>(
    call: &FunctionCall<'a>,
    selected: Option<&Arg>,
    plurals: &PluralRules,
) -> Option<&'a str> {
    let number = match selected {
        Some(Arg::Number(number)) => *number,
        Some(other) => other.plain().trim().parse().ok()?,
        None => call.selector.trim().parse().ok()?,
    };
    // Explicit forms (`0=none`) win; the others are in CLDR order.
    let mut ordinary = Vec::with_capacity(call.forms.len());
    for form in &call.forms {
        match form.split_once('=') {
            Some((value, text)) if value.trim().parse::<i64>().is_ok() => {
                if value.trim().parse::<i64>().ok() == Some(number) {
                    return Some(text);
                }
            }
            _ => ordinary.push(*form),
        }
    }
    let category = plurals.category_for(number.unsigned_abs());
    let index = plurals
        .categories()
        .position(|c| c == category)
        .unwrap_or(usize::MAX);
    // Fewer forms than categories: the last form stands for the rest, as in MediaWiki.
    ordinary.get(index).or_else(|| ordinary.last()).copied()
}

fn gender_form<'a>(forms: &[&'a str], selected: Option<&Arg>) -> Option<&'a str> {
    let gender = match selected {
        Some(Arg::User { gender, .. }) => *gender,
        _ => Gender::Unknown,
    };
    // MediaWiki: the female and neutral forms default to the first (male) one.
    let index = match gender {
        Gender::Male => 0,
        Gender::Female => 1,
        Gender::Unknown => 2,
    };
    forms.get(index).or_else(|| forms.first()).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use icu_locale_core::Locale;

    fn rules(language: &str) -> PluralRules {
        let locale: Locale = language.parse().expect("locale");
        PluralRules::try_new_cardinal(locale.into()).expect("rules")
    }

    fn plural(language: &str, message: &str, number: i64) -> String {
        render(message, &[Arg::Number(number)], &rules(language))
    }

    #[test]
    fn parameters_are_put_in_escaped_unless_html() {
        let en = rules("en");
        assert_eq!(
            render(
                "<strong>$1</strong> and $2, not $3",
                &[
                    Arg::Text("<script>&".into()),
                    Arg::Html("<a href=\"/x\">x</a>".into())
                ],
                &en
            ),
            "<strong>&#60;script&#62;&#38;</strong> and <a href=\"/x\">x</a>, not $3"
        );
        assert_eq!(
            render("costs $ 5 {not a call}", &[], &en),
            "costs $ 5 {not a call}"
        );
    }

    #[test]
    fn japanese_has_one_plural_form() {
        for n in [0, 1, 2, 5] {
            assert_eq!(plural("ja", "{{PLURAL:$1|$1 件}}", n), format!("{n} 件"));
        }
    }

    #[test]
    fn german_has_two() {
        let message = "{{PLURAL:$1|ein Befehl|$1 Befehle}}";
        assert_eq!(plural("de", message, 1), "ein Befehl");
        assert_eq!(plural("de", message, 0), "0 Befehle");
        assert_eq!(plural("de", message, 2), "2 Befehle");
    }

    #[test]
    fn russian_has_three_and_the_last_form_stands_for_the_rest() {
        let message = "{{PLURAL:$1|$1 правка|$1 правки|$1 правок}}";
        assert_eq!(plural("ru", message, 1), "1 правка");
        assert_eq!(plural("ru", message, 21), "21 правка");
        assert_eq!(plural("ru", message, 3), "3 правки");
        assert_eq!(plural("ru", message, 5), "5 правок");
        assert_eq!(plural("ru", message, 11), "11 правок");
        assert_eq!(plural("uk", message, 22), "22 правки");
        // Two forms given for three categories: the last covers the others.
        assert_eq!(plural("ru", "{{PLURAL:$1|одна|много}}", 5), "много");
    }

    #[test]
    fn arabic_has_six() {
        let message = "{{PLURAL:$1|صفر|واحد|اثنان|قليل|كثير|آخر}}";
        let seen: Vec<String> = [0, 1, 2, 3, 11, 100]
            .into_iter()
            .map(|n| plural("ar", message, n))
            .collect();
        assert_eq!(seen, ["صفر", "واحد", "اثنان", "قليل", "كثير", "آخر"]);
    }

    #[test]
    fn explicit_forms_win() {
        let message = "{{PLURAL:$1|0=no batches|one batch|$1 batches}}";
        assert_eq!(plural("en", message, 0), "no batches");
        assert_eq!(plural("en", message, 1), "one batch");
        assert_eq!(plural("en", message, 7), "7 batches");
    }

    #[test]
    fn forms_may_hold_markup_parameters_and_other_calls() {
        let en = rules("en");
        let message = "{{PLURAL:$1|<b>one</b> by {{GENDER:$2|him|her|them}}|$1 by $2}}";
        let user = Arg::User {
            name: "Ada".into(),
            gender: Gender::Female,
        };
        assert_eq!(
            render(message, &[Arg::Number(1), user.clone()], &en),
            "<b>one</b> by her"
        );
        assert_eq!(render(message, &[Arg::Number(3), user], &en), "3 by Ada");
    }

    #[test]
    fn gender_picks_the_form_and_falls_back_to_the_first() {
        let en = rules("en");
        let message = "{{GENDER:$1|he|she|they}} edited";
        let user = |gender| Arg::User {
            name: "X".into(),
            gender,
        };
        assert_eq!(render(message, &[user(Gender::Male)], &en), "he edited");
        assert_eq!(render(message, &[user(Gender::Female)], &en), "she edited");
        assert_eq!(
            render(message, &[user(Gender::Unknown)], &en),
            "they edited"
        );
        // Not a user at all: neutral.
        assert_eq!(
            render(message, &[Arg::Text("X".into())], &en),
            "they edited"
        );
        // One form for all; two forms: the neutral is the first.
        assert_eq!(
            render("{{GENDER:$1|sie}}", &[user(Gender::Male)], &en),
            "sie"
        );
        assert_eq!(
            render("{{GENDER:$1|er|sie}}", &[user(Gender::Unknown)], &en),
            "er"
        );
    }

    #[test]
    fn a_call_without_its_end_is_left_as_text() {
        let en = rules("en");
        assert_eq!(
            render("{{PLURAL:$1|a|b", &[Arg::Number(1)], &en),
            "{{PLURAL:1|a|b"
        );
    }
}
