//! `/settings/`: which scripts the user reads.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use platform::login::User;
use platform::{ErrorPage, FormError, FormFields, PageContext, Session, Text};

use super::{load_state, readable_scripts, update_state, wiki_as};
use crate::scripts::{self, OFFERED};
use crate::settings::Settings;

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
pub(super) struct SettingsPage {
    page: PageContext,
    offered: &'static [&'static str],
    selected: Vec<String>,
    guessed: bool,
    error: Option<FormError>,
}

impl SettingsPage {
    fn is_selected(&self, script: &str) -> bool {
        self.selected.iter().any(|s| s == script)
    }

    /// The message naming an offered script.
    fn label_key(&self, script: &str) -> Option<&'static str> {
        scripts::label_key(script)
    }
}

pub(super) async fn show(
    State(settings): State<Settings>,
    page: PageContext,
    session: Session,
    user: User,
) -> Result<SettingsPage, ErrorPage> {
    let wiki = wiki_as(&user, &settings).await?;
    let selected = readable_scripts(&wiki, &user, &session).await;
    let guessed = !load_state(&session).scripts_chosen();
    Ok(SettingsPage {
        page,
        offered: OFFERED,
        selected,
        guessed,
        error: None,
    })
}

/// Saves the checked scripts. Checkboxes arrive as repeated `script` fields.
pub(super) async fn save(
    page: PageContext,
    session: Session,
    _user: User,
    fields: FormFields,
) -> Response {
    let chosen: Vec<String> = fields.get_all("script").map(str::to_owned).collect();
    let unknown: Vec<&String> = chosen
        .iter()
        .filter(|s| !OFFERED.contains(&s.as_str()))
        .collect();
    let error = if !unknown.is_empty() {
        Some(
            Text::new("speedpatrolling-unknown-script")
                .arg(
                    unknown
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
                .num(unknown.len()),
        )
    } else if chosen.is_empty() {
        Some(Text::new("speedpatrolling-no-script"))
    } else {
        None
    };
    if let Some(error) = error {
        let form = SettingsPage {
            page,
            offered: OFFERED,
            selected: chosen,
            guessed: false,
            error: Some(FormError::in_field("script", error)),
        };
        return (StatusCode::BAD_REQUEST, form).into_response();
    }
    update_state(&session, |state| state.set_scripts(chosen, true));
    Redirect::to("/diff/").into_response()
}
