//! Reading a form a user sent, and telling them what is wrong with it.
//!
//! A handler takes [`FormFields`]: the fields of an `application/x-www-form-urlencoded` body
//! (of the query string, for a GET form), in the order sent, repeated names kept. The CSRF
//! check read the same body and compared its token before the handler was called; the token's
//! field is left out here, so that no handler takes it for input (a tool reading field names
//! it does not know in advance, or showing what was sent, never sees it).
//!
//! What is wrong with the input goes back to the form as [`FormError`]s, which the macros of
//! `templates/forms.html` show above it (see `docs/architecture.md`, "Forms").

use std::borrow::Cow;

use axum::extract::{FromRequest, RawForm, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ErrorPage;
use crate::i18n::Text;
use crate::security::csrf;

/// The fields of a form, in the order they were sent, without the CSRF token.
///
/// As an extractor it refuses a request that is not a form (415), a body over the platform's
/// limit (413) and a body that could not be read (400), each with an [`ErrorPage`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormFields {
    fields: Vec<(String, String)>,
}

impl FormFields {
    /// The fields of urlencoded bytes: `+` is a space, `%XX` a byte, and bytes that are not
    /// UTF-8 become U+FFFD (as for the CSRF check, which reads the same body the same way).
    pub fn parse(urlencoded: &[u8]) -> Self {
        let fields = url::form_urlencoded::parse(urlencoded)
            .filter(|(name, _)| name != csrf::FIELD)
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        Self { fields }
    }

    /// The first value of the field `name`; `None` if it was not sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value)
    }

    /// Every value of the field `name`, in order: checkboxes of one name, repeated inputs.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.iter()
            .filter(move |(field, _)| *field == name)
            .map(|(_, value)| value)
    }

    /// Whether the field `name` was sent at all: a checkbox is sent only when it is ticked.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every field as (name, value), in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// The fields as a typed struct (`serde`'s field names are the form's). A repeated field
    /// or a missing one without a default is refused with a 422 page naming the problem.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, ErrorPage> {
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.fields)
            .finish();
        serde_urlencoded::from_str(&encoded).map_err(|error| {
            ErrorPage::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                Text::new("platform-error-bad-request"),
                Text::new("platform-form-unreadable").arg(error),
            )
        })
    }
}

impl<S: Send + Sync> FromRequest<S> for FormFields {
    type Rejection = ErrorPage;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match RawForm::from_request(request, state).await {
            Ok(RawForm(bytes)) => Ok(Self::parse(&bytes)),
            Err(rejection) => Err(match rejection.status() {
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorPage::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    Text::new("platform-error-bad-request"),
                    Text::new("platform-form-not-a-form"),
                ),
                StatusCode::PAYLOAD_TOO_LARGE => csrf::form_too_large(),
                _ => ErrorPage::bad_request(
                    Text::new("platform-form-unreadable").arg(rejection.body_text()),
                ),
            }),
        }
    }
}

/// A problem with what was sent, shown above the form in the reader's language: about one
/// field (named as the form names it), or about the whole form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    field: Option<Cow<'static, str>>,
    message: Text,
}

impl FormError {
    /// A problem with the form as a whole, or with several of its fields together.
    pub fn new(message: Text) -> Self {
        Self {
            field: None,
            message,
        }
    }

    /// A problem with the field `field` (its `name`).
    pub fn in_field(field: impl Into<Cow<'static, str>>, message: Text) -> Self {
        Self {
            field: Some(field.into()),
            message,
        }
    }

    /// The field the problem is in, if it is in one.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    pub fn message(&self) -> &Text {
        &self.message
    }
}

impl From<Text> for FormError {
    fn from(message: Text) -> Self {
        Self::new(message)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::Router;
    use axum::body::Body;
    use axum::extract::DefaultBodyLimit;
    use axum::http::header::CONTENT_TYPE;
    use axum::routing::post;
    use serde::Deserialize;
    use tower::ServiceExt;

    use super::*;
    use crate::i18n::{Catalog, Messages};
    use crate::pages::{PageContext, Site};
    use crate::security::csrf::CsrfToken;
    use crate::security::session::{Session, SessionSettings};

    const FORM: &str = "application/x-www-form-urlencoded";

    async fn extract(content_type: Option<&str>, body: &str) -> Result<FormFields, ErrorPage> {
        let mut request = Request::post("/form");
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        let request = request.body(Body::from(body.to_owned())).expect("request");
        FormFields::from_request(request, &()).await
    }

    async fn fields(body: &str) -> FormFields {
        extract(Some(FORM), body).await.expect("a form")
    }

    #[tokio::test]
    async fn repeated_fields_keep_their_order() {
        let form = fields("form_representation=a&lemma=x&form_representation=b").await;
        assert_eq!(
            form.get_all("form_representation").collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(form.get("form_representation"), Some("a"));
        assert_eq!(
            form.iter().collect::<Vec<_>>(),
            [
                ("form_representation", "a"),
                ("lemma", "x"),
                ("form_representation", "b")
            ]
        );
    }

    #[tokio::test]
    async fn a_checkbox_is_there_when_ticked_even_without_a_value() {
        let form = fields("resolve_redirects=on&watch=&title=T").await;
        assert!(form.has("resolve_redirects"));
        assert!(form.has("watch"));
        assert_eq!(form.get("watch"), Some(""));
        assert!(!form.has("create_missing_page"));
        assert_eq!(form.get("create_missing_page"), None);
        assert_eq!(form.get_all("create_missing_page").count(), 0);
    }

    #[tokio::test]
    async fn plus_is_a_space_and_percent_escapes_are_decoded() {
        let form =
            fields("title=A+b%2Bc&commands=Page%7C%2BCategory%3AX%0D%0Ay&na%20me=%C3%BC").await;
        assert_eq!(form.get("title"), Some("A b+c"));
        assert_eq!(form.get("commands"), Some("Page|+Category:X\r\ny"));
        assert_eq!(form.get("na me"), Some("ü"));
    }

    #[tokio::test]
    async fn bytes_that_are_not_utf8_become_replacement_characters() {
        let form = fields("lemma=a%FFb").await;
        assert_eq!(form.get("lemma"), Some("a\u{FFFD}b"));
    }

    #[tokio::test]
    async fn the_csrf_field_is_not_among_the_fields() {
        let form = fields("csrf_token=secret&wiki=www.wikidata.org&csrf_token=again").await;
        assert_eq!(form.get(csrf::FIELD), None);
        assert!(!form.has(csrf::FIELD));
        assert_eq!(
            form.iter().collect::<Vec<_>>(),
            [("wiki", "www.wikidata.org")]
        );
        #[derive(Debug, Deserialize, PartialEq)]
        #[serde(deny_unknown_fields)]
        struct Choice {
            wiki: String,
        }
        assert_eq!(
            form.deserialize::<Choice>().expect("no unknown field"),
            Choice {
                wiki: "www.wikidata.org".to_owned()
            }
        );
    }

    #[tokio::test]
    async fn a_body_that_is_not_a_form_is_refused_with_415() {
        for content_type in [None, Some("application/json"), Some("text/plain")] {
            let refused = extract(content_type, r#"{"title": "T"}"#)
                .await
                .expect_err("not a form");
            assert_eq!(refused.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
            assert_eq!(refused.message.key, "platform-form-not-a-form");
        }
        let with_charset = extract(
            Some("application/x-www-form-urlencoded; charset=UTF-8"),
            "a=1",
        )
        .await
        .expect("a form with a charset");
        assert_eq!(with_charset.get("a"), Some("1"));
    }

    #[tokio::test]
    async fn a_get_form_is_read_from_the_query_string() {
        let request = Request::get("/template/x/?form_representation=a&form_representation=b+c")
            .body(Body::empty())
            .expect("request");
        let form = FormFields::from_request(request, &())
            .await
            .expect("a query");
        assert_eq!(
            form.get_all("form_representation").collect::<Vec<_>>(),
            ["a", "b c"]
        );
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_the_form_too_large_page() {
        async fn handler(_form: FormFields) {}
        let app = Router::new()
            .route("/form", post(handler))
            .layer(DefaultBodyLimit::max(8));
        let request = Request::post("/form")
            .header(CONTENT_TYPE, FORM)
            .body(Body::from("title=more than eight bytes"))
            .expect("request");
        let response = app.oneshot(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let page = response
            .extensions()
            .get::<std::sync::Arc<ErrorPage>>()
            .expect("an error page");
        assert_eq!(page.message.key, "platform-form-too-large");
    }

    #[tokio::test]
    async fn typed_fields_are_refused_with_422_when_they_do_not_fit() {
        #[derive(Debug, Deserialize)]
        struct Choice {
            language: String,
        }
        let chosen: Choice = fields("language=de").await.deserialize().expect("fits");
        assert_eq!(chosen.language, "de");
        for body in ["return_to=%2F", "language=de&language=fr"] {
            let refused = fields(body)
                .await
                .deserialize::<Choice>()
                .expect_err("does not fit");
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(refused.message.key, "platform-form-unreadable");
        }
    }

    #[test]
    fn a_form_error_names_its_field_if_it_has_one() {
        let whole = FormError::from(Text::new("platform-form-unreadable").arg("reason"));
        assert_eq!(whole.field(), None);
        assert_eq!(whole.message().key, "platform-form-unreadable");
        let one = FormError::in_field("commands", Text::new("platform-form-too-large").num(4));
        assert_eq!(one.field(), Some("commands"));
        assert_eq!(one.message(), &Text::new("platform-form-too-large").num(4));
    }

    #[derive(askama::Template)]
    #[template(
        ext = "html",
        source = r#"{% import "forms.html" as forms %}{% call forms::errors(page, errors) %}{% endcall %}<form method="post">{% call forms::csrf_field(page) %}{% endcall %}</form>"#
    )]
    struct FormPage {
        page: PageContext,
        errors: Vec<FormError>,
    }

    fn form_page(errors: Vec<FormError>) -> (FormPage, Session) {
        let catalog = Arc::new(Catalog::platform());
        let tool = wikimedia::ToolInfo {
            name: "test",
            version: "0.0.0",
            repository: "https://example.org/test",
        };
        let site = Arc::new(Site::new(tool, "Test", catalog.clone()));
        let session = Session::load(&SessionSettings::ephemeral(), &Default::default());
        let messages = Messages::choose(&catalog, ["en"]);
        let page = PageContext::new(site, messages, Some(session.clone()), "/".to_owned(), true);
        (FormPage { page, errors }, session)
    }

    #[test]
    fn the_macros_show_the_errors_and_the_sessions_token() {
        use askama::Template;
        let (page, session) = form_page(vec![
            FormError::in_field("a\"b", Text::new("platform-form-too-large").num(4)),
            FormError::new(Text::new("platform-form-unreadable").arg("<x>")),
        ]);
        let html = page.render().expect("renders");
        let token = CsrfToken::existing(&session).expect("the form created a token");
        assert!(
            html.contains(&format!(
                r#"<input type="hidden" name="csrf_token" value="{}">"#,
                token.as_str()
            )),
            "{html}"
        );
        assert!(
            html.contains(r#"<ul class="form-errors" role="alert">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<li data-field="a&#34;b">Forms may be at most 4 MiB."#),
            "{html}"
        );
        assert!(
            html.contains("<li>The form could not be read (&#60;x&#62;)."),
            "{html}"
        );
    }

    #[test]
    fn without_errors_there_is_no_error_list() {
        use askama::Template;
        let (page, _) = form_page(Vec::new());
        let html = page.render().expect("renders");
        assert!(!html.contains("form-errors"), "{html}");
    }
}
