//! `/template/{name}/bulk/`: many lexemes at once, one a line. For autoconfirmed users of the
//! template's wiki only. Every line is checked before anything is saved; then each line is
//! saved on its own, and the results page says what happened to each.

use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use platform::i18n::message_syntax::isolated;
use platform::login::MaybeUser;
use platform::{ErrorPage, FormError, FormFields, PageContext, Text};
use serde_json::Value;

use super::form::build_error;
use super::{AppState, resolve, unsaved};
use crate::bulk::{self, BulkError, BulkLexeme};
use crate::settings::Wiki;
use crate::templates::Template;
use crate::{AUTOCONFIRMED, build, matching};

/// The name of the field of the lexemes, one a line.
const LINES_FIELD: &str = "lexemes";

#[derive(askama::Template, WebTemplate)]
#[template(path = "bulk.html")]
pub(super) struct BulkPage {
    page: PageContext,
    template: &'static Template,
    text: String,
    placeholder: String,
    errors: Vec<FormError>,
    needs_login: bool,
    saves: bool,
}

impl BulkPage {
    fn title_text(&self) -> Text {
        Text::new("lexeme-forms-bulk-title").html(isolated(
            &self.template.label,
            Some(&self.template.language_code),
        ))
    }
}

/// What happened to one line.
#[derive(Debug)]
pub(super) struct LineResult {
    line: usize,
    text: Text,
    /// The lexeme, if one was created or changed.
    link: Option<String>,
}

#[derive(askama::Template, WebTemplate)]
#[template(path = "bulk_results.html")]
pub(super) struct ResultsPage {
    page: PageContext,
    template: &'static Template,
    results: Vec<LineResult>,
}

/// `slot|slot|…` of the template's examples, and a line of dots: what a line looks like.
fn placeholder(template: &Template) -> String {
    let slots: Vec<&str> = template
        .forms
        .iter()
        .map(|form| form.example_parts().map_or("", |e| e.slot))
        .collect();
    format!("{}\n…", slots.join("|"))
}

fn bulk_error(error: &BulkError) -> Text {
    match error {
        BulkError::FirstFieldNotLexemeId {
            line,
            forms,
            fields,
            first,
        } => Text::new("lexeme-forms-bulk-not-lexeme-id")
            .num(*line)
            .num(*fields)
            .num(*forms)
            .arg(first),
        BulkError::FirstFieldLexemeId {
            line,
            forms,
            fields,
            first,
        } => Text::new("lexeme-forms-bulk-lexeme-id")
            .num(*line)
            .num(*fields)
            .num(*forms)
            .arg(first),
        BulkError::WrongNumberOfFields {
            line,
            forms,
            fields,
        } => Text::new("lexeme-forms-bulk-field-count")
            .num(*line)
            .num(*fields)
            .num(*forms),
    }
}

/// 403 unless the user is autoconfirmed on the template's wiki (when lexemes are saved).
async fn check_allowed(
    state: &AppState,
    user: &Option<platform::login::User>,
    wiki: Wiki,
) -> Result<(), ErrorPage> {
    let Some(user) = user.as_ref().filter(|_| state.saves) else {
        return Ok(());
    };
    let rights = user
        .rights_on(&state.settings.api_url(wiki))
        .await
        .map_err(|error| super::wiki_error(wiki, &error))?;
    if rights.in_group(AUTOCONFIRMED) {
        Ok(())
    } else {
        Err(ErrorPage::new(
            StatusCode::FORBIDDEN,
            Text::new("lexeme-forms-bulk-not-allowed-title"),
            Text::new("lexeme-forms-bulk-not-allowed").arg(wiki.domain()),
        ))
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Path(name): Path<String>,
    uri: Uri,
) -> Result<Response, ErrorPage> {
    let template = match resolve(&state, page.clone(), &name, &uri) {
        Ok(template) => template,
        Err(response) => return Ok(*response),
    };
    check_allowed(&state, &user, Wiki::of(template)).await?;
    Ok(BulkPage {
        page,
        template,
        text: String::new(),
        placeholder: placeholder(template),
        errors: Vec::new(),
        needs_login: state.saves && user.is_none(),
        saves: state.saves,
    }
    .into_response())
}

pub(super) async fn submit(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Path(name): Path<String>,
    uri: Uri,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    let template = match resolve(&state, page.clone(), &name, &uri) {
        Ok(template) => template,
        Err(response) => return Ok(*response),
    };
    let wiki = Wiki::of(template);
    let text = fields.get(LINES_FIELD).unwrap_or_default().to_owned();
    let mut form = BulkPage {
        page,
        template,
        text,
        placeholder: placeholder(template),
        errors: Vec::new(),
        needs_login: state.saves && user.is_none(),
        saves: state.saves,
    };
    if form.needs_login {
        form.errors
            .push(Text::new("lexeme-forms-error-login").into());
        return Ok((StatusCode::UNAUTHORIZED, form).into_response());
    }
    check_allowed(&state, &user, wiki).await?;
    let lexemes = match bulk::parse(&form.text, template.forms.len()) {
        Ok(lexemes) if lexemes.is_empty() => {
            form.errors.push(FormError::in_field(
                LINES_FIELD,
                Text::new("lexeme-forms-bulk-empty"),
            ));
            return Ok((StatusCode::BAD_REQUEST, form).into_response());
        }
        Ok(lexemes) => lexemes,
        Err(errors) => {
            form.errors.extend(
                errors
                    .iter()
                    .map(|error| FormError::in_field(LINES_FIELD, bulk_error(error))),
            );
            return Ok((StatusCode::BAD_REQUEST, form).into_response());
        }
    };
    // Every line's values are checked before anything is saved.
    for lexeme in &lexemes {
        if let Err(error) = build::variants(&lexeme.representations) {
            form.errors.push(FormError::in_field(
                LINES_FIELD,
                Text::new("lexeme-forms-bulk-line")
                    .num(lexeme.line)
                    .html(form.page.messages.text(&build_error(&error))),
            ));
        }
        if lexeme.lexeme_id.is_none() && build::lemma(template, &lexeme.representations).is_none() {
            form.errors.push(FormError::in_field(
                LINES_FIELD,
                Text::new("lexeme-forms-bulk-line").num(lexeme.line).html(
                    form.page
                        .messages
                        .text(&Text::new("lexeme-forms-error-no-lemma")),
                ),
            ));
        }
    }
    if !form.errors.is_empty() {
        return Ok((StatusCode::BAD_REQUEST, form).into_response());
    }
    let reader = state.reader(wiki).await?;
    let writer = match user.as_ref().filter(|_| state.saves) {
        Some(user) => Some(state.writer(user, wiki).await?),
        None => None,
    };
    let summary = build::summary(template, &state.settings.public_url, Some("bulk mode"));
    let mut built: Vec<Value> = Vec::new();
    let mut results = Vec::new();
    for lexeme in &lexemes {
        let result = one_line(&reader, writer.as_ref(), template, lexeme, &summary, wiki).await;
        match result {
            Ok(Outcome::Built(value)) => built.push(value),
            Ok(Outcome::Done(result)) => results.push(result),
            Err(text) => results.push(LineResult {
                line: lexeme.line,
                text,
                link: None,
            }),
        }
    }
    if writer.is_none() {
        tracing::info!(
            summary,
            "no OAuth consumer: the lexemes are shown, not saved"
        );
        return Ok(unsaved(&Value::Array(built)));
    }
    Ok(ResultsPage {
        page: form.page,
        template,
        results,
    }
    .into_response())
}

enum Outcome {
    /// Not saved (no OAuth consumer): what would have been.
    Built(Value),
    Done(LineResult),
}

async fn one_line(
    reader: &wikimedia::mediawiki::MediaWiki,
    writer: Option<&wikimedia::mediawiki::MediaWiki>,
    template: &Template,
    line: &BulkLexeme,
    summary: &str,
    wiki: Wiki,
) -> Result<Outcome, Text> {
    let failed = |error: wikimedia::mediawiki::MediaWikiError| {
        Text::new("lexeme-forms-bulk-failed").arg(error)
    };
    let lexeme = match &line.lexeme_id {
        None => {
            let lemma = build::lemma(template, &line.representations).unwrap_or_default();
            let duplicates = crate::wikidata::duplicates(reader, &template.language_code, lemma)
                .await
                .map_err(failed)?;
            if !duplicates.is_empty() {
                let ids: Vec<&str> = duplicates.iter().map(|d| d.id.as_str()).collect();
                return Ok(Outcome::Done(LineResult {
                    line: line.line,
                    text: Text::new("lexeme-forms-bulk-duplicates").arg(ids.join(", ")),
                    link: None,
                }));
            }
            build::new_lexeme(template, &line.representations).map_err(|e| build_error(&e))?
        }
        Some(id) => {
            let existing = crate::wikidata::lexeme(reader, id)
                .await
                .map_err(failed)?
                .ok_or_else(|| {
                    Text::new("lexeme-forms-error-no-lexeme")
                        .arg(id)
                        .arg(wiki.domain())
                })?;
            let fit = matching::match_template(template, &existing);
            if !fit.fits() {
                return Err(Text::new("lexeme-forms-error-does-not-fit"));
            }
            build::added_to_lexeme(
                template,
                &line.representations,
                id,
                &fit.statements.missing_statements,
            )
            .map_err(|e| build_error(&e))?
        }
    };
    let Some(writer) = writer else {
        return Ok(Outcome::Built(lexeme));
    };
    let id = crate::wikidata::save(writer, &lexeme, None, summary)
        .await
        .map_err(failed)?;
    Ok(Outcome::Done(LineResult {
        line: line.line,
        text: if line.lexeme_id.is_some() {
            Text::new("lexeme-forms-bulk-added").arg(&id)
        } else {
            Text::new("lexeme-forms-bulk-created").arg(&id)
        },
        link: Some(wiki.entity_url(&id)),
    }))
}
