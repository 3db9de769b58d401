//! `/`: every template, grouped by language.

use askama_web::WebTemplate;
use axum::extract::State;
use platform::PageContext;

use super::AppState;
use crate::templates::Templates;

/// The templates of one language (test templates in a group of their own).
#[derive(Debug, Clone)]
pub(super) struct Group {
    pub code: String,
    /// The language's name in itself, if known.
    pub autonym: Option<&'static str>,
    pub test: bool,
    /// (name, label) of each template.
    pub templates: Vec<(String, String)>,
}

pub(super) fn groups(templates: &Templates) -> Vec<Group> {
    templates
        .by_language()
        .into_iter()
        .map(|(code, group)| Group {
            code: code.to_owned(),
            autonym: platform::i18n::language::autonym(code),
            test: group.first().is_some_and(|t| t.test),
            templates: group
                .iter()
                .map(|t| (t.name.clone(), t.label.clone()))
                .collect(),
        })
        .collect()
}

#[derive(askama::Template, WebTemplate)]
#[template(path = "index.html")]
pub(super) struct IndexPage {
    page: PageContext,
    groups: std::sync::Arc<[Group]>,
    count: usize,
}

pub(super) async fn page(State(state): State<AppState>, page: PageContext) -> IndexPage {
    IndexPage {
        page,
        groups: state.groups.clone(),
        count: state.templates.templates().count(),
    }
}
