//! `/template/{name}/edit/{lexeme_id}`: an existing lexeme's forms sorted onto the template's;
//! the forms it has are shown (read-only), fields add the ones it lacks, and saving also adds
//! the template's statements it lacks. Forms that fit no template form, or several, and
//! statements that conflict are shown, never dropped.

use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use platform::i18n::message_syntax::isolated;
use platform::login::MaybeUser;
use platform::{ErrorPage, FormError, FormFields, PageContext, Text};
use serde_json::Value;

use super::form::{Field, build_error, sections, with_hash};
use super::{AppState, REPRESENTATION_FIELD, resolve, unsaved};
use crate::matching::{self, FormMatch, OverallMatch};
use crate::settings::Wiki;
use crate::templates::Template;
use crate::update;

#[derive(askama::Template, WebTemplate)]
#[template(path = "edit.html")]
pub(super) struct EditPage {
    page: PageContext,
    template: &'static Template,
    lexeme_id: String,
    revision: String,
    lemma: String,
    /// Each template form's field, with the values the lexeme has for it (read-only).
    sections: Vec<Vec<(Field, String)>>,
    fit: OverallMatch,
    /// Forms of the lexeme that fit no template form, or several: id and values.
    unmatched: Vec<(String, String)>,
    ambiguous: Vec<(String, String)>,
    errors: Vec<FormError>,
    needs_login: bool,
    saves: bool,
}

impl EditPage {
    fn two_columns(&self) -> bool {
        self.template.two_column_sections.unwrap_or(false)
    }

    fn title_text(&self) -> Text {
        Text::new("lexeme-forms-edit-title")
            .html(isolated(&self.lemma, Some(&self.template.language_code)))
            .arg(&self.lexeme_id)
            .html(isolated(
                &self.template.label,
                Some(&self.template.language_code),
            ))
    }

    fn conflicts(&self) -> Vec<String> {
        self.fit
            .statements
            .conflicting_statements
            .iter()
            .flat_map(|(property, statements)| {
                statements.iter().map(move |statement| {
                    let value = statement["mainsnak"]["datavalue"]["value"]["id"]
                        .as_str()
                        .unwrap_or("?");
                    format!("{property}: {value}")
                })
            })
            .collect()
    }
}

/// Every field may stay empty (a form the lexeme has needs nothing more); each shows the
/// values the lexeme has.
fn with_existing(
    sections: Vec<Vec<Field>>,
    matched: &FormMatch,
    language: &str,
) -> Vec<Vec<(Field, String)>> {
    let mut existing = matched
        .matched
        .iter()
        .map(|forms| values_in(forms, language).join(" / "));
    sections
        .into_iter()
        .map(|section| {
            section
                .into_iter()
                .map(|field| (field, existing.next().unwrap_or_default()))
                .collect()
        })
        .collect()
}

/// A form's values in `language`, and its id.
fn describe(form: &Value, language: &str) -> (String, String) {
    let value = form["representations"][language]["value"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| {
            form["representations"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(_, r)| r["value"].as_str())
                .collect::<Vec<_>>()
                .join(" / ")
        });
    (form["id"].as_str().unwrap_or_default().to_owned(), value)
}

fn values_in(forms: &[Value], language: &str) -> Vec<String> {
    forms
        .iter()
        .filter_map(|form| form["representations"][language]["value"].as_str())
        .map(str::to_owned)
        .collect()
}

struct Loaded {
    lexeme: Value,
    fit: OverallMatch,
    matched: FormMatch,
}

async fn load(state: &AppState, template: &Template, lexeme_id: &str) -> Result<Loaded, ErrorPage> {
    if !crate::bulk::is_lexeme_id(lexeme_id) {
        return Err(ErrorPage::bad_request(
            Text::new("lexeme-forms-error-lexeme-id").arg(lexeme_id),
        ));
    }
    let wiki = Wiki::of(template);
    let reader = state.reader(wiki).await?;
    let lexeme = crate::wikidata::lexeme(&reader, lexeme_id)
        .await
        .map_err(|error| super::wiki_error(wiki, &error))?
        .ok_or_else(|| {
            ErrorPage::not_found(
                Text::new("lexeme-forms-error-no-lexeme")
                    .arg(lexeme_id)
                    .arg(wiki.domain()),
            )
        })?;
    Ok(Loaded {
        fit: matching::match_template(template, &lexeme),
        matched: matching::match_forms(template, &lexeme),
        lexeme,
    })
}

fn edit_page(
    state: &AppState,
    page: PageContext,
    template: &'static Template,
    lexeme_id: &str,
    loaded: &Loaded,
    added: &[String],
    logged_in: bool,
) -> EditPage {
    let language = template.language_code.as_str();
    EditPage {
        page,
        template,
        lexeme_id: lexeme_id.to_owned(),
        revision: loaded.lexeme["lastrevid"]
            .as_u64()
            .map(|r| r.to_string())
            .unwrap_or_default(),
        lemma: loaded.lexeme["lemmas"][language]["value"]
            .as_str()
            .or_else(|| {
                loaded.lexeme["lemmas"]
                    .as_object()
                    .and_then(|l| l.values().next())
                    .and_then(|l| l["value"].as_str())
            })
            .unwrap_or(lexeme_id)
            .to_owned(),
        sections: with_existing(sections(template, added, true), &loaded.matched, language),
        fit: loaded.fit.clone(),
        unmatched: loaded
            .matched
            .unmatched
            .iter()
            .map(|f| describe(f, language))
            .collect(),
        ambiguous: loaded
            .matched
            .ambiguous
            .iter()
            .map(|f| describe(f, language))
            .collect(),
        errors: Vec::new(),
        needs_login: state.saves && !logged_in,
        saves: state.saves,
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Path((name, lexeme_id)): Path<(String, String)>,
    uri: Uri,
) -> Result<Response, ErrorPage> {
    let template = match resolve(&state, page.clone(), &name, &uri) {
        Ok(template) => template,
        Err(response) => return Ok(*response),
    };
    let loaded = load(&state, template, &lexeme_id).await?;
    let fields = FormFields::parse(uri.query().unwrap_or_default().as_bytes());
    let added: Vec<String> = fields
        .get_all(REPRESENTATION_FIELD)
        .map(str::to_owned)
        .collect();
    Ok(edit_page(
        &state,
        page,
        template,
        &lexeme_id,
        &loaded,
        &added,
        user.is_some(),
    )
    .into_response())
}

/// Adds the forms typed in (to what the lexeme had when the page was shown) and the missing
/// statements; refused (409, the form kept) if the lexeme changed since, or does not fit.
pub(super) async fn submit(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Path((name, lexeme_id)): Path<(String, String)>,
    uri: Uri,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    let template = match resolve(&state, page.clone(), &name, &uri) {
        Ok(template) => template,
        Err(response) => return Ok(*response),
    };
    let loaded = load(&state, template, &lexeme_id).await?;
    let added: Vec<String> = fields
        .get_all(REPRESENTATION_FIELD)
        .map(str::to_owned)
        .collect();
    let seen_revision = fields
        .get("_lexeme_revision")
        .unwrap_or_default()
        .to_owned();
    let mut form = edit_page(
        &state,
        page,
        template,
        &lexeme_id,
        &loaded,
        &added,
        user.is_some(),
    );
    if form.needs_login {
        form.errors
            .push(Text::new("lexeme-forms-error-login").into());
        return Ok((StatusCode::UNAUTHORIZED, form).into_response());
    }
    if form.revision != seen_revision {
        // The page shows the lexeme as it is now; what was typed stays in the fields.
        form.errors.push(
            Text::new("lexeme-forms-error-changed")
                .arg(&lexeme_id)
                .into(),
        );
        return Ok((StatusCode::CONFLICT, form).into_response());
    }
    if !loaded.fit.fits() {
        form.errors
            .push(Text::new("lexeme-forms-error-does-not-fit").into());
        return Ok((StatusCode::CONFLICT, form).into_response());
    }
    if added.len() != template.forms.len() {
        form.errors.push(FormError::in_field(
            REPRESENTATION_FIELD,
            Text::new("lexeme-forms-error-field-count")
                .num(added.len())
                .num(template.forms.len()),
        ));
        return Ok((StatusCode::BAD_REQUEST, form).into_response());
    }
    // What the lexeme has, and what was added, per template form.
    let language = template.language_code.as_str();
    let wanted: Vec<String> = loaded
        .matched
        .matched
        .iter()
        .zip(&added)
        .map(|(forms, added)| {
            let mut values = values_in(forms, language);
            values.extend(
                added
                    .split('/')
                    .map(str::trim)
                    .filter(|v| !v.is_empty() && !values_in(forms, language).iter().any(|e| e == v))
                    .map(str::to_owned),
            );
            values.join("/")
        })
        .collect();
    if let Err(error) = crate::build::variants(&added) {
        form.errors.push(FormError::in_field(
            REPRESENTATION_FIELD,
            build_error(&error),
        ));
        return Ok((StatusCode::BAD_REQUEST, form).into_response());
    }
    let updated = match update::update(
        &loaded.lexeme,
        template,
        &loaded.matched,
        &wanted,
        &loaded.fit.statements.missing_statements,
    ) {
        Ok(updated) => updated,
        Err(error) => {
            form.errors.push(FormError::in_field(
                REPRESENTATION_FIELD,
                build_error(&error),
            ));
            return Ok((StatusCode::BAD_REQUEST, form).into_response());
        }
    };
    if updated == loaded.lexeme {
        form.errors.push(FormError::in_field(
            REPRESENTATION_FIELD,
            Text::new("lexeme-forms-error-nothing-added"),
        ));
        return Ok((StatusCode::BAD_REQUEST, form).into_response());
    }
    let wiki = Wiki::of(template);
    let summary = crate::build::summary(
        template,
        &state.settings.public_url,
        fields.get("generated_via"),
    );
    let Some(user) = user.filter(|_| state.saves) else {
        tracing::info!(summary, "no OAuth consumer: the lexeme is shown, not saved");
        return Ok(unsaved(&updated));
    };
    let writer = state.writer(&user, wiki).await?;
    let id = crate::wikidata::save(&writer, &updated, seen_revision.parse().ok(), &summary)
        .await
        .map_err(|error| super::wiki_error(wiki, &error))?;
    Ok(Redirect::to(&with_hash(
        wiki.entity_url(&id),
        fields.get("target_hash").unwrap_or_default(),
    ))
    .into_response())
}
