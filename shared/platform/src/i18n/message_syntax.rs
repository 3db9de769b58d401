//! MediaWiki's message syntax, as translators on translatewiki.net write it: `$1`… parameters,
//! `{{PLURAL:$1|one|other}}` by the language's CLDR plural rules (ICU4X), explicit plural forms
//! (`{{PLURAL:$1|0=none|one|other}}`), and `{{GENDER:$1|he|she|they}}`.
//!
//! The message text itself is HTML that was sanitized when its language was loaded (`i18n`);
//! this module only chooses forms and puts the parameters in, escaped unless the tool marked
//! one as HTML it built itself. A leaf: it depends on no other module of the platform.

use std::fmt::{self, Write};

use icu_plurals::PluralRules;

/// A user's grammatical gender, as the wiki's `list=users&usprop=gender` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
    /// Not set, or not known to the tool: the neutral form.
    #[default]
    Unknown,
}

impl Gender {
    pub fn is_unknown(&self) -> bool {
        *self == Self::Unknown
    }

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
    fn write_html<W: Write>(&self, out: &mut W) -> fmt::Result {
        match self {
            Arg::Text(text) | Arg::User { name: text, .. } => escape_to(text, out),
            Arg::Number(number) => write!(out, "{number}"),
            Arg::Html(html) => out.write_str(html),
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

/// Text that came from a wiki or a user (a title, an error message, a name), as HTML for a
/// message parameter: escaped and isolated in `<bdi dir="auto">`, so that its own writing
/// direction cannot garble the sentence around it; marked as `lang` if its language is known.
pub fn isolated(text: &str, lang: Option<&str>) -> String {
    let mut html = String::from("<bdi");
    if let Some(lang) = lang {
        html.push_str(" lang=\"");
        escape_into(lang, &mut html);
        html.push('"');
    }
    html.push_str(" dir=\"auto\">");
    escape_into(text, &mut html);
    html.push_str("</bdi>");
    html
}

/// `&`, `<`, `>`, `"` and `'` as entities, written as askama writes them, so that a parameter
/// looks the same on a page as the template's own escaped values.
pub fn escape_into(text: &str, out: &mut String) {
    let _ = escape_to(text, out);
}

/// [`escape_into`] for any writer: the runs between special characters are written whole.
pub fn escape_to<W: Write>(text: &str, out: &mut W) -> fmt::Result {
    let mut start = 0;
    for (index, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&#38;",
            b'<' => "&#60;",
            b'>' => "&#62;",
            b'"' => "&#34;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[start..index])?;
        out.write_str(entity)?;
        start = index + 1;
    }
    out.write_str(&text[start..])
}

/// Renders `message` (sanitized HTML in MediaWiki syntax) with `args`; `plurals` are the rules
/// of the message's language.
pub fn render(message: &str, args: &[Arg], plurals: &PluralRules) -> String {
    let mut out = String::with_capacity(message.len() + 16);
    let _ = render_to(message, args, plurals, &mut out);
    out
}

/// [`render`] into any writer (a template's output, without a string of its own).
pub fn render_to<W: Write>(
    message: &str,
    args: &[Arg],
    plurals: &PluralRules,
    out: &mut W,
) -> fmt::Result {
    let mut rest = message;
    while let Some(index) = rest.bytes().position(|byte| byte == b'$' || byte == b'{') {
        out.write_str(&rest[..index])?;
        rest = &rest[index..];
        if let Some((arg, after)) = parameter(rest, args) {
            arg.write_html(out)?;
            rest = after;
        } else if let Some((function, after)) = function_call(rest) {
            render_function(&function, args, plurals, out)?;
            rest = after;
        } else {
            out.write_str(&rest[..1])?;
            rest = &rest[1..];
        }
    }
    out.write_str(rest)
}

/// A message taken apart once, when its language is loaded, so that a page only writes its
/// pieces: text, parameters, and the `{{PLURAL}}`/`{{GENDER}}` calls (parsed again when used,
/// as they are few).
#[derive(Debug, Clone)]
pub struct Compiled {
    html: String,
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone)]
enum Piece {
    Text(std::ops::Range<usize>),
    /// `$N`, 0-based.
    Parameter(usize),
    Call(std::ops::Range<usize>),
}

impl Compiled {
    pub fn new(html: String) -> Self {
        let mut pieces = Vec::new();
        let mut text_start = 0;
        let mut index = 0;
        let bytes = html.as_bytes();
        while index < bytes.len() {
            // `$` and `{` are ASCII, so `index` is a character boundary where they are.
            let piece = match bytes[index] {
                b'$' => parameter_number(&html[index..])
                    .map(|(number, length)| (Piece::Parameter(number), length)),
                b'{' => function_call(&html[index..]).map(|(_, after)| {
                    let rest = &html[index..];
                    let length = rest.len() - after.len();
                    (Piece::Call(index..index + length), length)
                }),
                _ => None,
            };
            match piece {
                Some((piece, length)) => {
                    if text_start < index {
                        pieces.push(Piece::Text(text_start..index));
                    }
                    pieces.push(piece);
                    index += length;
                    text_start = index;
                }
                None => index += 1,
            }
        }
        if text_start < html.len() {
            pieces.push(Piece::Text(text_start..html.len()));
        }
        Self { html, pieces }
    }

    /// The message as stored (sanitized HTML with its syntax).
    pub fn source(&self) -> &str {
        &self.html
    }

    /// Whether the message is plain HTML, with no parameters and no calls.
    pub fn is_static(&self) -> bool {
        self.pieces
            .iter()
            .all(|piece| matches!(piece, Piece::Text(_)))
    }

    /// Writes the message with `args`: as [`render`] would, without scanning it again.
    pub fn write_to<W: Write>(
        &self,
        args: &[Arg],
        plurals: &PluralRules,
        out: &mut W,
    ) -> fmt::Result {
        for piece in &self.pieces {
            match piece {
                Piece::Text(range) => out.write_str(&self.html[range.clone()])?,
                Piece::Parameter(number) => match args.get(*number) {
                    Some(arg) => arg.write_html(out)?,
                    None => write!(out, "${}", number + 1)?,
                },
                Piece::Call(range) => render_to(&self.html[range.clone()], args, plurals, out)?,
            }
        }
        Ok(())
    }
}

/// The 0-based number of the `$N` at the start of `text`, and the length of `$N`.
fn parameter_number(text: &str) -> Option<(usize, usize)> {
    let digits = text
        .strip_prefix('$')?
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    let number: usize = text.get(1..1 + digits)?.parse().ok()?;
    Some((number.checked_sub(1)?, 1 + digits))
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

fn render_function<W: Write>(
    call: &FunctionCall<'_>,
    args: &[Arg],
    plurals: &PluralRules,
    out: &mut W,
) -> fmt::Result {
    let selected = parameter(call.selector, args).map(|(arg, _)| arg);
    let form = match call.name {
        "PLURAL" => plural_form(call, selected, plurals),
        _ => gender_form(&call.forms, selected),
    };
    match form {
        Some(form) => render_to(form, args, plurals, out),
        None => Ok(()),
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
    fn a_compiled_message_writes_what_rendering_gives() {
        let ru = rules("ru");
        let user = Arg::User {
            name: "<Ада>".into(),
            gender: Gender::Female,
        };
        for message in [
            "",
            "plain <b>text</b> only",
            "$1 and $2 and $3, $ 5, $x",
            "{{PLURAL:$2|$2 правка|$2 правки|$2 правок}} от {{GENDER:$1|него|неё}}: $1",
            "{{PLURAL:$2|a|b",
            "{{notacall}} {single} $$1",
        ] {
            for args in [
                vec![user.clone(), Arg::Number(3)],
                vec![Arg::Text("&".into())],
                vec![],
            ] {
                let mut compiled = String::new();
                Compiled::new(message.to_owned())
                    .write_to(&args, &ru, &mut compiled)
                    .expect("writes");
                assert_eq!(
                    compiled,
                    render(message, &args, &ru),
                    "{message:?} {args:?}"
                );
            }
        }
    }

    #[test]
    fn a_call_without_its_end_is_left_as_text() {
        let en = rules("en");
        assert_eq!(
            render("{{PLURAL:$1|a|b", &[Arg::Number(1)], &en),
            "{{PLURAL:1|a|b"
        );
    }

    #[test]
    fn foreign_text_is_escaped_and_isolated() {
        assert_eq!(
            isolated("<b>x</b> & \"y\"", Some("he")),
            "<bdi lang=\"he\" dir=\"auto\">&#60;b&#62;x&#60;/b&#62; &#38; &#34;y&#34;</bdi>"
        );
        assert_eq!(isolated("x", None), "<bdi dir=\"auto\">x</bdi>");
        assert_eq!(
            isolated("x", Some("a\"b")),
            "<bdi lang=\"a&#34;b\" dir=\"auto\">x</bdi>"
        );
    }
}
