//! `quickcategories preview`: apply one command to wikitext on stdin, offline.
//!
//! ```text
//! quickcategories preview --domain de.wikipedia.org [--category-name Kategorie]
//!     [--category-alias Kat]… [--case-sensitive] 'Page|+Kategorie:X'  < page.wikitext
//! ```
//! Without `--category-name` the English name `Category` is assumed (always accepted too).

use std::io::Read;

use crate::command::parse_line;
use crate::domain::WikiDomain;
use crate::wikitext::{self, CategoryNamespace};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(
        "{0}\nusage: quickcategories preview --domain <wiki domain> [--category-name N] [--category-alias A]… [--case-sensitive] '<command>' < wikitext"
    )]
    Usage(String),
    #[error("cannot read stdin: {0}")]
    Stdin(#[from] std::io::Error),
}

/// The wikitext after applying the command.
pub fn preview(args: &[String], input: &mut impl Read) -> Result<String, CliError> {
    let mut domain = None;
    let mut names: Vec<String> = Vec::new();
    let mut case_sensitive = false;
    let mut command = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| CliError::Usage(format!("{flag} needs a value")))
        };
        match arg.as_str() {
            "--domain" => domain = Some(value("--domain")?),
            "--category-name" | "--category-alias" => names.push(value(arg)?),
            "--case-sensitive" => case_sensitive = true,
            flag if flag.starts_with("--") => {
                return Err(CliError::Usage(format!("unknown option {flag}")));
            }
            text if command.is_none() => command = Some(text.to_owned()),
            extra => return Err(CliError::Usage(format!("unexpected argument {extra:?}"))),
        }
    }
    let domain = domain.ok_or_else(|| CliError::Usage("--domain is required".to_owned()))?;
    WikiDomain::parse(&domain).map_err(|e| CliError::Usage(e.to_string()))?;
    let command = command.ok_or_else(|| CliError::Usage("no command given".to_owned()))?;
    let command =
        parse_line(&command).map_err(|e| CliError::Usage(format!("invalid command: {e}")))?;
    let namespace = CategoryNamespace::new(names.iter().map(String::as_str), case_sensitive);
    if let Some(action) = command
        .actions
        .iter()
        .find(|a| !namespace.is_category_prefix(a.prefix()))
    {
        return Err(CliError::Usage(format!(
            "“{}” is not a category namespace name here; pass it with --category-name or --category-alias",
            action.prefix()
        )));
    }
    let mut text = String::new();
    input.read_to_string(&mut text)?;
    Ok(wikitext::apply(&text, &command.actions, &namespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|&a| a.to_owned()).collect()
    }

    #[test]
    fn preview_applies_the_command_to_stdin() {
        let mut input = "Text\n[[Category:Old]]\n".as_bytes();
        let output = preview(
            &args(&[
                "--domain",
                "en.wikipedia.org",
                "P|+Category:New|-Category:Old",
            ]),
            &mut input,
        )
        .expect("works");
        assert_eq!(output, "Text\n[[Category:New]]\n");
    }

    #[test]
    fn local_names_come_from_flags() {
        let mut input = "[[Kat:A]]".as_bytes();
        let list = [
            "--domain",
            "de.wikipedia.org",
            "--category-name",
            "Kategorie",
            "--category-alias",
            "Kat",
            "P|-Kategorie:A",
        ];
        assert_eq!(preview(&args(&list), &mut input).expect("works"), "");
        let mut input = "".as_bytes();
        let error = preview(
            &args(&["--domain", "de.wikipedia.org", "P|+Kategorie:A"]),
            &mut input,
        )
        .expect_err("refused");
        assert!(error.to_string().contains("--category-name"), "{error}");
    }

    #[test]
    fn bad_arguments_explain_the_usage() {
        for list in [
            vec![],
            vec!["P|+Category:A"],
            vec!["--domain", "example.org", "P|+Category:A"],
            vec!["--domain", "en.wikipedia.org", "P"],
            vec!["--bogus"],
        ] {
            let error = preview(&args(&list), &mut "".as_bytes()).expect_err("refused");
            assert!(error.to_string().contains("usage:"), "{list:?}: {error}");
        }
    }
}
