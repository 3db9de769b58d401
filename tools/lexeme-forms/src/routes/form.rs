//! `/template/{name}/` and `/template/{name}/advanced/`: one field per form, and creating the
//! lexeme (or, in advanced mode, adding the forms to an existing one).

use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use platform::i18n::message_syntax::isolated;
use platform::login::MaybeUser;
use platform::{ErrorPage, FormError, FormFields, PageContext, Text};

use super::{AppState, REPRESENTATION_FIELD, resolve, unsaved};
use crate::build::{self, BuildError};
use crate::duplicates::Duplicate;
use crate::matching;
use crate::settings::Wiki;
use crate::templates::Template;

/// One field of the form.
#[derive(Debug, Clone)]
pub(super) struct Field {
    pub label: String,
    pub before: String,
    pub slot: String,
    pub after: String,
    pub value: String,
    /// May be left empty (optional forms; every form in advanced mode).
    pub optional: bool,
    /// Marked optional by the template (shown so).
    pub marked_optional: bool,
    /// The first field gets the focus.
    pub first: bool,
}

/// The template's forms as fields, in sections, with `values` filled in.
pub(super) fn sections(template: &Template, values: &[String], advanced: bool) -> Vec<Vec<Field>> {
    let mut index = 0;
    template
        .sections()
        .into_iter()
        .map(|section| {
            section
                .iter()
                .map(|form| {
                    let (before, slot, after) = form
                        .example_parts()
                        .map(|e| (e.before, e.slot, e.after))
                        .unwrap_or(("", "", ""));
                    let field = Field {
                        label: form.label.clone(),
                        before: before.to_owned(),
                        slot: slot.to_owned(),
                        after: after.to_owned(),
                        value: values.get(index).cloned().unwrap_or_default(),
                        optional: advanced || form.optional,
                        marked_optional: form.optional,
                        first: index == 0,
                    };
                    index += 1;
                    field
                })
                .collect()
        })
        .collect()
}

#[derive(askama::Template, WebTemplate)]
#[template(path = "template.html")]
pub(super) struct TemplatePage {
    page: PageContext,
    template: &'static Template,
    advanced: bool,
    sections: Vec<Vec<Field>>,
    lexeme_id: String,
    lemma: String,
    generated_via: String,
    target_hash: String,
    /// Lexemes with the same lemma: shown, and the form asks to confirm.
    duplicates: Vec<Duplicate>,
    errors: Vec<FormError>,
    /// Saving needs a login that is missing.
    needs_login: bool,
    /// Nothing is saved: the lexeme is shown as JSON (local development).
    saves: bool,
}

impl TemplatePage {
    fn new(
        state: &AppState,
        page: PageContext,
        template: &'static Template,
        advanced: bool,
        fields: &FormFields,
        logged_in: bool,
    ) -> Self {
        let values: Vec<String> = fields
            .get_all(REPRESENTATION_FIELD)
            .map(str::to_owned)
            .collect();
        Self {
            page,
            template,
            advanced,
            sections: sections(template, &values, advanced),
            lexeme_id: fields.get("lexeme_id").unwrap_or_default().to_owned(),
            lemma: fields.get("lemma").unwrap_or_default().to_owned(),
            generated_via: fields.get("generated_via").unwrap_or_default().to_owned(),
            target_hash: fields.get("target_hash").unwrap_or_default().to_owned(),
            duplicates: Vec::new(),
            errors: Vec::new(),
            needs_login: state.saves && !logged_in,
            saves: state.saves,
        }
    }

    fn two_columns(&self) -> bool {
        self.template.two_column_sections.unwrap_or(false)
    }

    fn title_text(&self) -> Text {
        Text::new("lexeme-forms-template-title").html(isolated(
            &self.template.label,
            Some(&self.template.language_code),
        ))
    }

    fn attribution(&self) -> Option<Text> {
        let attribution = self.template.attribution.as_ref()?;
        let users = attribution
            .users
            .iter()
            .map(|user| isolated(user, None))
            .collect::<Vec<_>>()
            .join(", ");
        Some(match &attribution.title {
            Some(title) => Text::new("lexeme-forms-attribution")
                .html(users)
                .num(attribution.users.len())
                .arg(format!(
                    "https://www.wikidata.org/wiki/{}",
                    title.replace(' ', "_")
                )),
            None => Text::new("lexeme-forms-attribution-users")
                .html(users)
                .num(attribution.users.len()),
        })
    }

    fn duplicate_text(&self, duplicate: &Duplicate) -> Text {
        match (duplicate.forms_count, duplicate.senses_count) {
            (Some(forms), Some(senses)) => Text::new("lexeme-forms-duplicate-with-counts")
                .html(isolated(&duplicate.description, None))
                .num(forms)
                .num(senses),
            _ => Text::new("lexeme-forms-duplicate").html(isolated(&duplicate.description, None)),
        }
    }
}

pub(super) async fn simple(
    state: State<AppState>,
    page: PageContext,
    user: MaybeUser,
    name: Path<String>,
    uri: Uri,
) -> Response {
    show(state, page, user, name, uri, false).await
}

pub(super) async fn advanced(
    state: State<AppState>,
    page: PageContext,
    user: MaybeUser,
    name: Path<String>,
    uri: Uri,
) -> Response {
    show(state, page, user, name, uri, true).await
}

/// The form, filled in from the query string (other tools link to templates that way:
/// `form_representation` once per form, `lemma`, `lexeme_id`).
async fn show(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Path(name): Path<String>,
    uri: Uri,
    advanced: bool,
) -> Response {
    let template = match resolve(&state, page.clone(), &name, &uri) {
        Ok(template) => template,
        Err(response) => return *response,
    };
    let fields = FormFields::parse(uri.query().unwrap_or_default().as_bytes());
    TemplatePage::new(&state, page, template, advanced, &fields, user.is_some()).into_response()
}

pub(super) async fn submit_simple(
    state: State<AppState>,
    page: PageContext,
    user: MaybeUser,
    name: Path<String>,
    uri: Uri,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    submit(state, page, user, name, uri, fields, false).await
}

pub(super) async fn submit_advanced(
    state: State<AppState>,
    page: PageContext,
    user: MaybeUser,
    name: Path<String>,
    uri: Uri,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    submit(state, page, user, name, uri, fields, true).await
}

/// Checks the fields, asks to confirm when lexemes with the same lemma exist, builds the lexeme
/// and saves it (then 303 to it on Wikidata); every problem shows the form again, as typed.
async fn submit(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Path(name): Path<String>,
    uri: Uri,
    fields: FormFields,
    advanced: bool,
) -> Result<Response, ErrorPage> {
    let template = match resolve(&state, page.clone(), &name, &uri) {
        Ok(template) => template,
        Err(response) => return Ok(*response),
    };
    let mut form = TemplatePage::new(&state, page, template, advanced, &fields, user.is_some());
    if form.needs_login {
        form.errors
            .push(Text::new("lexeme-forms-error-login").into());
        return Ok((StatusCode::UNAUTHORIZED, form).into_response());
    }
    let values: Vec<String> = fields
        .get_all(REPRESENTATION_FIELD)
        .map(str::to_owned)
        .collect();
    if values.len() != template.forms.len() {
        form.errors.push(FormError::in_field(
            REPRESENTATION_FIELD,
            Text::new("lexeme-forms-error-field-count")
                .num(values.len())
                .num(template.forms.len()),
        ));
        return Ok((StatusCode::BAD_REQUEST, form).into_response());
    }
    if !advanced {
        for (value, template_form) in values.iter().zip(&template.forms) {
            if value.trim().is_empty() && !template_form.optional {
                form.errors.push(FormError::in_field(
                    REPRESENTATION_FIELD,
                    Text::new("lexeme-forms-error-required").html(isolated(
                        &template_form.label,
                        Some(&template.language_code),
                    )),
                ));
            }
        }
    }
    let lexeme_id = form.lexeme_id.trim().to_owned();
    if advanced && !lexeme_id.is_empty() && !crate::bulk::is_lexeme_id(&lexeme_id) {
        form.errors.push(FormError::in_field(
            "lexeme_id",
            Text::new("lexeme-forms-error-lexeme-id").arg(&lexeme_id),
        ));
    }
    if let Err(error) = build::variants(&values) {
        form.errors.push(FormError::in_field(
            REPRESENTATION_FIELD,
            build_error(&error),
        ));
    }
    if !form.errors.is_empty() {
        return Ok((StatusCode::BAD_REQUEST, form).into_response());
    }
    let wiki = Wiki::of(template);
    let reader = state.reader(wiki).await?;
    let lemma_override = Some(form.lemma.trim()).filter(|l| advanced && !l.is_empty());
    let lexeme = if lexeme_id.is_empty() {
        let lemma = lemma_override
            .map(str::to_owned)
            .or_else(|| build::lemma(template, &values).map(str::to_owned));
        let Some(lemma) = lemma else {
            form.errors.push(build_error(&BuildError::NoLemma).into());
            return Ok((StatusCode::BAD_REQUEST, form).into_response());
        };
        if !fields.has("no_duplicate") {
            let duplicates = crate::wikidata::duplicates(&reader, &template.language_code, &lemma)
                .await
                .map_err(|error| super::wiki_error(wiki, &error))?;
            if !duplicates.is_empty() {
                form.duplicates = duplicates;
                return Ok(form.into_response());
            }
        }
        let mut lexeme = match build::new_lexeme(template, &values) {
            Ok(lexeme) => lexeme,
            Err(error) => {
                form.errors.push(FormError::in_field(
                    REPRESENTATION_FIELD,
                    build_error(&error),
                ));
                return Ok((StatusCode::BAD_REQUEST, form).into_response());
            }
        };
        if let Some(lemma) = lemma_override {
            let language = &template.language_code;
            lexeme["lemmas"][language] = serde_json::json!({"language": language, "value": lemma});
        }
        lexeme
    } else {
        let Some(existing) = crate::wikidata::lexeme(&reader, &lexeme_id)
            .await
            .map_err(|error| super::wiki_error(wiki, &error))?
        else {
            form.errors.push(FormError::in_field(
                "lexeme_id",
                Text::new("lexeme-forms-error-no-lexeme")
                    .arg(&lexeme_id)
                    .arg(wiki.domain()),
            ));
            return Ok((StatusCode::NOT_FOUND, form).into_response());
        };
        let fit = matching::match_template(template, &existing);
        match build::added_to_lexeme(
            template,
            &values,
            &lexeme_id,
            &fit.statements.missing_statements,
        ) {
            Ok(lexeme) => lexeme,
            Err(error) => {
                form.errors.push(FormError::in_field(
                    REPRESENTATION_FIELD,
                    build_error(&error),
                ));
                return Ok((StatusCode::BAD_REQUEST, form).into_response());
            }
        }
    };
    let summary = build::summary(
        template,
        &state.settings.public_url,
        Some(form.generated_via.as_str()),
    );
    let Some(user) = user.filter(|_| state.saves) else {
        tracing::info!(summary, "no OAuth consumer: the lexeme is shown, not saved");
        return Ok(unsaved(&lexeme));
    };
    let writer = state.writer(&user, wiki).await?;
    let id = crate::wikidata::save(&writer, &lexeme, None, &summary)
        .await
        .map_err(|error| super::wiki_error(wiki, &error))?;
    Ok(Redirect::to(&with_hash(wiki.entity_url(&id), &form.target_hash)).into_response())
}

/// `url#hash` if a hash was given (other tools send users to a part of the lexeme's page).
pub(super) fn with_hash(url: String, hash: &str) -> String {
    let hash = hash.trim().trim_start_matches('#');
    if hash.is_empty() || hash.contains(|c: char| c.is_whitespace() || c == '#') {
        url
    } else {
        format!("{url}#{hash}")
    }
}

pub(super) fn build_error(error: &BuildError) -> Text {
    match error {
        BuildError::EmptyVariant { field } => {
            Text::new("lexeme-forms-error-empty-variant").num(*field)
        }
        BuildError::NoLemma => Text::new("lexeme-forms-error-no-lemma"),
        BuildError::WrongFieldCount { given, forms } => Text::new("lexeme-forms-error-field-count")
            .num(*given)
            .num(*forms),
    }
}
