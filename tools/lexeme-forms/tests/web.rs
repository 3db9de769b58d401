//! Wikidata Lexeme Forms end to end through its router, against a fake wiki (OAuth 2 login and
//! the Action API) holding lexemes (`common::FakeLexemes`).

mod common;

use axum::http::StatusCode;
use common::FakeLexemes;
use serde_json::{Value, json};
use test_support::{FakeUser, FakeWiki, TestClient, TestResponse};

const SECRET: &str = "lexeme-forms-test-secret-key-0123456789abc";

struct Setup {
    wiki: FakeWiki,
    lexemes: FakeLexemes,
    client: TestClient,
    env: Vec<(&'static str, String)>,
}

impl Setup {
    fn app(&self, with_oauth: bool) -> TestClient {
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .filter(|(key, _)| with_oauth || !key.starts_with("TOOL_OAUTH"))
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let config = test_support::config::<lexeme_forms::Settings>(&env);
        let platform = lexeme_forms::platform(&config).expect("platform");
        TestClient::new(lexeme_forms::app(&platform, &config.tool).expect("app"))
    }

    async fn token(&mut self, path: &str) -> String {
        self.client.get(path).await.csrf_token().expect("a form")
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.token(path).await;
        let mut form = vec![("csrf_token", token.as_str())];
        form.extend_from_slice(fields);
        self.client.post_form(path, &form).await
    }
}

/// The tool with OAuth, its client logged in as an autoconfirmed user.
async fn setup() -> Setup {
    let wiki = FakeWiki::start().await;
    wiki.add_user(FakeUser::new("Lexicographer").with_groups(&["autoconfirmed"]));
    let lexemes = FakeLexemes::new();
    let answering = lexemes.clone();
    wiki.on_api(move |request| answering.answer(request));
    let mut env = vec![
        ("TOOL_SECRET_KEY", SECRET.to_owned()),
        ("TOOL_API_URL_TEMPLATE", wiki.api_url()),
    ];
    env.extend(wiki.oauth_env());
    let mut setup = Setup {
        client: TestClient::new(axum::Router::new()),
        wiki,
        lexemes,
        env,
    };
    setup.client = setup.app(true);
    setup.wiki.log_in(&mut setup.client, "/login").await;
    setup
}

const FORM_FIELD: &str = "form.lexeme input[type=text][name=form_representation]";

/// The values of the form's fields, one per form of the template, in order.
fn form_values(page: &TestResponse) -> Vec<String> {
    page.select_attr(FORM_FIELD, "value")
}

/// The reasons listed above the form.
fn form_errors(page: &TestResponse) -> Vec<String> {
    page.select_text("ul.form-errors li")
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(text, href)| ((*text).to_owned(), (*href).to_owned()))
        .collect()
}

fn goose() -> Value {
    json!({
        "id": "L5", "type": "lexeme", "language": "Q1860", "lexicalCategory": "Q1084",
        "lemmas": {"en": {"language": "en", "value": "goose"}},
        "claims": {}, "senses": [],
        "forms": [
            {"id": "L5-F1", "representations": {"en": {"language": "en", "value": "goose"}},
             "grammaticalFeatures": ["Q110786"], "claims": {}},
            {"id": "L5-F2", "representations": {"en": {"language": "en", "value": "geese"}},
             "grammaticalFeatures": ["Q146786"], "claims": {}},
        ],
    })
}

#[tokio::test]
async fn the_index_lists_every_template_by_language() {
    let mut setup = setup().await;
    let index = setup.client.get("/").await;
    assert_eq!(index.status, StatusCode::OK);
    let intro = index.text_of("main > p:first-of-type");
    assert!(intro.contains("There are 256 templates"), "{intro}");
    let english_noun = "section.language ul.templates a[href=\"/template/english-noun/\"]";
    assert_eq!(index.text_of(english_noun), "English noun");
    assert_eq!(index.attr(english_noun, "lang").as_deref(), Some("en"));
    assert_eq!(index.attr(english_noun, "dir").as_deref(), Some("auto"));
    let headings = index.select_text("section.language h2");
    for heading in ["Deutsch de", "Deutsch de (test.wikidata.org)"] {
        assert!(
            headings.iter().any(|h| h == heading),
            "{heading} not in {headings:?}"
        );
    }
    assert_eq!(
        index.select_text("section.language h2 span[lang=de][dir=auto]"),
        ["Deutsch", "Deutsch"],
        "the autonym in its language, for the wiki's templates and the test wiki's"
    );
    assert!(
        !index.body.contains("/template/dutch-feminine-noun/"),
        "renames are not listed"
    );
}

#[tokio::test]
async fn a_template_page_has_one_field_per_form_and_takes_values_from_the_address() {
    let mut setup = setup().await;
    let page = setup
        .client
        .get("/template/german-noun-masculine/?form_representation=Hund&form_representation=Hundes%2FHunds")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let values = form_values(&page);
    assert_eq!(values.len(), 8, "{values:?}");
    assert_eq!(values[..3], ["Hund", "Hundes/Hunds", ""]);
    // Each field sits in its example sentence.
    assert_eq!(
        page.select_text("form.lexeme span.example")
            .first()
            .map(String::as_str),
        Some("Das ist ein .")
    );
    assert_eq!(
        page.attr(&format!("{FORM_FIELD}[value=Hund]"), "placeholder")
            .as_deref(),
        Some("Hund")
    );
    assert_eq!(
        page.text_of("h1 + p.hint"),
        "Template by Lucas Werkmeister (proposer on Wikidata)."
    );
    assert_eq!(
        page.select_attr("h1 + p.hint a", "href"),
        ["https://www.wikidata.org/wiki/Wikidata:Wikidata_Lexeme_Forms/German"]
    );

    // 168 forms in the address: every value arrives.
    let values: String = (0..168)
        .map(|n| format!("form_representation=wort{n}&"))
        .collect();
    let long = setup
        .client
        .get(&format!("/template/czech-adjective/?{values}"))
        .await;
    assert_eq!(long.status, StatusCode::OK);
    let expected: Vec<String> = (0..168).map(|n| format!("wort{n}")).collect();
    assert_eq!(form_values(&long), expected);

    let advanced = setup
        .client
        .get("/template/english-noun/advanced/?lexeme_id=L5")
        .await;
    assert_eq!(
        advanced
            .attr("form.lexeme input[name=lexeme_id]", "value")
            .as_deref(),
        Some("L5")
    );
    assert_eq!(advanced.count(FORM_FIELD), 2);
    advanced.assert_none("[required]");
}

#[tokio::test]
async fn renamed_ambiguous_and_unknown_names() {
    let mut setup = setup().await;
    let renamed = setup
        .client
        .get("/template/dutch-feminine-noun/advanced/?form_representation=x")
        .await;
    assert_eq!(renamed.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        renamed.location(),
        Some("/template/dutch-noun-feminine/advanced/?form_representation=x")
    );
    let ambiguous = setup.client.get("/template/portuguese-adjective/").await;
    assert_eq!(ambiguous.status, StatusCode::OK);
    assert_eq!(
        ambiguous.select_attr("main ul li a", "href"),
        [
            "/template/portuguese-adjective-biform/",
            "/template/portuguese-adjective-uniform/"
        ]
    );
    let unknown = setup.client.get("/template/klingon-noun/").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let said = unknown.text_of("h1 + p");
    assert!(
        said.starts_with("There is no template called “klingon-noun”"),
        "{said}"
    );
    unknown.assert_has("section.language ul.templates a[href=\"/template/english-noun/\"]");
}

#[tokio::test]
async fn a_new_lexeme_is_saved_exactly_as_built() {
    let mut setup = setup().await;
    let created = setup
        .post(
            "/template/english-noun/",
            &[
                ("form_representation", "goose"),
                ("form_representation", "geese/gooses"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(
        created.location(),
        Some("https://www.wikidata.org/entity/L1")
    );
    let edits = setup.lexemes.edits();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].id, None);
    assert_eq!(
        edits[0].summary,
        "[[toolforge:lexeme-forms/template/english-noun/|english-noun]]"
    );
    let form = |value: &str, feature: &str| {
        json!({"add": "", "representations": {"en": {"language": "en", "value": value}},
            "grammaticalFeatures": [feature], "claims": {}})
    };
    assert_eq!(
        edits[0].data,
        json!({
            "type": "lexeme",
            "forms": [form("goose", "Q110786"), form("geese", "Q146786"), form("gooses", "Q146786")],
            "lemmas": {"en": {"language": "en", "value": "goose"}},
            "language": "Q1860",
            "lexicalCategory": "Q1084",
            "claims": {},
        })
    );
    let saved = setup.lexemes.lexeme("L1").expect("created");
    assert_eq!(saved["forms"].as_array().map(Vec::len), Some(3));
    let bot = setup.wiki.requests_with(&[("action", "wbeditentity")]);
    assert!(
        bot.iter()
            .all(|r| r.param("bot").is_none() && r.param("maxlag") == Some("5"))
    );
}

#[tokio::test]
async fn lexemes_with_the_same_lemma_are_shown_before_anything_is_saved() {
    let mut setup = setup().await;
    setup.lexemes.add_lexeme(goose());
    let fields = [
        ("form_representation", "goose"),
        ("form_representation", "geese"),
    ];
    let asked = setup.post("/template/english-noun/", &fields).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert_eq!(
        asked.text_of("div.duplicates > p:first-of-type"),
        "A lexeme with this lemma exists already:"
    );
    assert_eq!(
        asked.select_text("div.duplicates li"),
        ["goose (L5): fake lexeme, 2 forms, 0 senses · add the forms to this one"]
    );
    // The description is the wiki's text, in its own direction.
    asked.assert_has("div.duplicates li bdi[dir=auto]");
    assert_eq!(
        asked.links("div.duplicates li a"),
        owned(&[
            ("goose (L5)", "http://www.wikidata.org/entity/L5"),
            (
                "add the forms to this one",
                "/template/english-noun/edit/L5"
            ),
        ])
    );
    assert_eq!(
        asked
            .attr("form.lexeme input[name=no_duplicate]", "value")
            .as_deref(),
        Some("1")
    );
    assert_eq!(form_values(&asked), ["goose", "geese"]);
    assert!(setup.lexemes.edits().is_empty(), "nothing saved yet");

    let mut confirmed = fields.to_vec();
    confirmed.push(("no_duplicate", "1"));
    let created = setup.post("/template/english-noun/", &confirmed).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(setup.lexemes.edits().len(), 1);
}

#[tokio::test]
async fn bad_values_show_the_form_again_as_typed() {
    let mut setup = setup().await;
    let empty_variant = setup
        .post(
            "/template/english-noun/",
            &[
                ("form_representation", "goose"),
                ("form_representation", "geese/"),
            ],
        )
        .await;
    assert_eq!(empty_variant.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        form_errors(&empty_variant),
        ["Field 2 has an empty variant: write “a/b”, not “a/” or “/b”."]
    );
    assert_eq!(form_values(&empty_variant), ["goose", "geese/"]);
    let missing = setup
        .post(
            "/template/english-noun/",
            &[
                ("form_representation", "goose"),
                ("form_representation", ""),
            ],
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        form_errors(&missing),
        ["Please fill in “plural” (or use advanced mode to leave forms empty)."]
    );
    assert_eq!(
        missing.text_of("ul.form-errors li bdi[lang=en][dir=auto]"),
        "plural"
    );
    let forged = setup
        .client
        .post_form(
            "/template/english-noun/",
            &[
                ("csrf_token", "forged"),
                ("form_representation", "goose"),
                ("form_representation", "geese"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(setup.lexemes.edits().is_empty());
}

#[tokio::test]
async fn saving_needs_a_login_and_without_oauth_the_json_is_shown() {
    let setup = setup().await;
    let mut anonymous = setup.app(true);
    let page = anonymous.get("/template/english-noun/").await;
    let token = page.csrf_token().expect("form");
    let refused = anonymous
        .post_form(
            "/template/english-noun/",
            &[
                ("csrf_token", token.as_str()),
                ("form_representation", "goose"),
                ("form_representation", "geese"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let errors = form_errors(&refused);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("Please log in first"), "{errors:?}");
    assert_eq!(form_values(&refused), ["goose", "geese"]);

    let mut local = setup.app(false);
    let page = local.get("/template/english-noun/").await;
    let banner = page.text_of("p.banner");
    assert!(
        banner.starts_with("No OAuth consumer is configured"),
        "{banner}"
    );
    let token = page.csrf_token().expect("form");
    let shown = local
        .post_form(
            "/template/english-noun/",
            &[
                ("csrf_token", token.as_str()),
                ("form_representation", "goose"),
                ("form_representation", "geese"),
            ],
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let lexeme: Value = serde_json::from_str(&shown.body).expect("JSON");
    assert_eq!(lexeme["lemmas"]["en"]["value"], "goose");
    assert_eq!(lexeme["forms"].as_array().map(Vec::len), Some(2));
    assert!(setup.lexemes.edits().is_empty(), "nothing saved");
}

#[tokio::test]
async fn forms_are_added_to_an_existing_lexeme_at_the_revision_seen() {
    let mut setup = setup().await;
    let revision = setup.lexemes.add_lexeme(goose());
    let page = setup.client.get("/template/english-noun/edit/L5").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.select_text("form.lexeme span.existing"),
        ["has: goose", "has: geese"]
    );
    assert_eq!(
        page.attr("form.lexeme input[name=_lexeme_revision]", "value"),
        Some(revision.to_string())
    );

    let added = setup
        .post(
            "/template/english-noun/edit/L5",
            &[
                ("_lexeme_revision", &revision.to_string()),
                ("form_representation", ""),
                ("form_representation", "gooses"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(added.location(), Some("https://www.wikidata.org/entity/L5"));
    let edit = setup.lexemes.edits().pop().expect("an edit");
    assert_eq!(edit.id.as_deref(), Some("L5"));
    assert_eq!(edit.base_revision, Some(revision));
    let saved = setup.lexemes.lexeme("L5").expect("lexeme");
    let values: Vec<&str> = saved["forms"]
        .as_array()
        .expect("forms")
        .iter()
        .filter_map(|f| f["representations"]["en"]["value"].as_str())
        .collect();
    assert_eq!(values, ["goose", "geese", "gooses"]);

    // Changed since the page was shown: refused, the value kept.
    let stale = revision;
    let refused = setup
        .post(
            "/template/english-noun/edit/L5",
            &[
                ("_lexeme_revision", &stale.to_string()),
                ("form_representation", ""),
                ("form_representation", "geeses"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    let errors = form_errors(&refused);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("was changed since the page was shown"),
        "{errors:?}"
    );
    assert_eq!(form_values(&refused), ["", "geeses"]);
    assert_eq!(setup.lexemes.edits().len(), 1);

    let missing = setup.client.get("/template/english-noun/edit/L404").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let bad = setup.client.get("/template/english-noun/edit/Q5").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bulk_mode_checks_every_line_first_then_saves_each() {
    let mut setup = setup().await;
    setup.lexemes.add_lexeme(goose());
    let page = setup.client.get("/template/english-noun/bulk/").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.attr("form textarea[name=lexemes]", "placeholder")
            .as_deref(),
        Some("dog|dogs\n…")
    );

    let bad = setup
        .post(
            "/template/english-noun/bulk/",
            &[("lexemes", "cat|cats\nmouse\nL5|x|y|z\nox|oxen/")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let errors = form_errors(&bad);
    for expected in [
        "Line 2 has 1 fields, but the template has 2 forms.",
        "Line 3 has 4 fields, but the template has 2 forms.",
    ] {
        assert!(
            errors.iter().any(|error| error == expected),
            "{expected} not in {errors:?}"
        );
    }
    assert_eq!(
        bad.raw_text_of("form textarea[name=lexemes]"),
        "cat|cats\nmouse\nL5|x|y|z\nox|oxen/",
        "the text is kept"
    );
    assert!(setup.lexemes.edits().is_empty(), "nothing saved");

    let done = setup
        .post(
            "/template/english-noun/bulk/",
            &[("lexemes", "cat|cats\ngoose|geese\nL5||gooses\n")],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        done.select_text("table.results tbody td:nth-child(2)"),
        [
            "Created L6",
            "Not created: lexemes with this lemma exist already (L5).",
            "Added the forms to L5"
        ]
    );
    assert_eq!(
        done.select_text("table.results tbody td:nth-child(1)"),
        ["1", "2", "3"]
    );
    assert_eq!(
        done.links("table.results a"),
        owned(&[
            ("Created L6", "https://www.wikidata.org/entity/L6"),
            (
                "Added the forms to L5",
                "https://www.wikidata.org/entity/L5"
            ),
        ])
    );
    assert_eq!(setup.lexemes.edits().len(), 2);
}

#[tokio::test]
async fn bulk_mode_is_for_autoconfirmed_users_of_the_wiki() {
    let setup = setup().await;
    let mut anonymous = setup.app(true);
    let page = anonymous.get("/template/english-noun/bulk/").await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "not logged in: the page, with the login banner"
    );
    assert_eq!(page.text_of("p.banner"), "Log in to save lexemes.");
    assert_eq!(
        page.select_attr("p.banner a", "href"),
        ["/login?return_to=%2Ftemplate%2Fenglish-noun%2Fbulk%2F"]
    );

    setup
        .wiki
        .add_user(FakeUser::new("Newcomer").with_only_groups(&["user"]));
    let mut newcomer = setup.app(true);
    setup.wiki.log_in(&mut newcomer, "/login").await;
    let refused = newcomer.get("/template/english-noun/bulk/").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let said = refused.error_message();
    assert!(
        said.contains("Bulk mode is for autoconfirmed users of www.wikidata.org only."),
        "{said}"
    );
}

#[tokio::test]
async fn the_api_answers_for_other_tools() {
    let mut setup = setup().await;
    setup.lexemes.add_lexeme(goose());
    let all = setup.client.get("/api/v1/template/").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.header("access-control-allow-origin"), Some("*"));
    let all: Value = serde_json::from_str(&all.body).expect("json");
    assert_eq!(all.as_object().map(|o| o.len()), Some(263));
    assert_eq!(all["dutch-feminine-noun"], "dutch-noun-feminine");

    let one = setup.client.get("/api/v1/template/english-noun").await;
    let one: Value = serde_json::from_str(&one.body).expect("json");
    assert_eq!(one["language_code"], "en");
    assert_eq!(one["@template_name"], "english-noun");
    let renamed = setup
        .client
        .get("/api/v1/template/dutch-feminine-noun")
        .await;
    assert_eq!(renamed.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        renamed.location(),
        Some("/api/v1/template/dutch-noun-feminine")
    );
    let unknown = setup.client.get("/api/v1/template/klingon-noun").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body, "\"no such template\"");
    let ambiguous = setup
        .client
        .get("/api/v1/template/portuguese-adjective")
        .await;
    let ambiguous: Value = serde_json::from_str(&ambiguous.body).expect("json");
    assert_eq!(ambiguous.as_array().map(Vec::len), Some(2));

    let found = setup.client.get("/api/v1/duplicates/www/en/goose").await;
    assert_eq!(found.status, StatusCode::OK);
    let found: Value = serde_json::from_str(&found.body).expect("json");
    assert_eq!(found[0]["id"], "L5");
    assert_eq!(found[0]["forms_count"], 2);
    let none = setup.client.get("/api/v1/duplicates/www/en/swan").await;
    assert_eq!(none.status, StatusCode::NO_CONTENT);
    let html = setup
        .client
        .send(
            axum::http::Method::GET,
            "/api/v1/duplicates/www/en/goose?template_name=english-noun",
            None,
            &[("accept", "text/html")],
        )
        .await;
    assert_eq!(
        html.links("ul.duplicates li a"),
        owned(&[
            ("goose (L5)", "http://www.wikidata.org/entity/L5"),
            (
                "add the forms to this one",
                "/template/english-noun/edit/L5"
            ),
        ])
    );
    let no_wiki = setup
        .client
        .get("/api/v1/duplicates/commons/en/goose")
        .await;
    assert_eq!(no_wiki.status, StatusCode::NOT_FOUND);

    let fits = setup
        .client
        .get("/api/v1/match_template_to_lexeme/www/L5/english-noun")
        .await;
    let fits: Value = serde_json::from_str(&fits.body).expect("json");
    assert_eq!(fits["language"], true);
    assert_eq!(fits["lexical_category"], true);
    let every = setup
        .client
        .get("/api/v1/match_template_to_lexeme/www/L5")
        .await;
    let every: Value = serde_json::from_str(&every.body).expect("json");
    assert_eq!(every["english-noun"]["language"], true);
    assert_eq!(every["german-noun-masculine"]["language"], false);
    assert!(
        every.get("german-noun-neuter-test").is_none(),
        "test templates are test.wikidata.org's"
    );

    let settings = setup.client.get("/settings/").await;
    assert_eq!(settings.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(settings.location(), Some("/language"));
    assert_eq!(
        setup.client.get("/api/v1/no_duplicate/en").await.status,
        StatusCode::OK
    );
    assert_eq!(
        setup
            .client
            .get("/api/v1/advanced_partial_forms_hint/en")
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn every_address_of_the_original_tool_answers() {
    let mut setup = setup().await;
    setup.lexemes.add_lexeme(goose());
    for path in [
        "/",
        "/template/english-noun/",
        "/template/english-noun/advanced/",
        "/template/english-noun/bulk/",
        "/template/english-noun/edit/L5",
        "/api/v1/template/",
        "/api/v1/template/english-noun",
        "/api/v1/duplicates/www/en/goose",
        "/api/v1/match_template_to_lexeme/www/L5",
        "/api/v1/match_template_to_lexeme/www/L5/english-noun",
        "/api/v1/no_duplicate/en",
        "/api/v1/advanced_partial_forms_hint/en",
        "/logout",
        "/healthz",
    ] {
        let response = setup.client.get(path).await;
        assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
    }
    let logout = setup.client.get("/logout").await;
    assert_eq!(
        logout.text_of("main > p"),
        "You are logged in as Lexicographer. Log out of Wikidata Lexeme Forms in this browser?"
    );
    logout.assert_has("main form[method=post][action=\"/logout\"] button[type=submit]");
    for (path, status) in [
        ("/settings/", StatusCode::PERMANENT_REDIRECT),
        ("/login", StatusCode::SEE_OTHER),
    ] {
        assert_eq!(setup.client.get(path).await.status, status, "{path}");
    }
}
