//! Bulk mode's text: one lexeme a line, `form|form|…` for a new lexeme or `L123|form|…` to add
//! forms to an existing one; tabs work as `|`. Every bad line is reported with its number,
//! and nothing is saved while there is one.

/// One line of bulk input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkLexeme {
    /// 1-based.
    pub line: usize,
    /// `Some` to add forms to this lexeme.
    pub lexeme_id: Option<String>,
    /// One value per template form (`a/b` for two variants, empty for none).
    pub representations: Vec<String>,
}

/// Why a line is not a lexeme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BulkError {
    /// One field more than the template has forms, but the first is no lexeme id.
    #[error("line {line}: {fields} fields for {forms} forms, but “{first}” is not a lexeme ID")]
    FirstFieldNotLexemeId {
        line: usize,
        forms: usize,
        fields: usize,
        first: String,
    },
    /// As many fields as forms, but the first looks like a lexeme id (a form is missing).
    #[error("line {line}: {fields} fields for {forms} forms, and “{first}” looks like a lexeme ID")]
    FirstFieldLexemeId {
        line: usize,
        forms: usize,
        fields: usize,
        first: String,
    },
    #[error("line {line}: {fields} fields for {forms} forms")]
    WrongNumberOfFields {
        line: usize,
        forms: usize,
        fields: usize,
    },
}

/// `L` and a number without leading zero.
pub fn is_lexeme_id(text: &str) -> bool {
    text.strip_prefix('L').is_some_and(|digits| {
        !digits.is_empty() && !digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Every line of `text` for a template of `forms` forms; blank lines are skipped.
pub fn parse(text: &str, forms: usize) -> Result<Vec<BulkLexeme>, Vec<BulkError>> {
    let mut lexemes = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line, index + 1, forms) {
            Ok(lexeme) => lexemes.push(lexeme),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(lexemes)
    } else {
        Err(errors)
    }
}

fn parse_line(line: &str, number: usize, forms: usize) -> Result<BulkLexeme, BulkError> {
    let fields: Vec<String> = line
        .split(['|', '\t'])
        .map(|field| field.trim().to_owned())
        .collect();
    let count = fields.len();
    if count == forms + 1 {
        let mut fields = fields.into_iter();
        let first = fields.next().unwrap_or_default();
        if !is_lexeme_id(&first) {
            return Err(BulkError::FirstFieldNotLexemeId {
                line: number,
                forms,
                fields: count,
                first,
            });
        }
        return Ok(BulkLexeme {
            line: number,
            lexeme_id: Some(first),
            representations: fields.collect(),
        });
    }
    if count == forms {
        if is_lexeme_id(&fields[0]) {
            return Err(BulkError::FirstFieldLexemeId {
                line: number,
                forms,
                fields: count,
                first: fields[0].clone(),
            });
        }
        return Ok(BulkLexeme {
            line: number,
            lexeme_id: None,
            representations: fields,
        });
    }
    Err(BulkError::WrongNumberOfFields {
        line: number,
        forms,
        fields: count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(line: usize, values: &[&str]) -> BulkLexeme {
        BulkLexeme {
            line,
            lexeme_id: None,
            representations: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn lines_make_new_lexemes_or_add_to_existing_ones() {
        let parsed = parse("goose|geese/gooses\r\n\nL123\t\tmice\n mouse | \n", 2).expect("valid");
        assert_eq!(
            parsed,
            vec![
                new(1, &["goose", "geese/gooses"]),
                BulkLexeme {
                    line: 3,
                    lexeme_id: Some("L123".to_owned()),
                    representations: vec![String::new(), "mice".to_owned()],
                },
                new(4, &["mouse", ""]),
            ]
        );
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let errors = parse("a|b|c\nL12|b\nQ1|a|b\ngood|line\nsingle", 2).expect_err("invalid");
        assert_eq!(
            errors,
            vec![
                BulkError::FirstFieldNotLexemeId {
                    line: 1,
                    forms: 2,
                    fields: 3,
                    first: "a".into()
                },
                BulkError::FirstFieldLexemeId {
                    line: 2,
                    forms: 2,
                    fields: 2,
                    first: "L12".into()
                },
                BulkError::FirstFieldNotLexemeId {
                    line: 3,
                    forms: 2,
                    fields: 3,
                    first: "Q1".into()
                },
                BulkError::WrongNumberOfFields {
                    line: 5,
                    forms: 2,
                    fields: 1
                },
            ]
        );
    }

    #[test]
    fn lexeme_ids_are_l_and_a_number() {
        for id in ["L1", "L123"] {
            assert!(is_lexeme_id(id), "{id}");
        }
        for id in ["L", "L0", "L01", "l1", "L1-F1", "L١", "Q1", "L12x"] {
            assert!(!is_lexeme_id(id), "{id}");
        }
    }
}
