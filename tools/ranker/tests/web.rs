//! Ranker end to end through its router: reading and editing statements on a fake Wikibase
//! (through the fake wiki's OAuth and Action API), batches from lists and from a fake query
//! service, and every address of the original tool.

mod common;

use axum::http::{Method, StatusCode};
use common::{Setup, logged_in, setup};
use serde_json::json;
use test_support::{TestResponse, item_statement, string_statement, with_item_qualifier};

const EDIT_Q1: &str = "/edit/www.wikidata.org/Q1/P31/";
const STATEMENT_BOX: &str = "fieldset div.statement input[type=checkbox][name=statement]";

/// The reasons listed above the form.
fn form_errors(page: &TestResponse) -> Vec<String> {
    page.select_text("ul.form-errors li")
}

/// The results table of a batch: each entity and what became of it.
fn results(page: &TestResponse) -> Vec<(String, String)> {
    let entities = page.select_text("table.commands td:nth-child(1)");
    let outcomes = page.select_text("table.commands td:nth-child(2)");
    assert_eq!(entities.len(), outcomes.len(), "{}", page.body);
    entities.into_iter().zip(outcomes).collect()
}

/// The counts above a batch's results.
fn results_summary(page: &TestResponse) -> String {
    page.text_of("main > p[role=status]")
}

fn field(page: &TestResponse, css: &str) -> Option<String> {
    page.attr(css, "value")
}

/// Q1 with three P31 statements (normal, preferred with a reason, deprecated) and one P17.
fn add_q1(setup: &Setup) -> u64 {
    setup.wikibase.set_label("Q1", "Universe");
    setup.wikibase.set_label("P31", "instance of");
    setup.wikibase.set_label("Q71533355", "most recent value");
    setup.wikibase.add_entity(
        "Q1",
        vec![
            item_statement("Q1$aaa", "P31", "Q5", "normal"),
            with_item_qualifier(
                string_statement("Q1$bbb", "P31", "<script>alert(1)</script>", "preferred"),
                "P7452",
                "Q71533355",
            ),
            string_statement("Q1$ccc", "P31", "old", "deprecated"),
            string_statement("Q1$ddd", "P17", "other property", "normal"),
        ],
    )
}

#[tokio::test]
async fn start_page_offers_the_wikis_and_the_batch_modes() {
    let mut setup = setup().await;
    let page = setup.client.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let wikis = [
        "www.wikidata.org",
        "test.wikidata.org",
        "commons.wikimedia.org",
        "test-commons.wikimedia.org",
    ];
    assert_eq!(page.select_attr("select#wiki option", "value"), wikis);
    assert_eq!(page.select_attr("select#batch-wiki option", "value"), wikis);
    page.assert_has("form[action=\"/\"] input[name=entity_id]");
    page.assert_has("form[action=\"/\"] input[name=property_id]");
    assert_eq!(
        page.select_attr(
            "form[action=\"/batch/list/collective/\"] button",
            "formaction"
        ),
        [
            "/batch/list/collective/",
            "/batch/list/individual/",
            "/batch/query/collective/",
            "/batch/query/individual/"
        ]
    );
    let prefilled = setup
        .client
        .get("/?wiki=commons.wikimedia.org&entity_id=M5&property_id=P180")
        .await;
    assert_eq!(
        prefilled.select_attr("select#wiki option[selected]", "value"),
        ["commons.wikimedia.org"]
    );
    assert_eq!(field(&prefilled, "input#entity_id").as_deref(), Some("M5"));
    assert_eq!(
        field(&prefilled, "input#property_id").as_deref(),
        Some("P180")
    );
}

#[tokio::test]
async fn the_start_form_leads_to_the_edit_page() {
    let mut setup = setup().await;
    let response = setup
        .post(
            "/",
            &[
                ("wiki", "www.wikidata.org"),
                ("entity_id", " Q4115189 "),
                ("property_id", "P361"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(
        response.location(),
        Some("/edit/www.wikidata.org/Q4115189/P361/")
    );
}

#[tokio::test]
async fn a_file_title_on_commons_becomes_its_mediainfo_id() {
    let mut setup = setup().await;
    setup
        .wikibase
        .add_media_info("File:DSC 0484 2-01.jpg", 79869096, vec![]);
    let response = setup
        .post(
            "/",
            &[
                ("wiki", "commons.wikimedia.org"),
                ("entity_id", "File:DSC 0484 2-01.jpg"),
                ("property_id", "P180"),
            ],
        )
        .await;
    assert_eq!(
        response.location(),
        Some("/edit/commons.wikimedia.org/M79869096/P180/")
    );
    let missing = setup
        .post(
            "/",
            &[
                ("wiki", "commons.wikimedia.org"),
                ("entity_id", "File:Nothing.jpg"),
                ("property_id", "P180"),
            ],
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        form_errors(&missing),
        ["There is no file File:Nothing.jpg on commons.wikimedia.org."]
    );
    assert_eq!(
        field(&missing, "input#entity_id").as_deref(),
        Some("File:Nothing.jpg")
    );
}

#[tokio::test]
async fn bad_start_fields_are_all_reported_and_kept() {
    let mut setup = setup().await;
    let response = setup
        .post(
            "/",
            &[
                ("wiki", "www.wikidata.org"),
                ("entity_id", "Q12x"),
                ("property_id", "P0"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        form_errors(&response),
        [
            "Q12x is not an entity ID (like Q42, P31, L99, L99-S1 or M123).",
            "P0 is not a property ID (like P31)."
        ]
    );
    // What the user typed is isolated from the message's text.
    assert_eq!(
        response.select_text("ul.form-errors li bdi"),
        ["Q12x", "P0"]
    );
    assert_eq!(field(&response, "input#entity_id").as_deref(), Some("Q12x"));
    assert_eq!(field(&response, "input#property_id").as_deref(), Some("P0"));
    let unknown = setup
        .post(
            "/",
            &[
                ("wiki", "en.wikipedia.org"),
                ("entity_id", "Q1"),
                ("property_id", "P31"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let errors = form_errors(&unknown);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("en.wikipedia.org is not a wiki this tool edits"),
        "{errors:?}"
    );
}

#[tokio::test]
async fn the_edit_page_lists_the_statements_of_the_property_for_anyone() {
    let mut setup = setup().await;
    let revision = add_q1(&setup);
    let page = setup.client.get(EDIT_Q1).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.select_attr(STATEMENT_BOX, "value"),
        ["Q1$aaa", "Q1$bbb", "Q1$ccc"]
    );
    assert!(
        !page.body.contains("Q1$ddd"),
        "only the property's statements"
    );
    assert_eq!(
        page.select_text("fieldset div.statement"),
        [
            "normal: Q5",
            "preferred: <script>alert(1)</script> (reason: most recent value)",
            "deprecated: old"
        ]
    );
    assert_eq!(
        page.select_text("fieldset div.statement label > strong"),
        ["normal", "preferred", "deprecated"]
    );
    assert_eq!(
        page.attr("form input[name=base_revision_id]", "value"),
        Some(revision.to_string())
    );
    // The wiki's links became spans, its escaping stayed.
    assert_eq!(
        page.select_text("fieldset div.statement span[dir=auto] > span"),
        ["Q5", "<script>alert(1)</script>", "old"]
    );
    assert_eq!(
        page.select_text("fieldset div.statement .hint > span"),
        ["most recent value"]
    );
    assert_eq!(
        page.select_text("h1 > a > span, h1 > span"),
        ["Universe", "instance of"]
    );
    page.assert_none("fieldset a");
    assert!(!page.body.contains("href=\"/wiki/Q5\""));
    assert!(!page.body.contains("<script>"));
    assert_eq!(
        page.links("p.banner a"),
        [(
            "log in".to_owned(),
            "/login?return_to=%2Fedit%2Fwww.wikidata.org%2FQ1%2FP31%2F".to_owned()
        )]
    );
    page.assert_none("form button");
}

#[tokio::test]
async fn formatted_values_are_cached_and_asked_in_the_page_language() {
    let mut setup = setup().await;
    add_q1(&setup);
    setup.client.get(EDIT_Q1).await;
    let asked = setup.wikibase.format_value_requests();
    assert_eq!(asked, 3);
    setup.client.get(EDIT_Q1).await;
    assert_eq!(setup.wikibase.format_value_requests(), asked, "cached");
    let german = setup
        .client
        .send(Method::GET, EDIT_Q1, None, &[("accept-language", "de")])
        .await;
    assert_eq!(german.status, StatusCode::OK);
    let in_german = setup
        .fake
        .requests_with(&[("action", "wbformatvalue"), ("uselang", "de")]);
    assert_eq!(
        in_german.len(),
        3,
        "another language is another cache entry"
    );
    assert_eq!(
        setup
            .fake
            .requests_with(&[("action", "wbformatentities"), ("uselang", "en")])
            .len(),
        1,
        "labels fetched once, in one request"
    );
}

#[tokio::test]
async fn bad_addresses_are_400_and_unknown_entities_404() {
    let mut setup = setup().await;
    add_q1(&setup);
    for path in [
        "/edit/en.wikipedia.org/Q1/P31/",
        "/edit/www.wikidata.org/Q12x/P31/",
        "/edit/www.wikidata.org/L123-S01/P31/",
        "/edit/www.wikidata.org/Q%D9%A1/P31/",
        "/edit/www.wikidata.org/Q1/P0/",
        "/edit/www.wikidata.org/Q1/Q31/",
    ] {
        let response = setup.client.get(path).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{path}");
    }
    let missing = setup.client.get("/edit/www.wikidata.org/Q404/P31/").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.error_message(),
        "There is no entity Q404 on www.wikidata.org."
    );
}

#[tokio::test]
async fn editing_needs_a_login() {
    let mut setup = setup().await;
    add_q1(&setup);
    let response = setup
        .post(
            "/edit/www.wikidata.org/Q1/P31/set/preferred",
            &[("base_revision_id", "1"), ("statement", "Q1$aaa")],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    let batch = setup
        .post(
            "/batch/list/collective/www.wikidata.org/increment",
            &[("statement_ids", "Q1$aaa")],
        )
        .await;
    assert_eq!(batch.status, StatusCode::UNAUTHORIZED);
    assert!(setup.wikibase.edits().is_empty());
}

#[tokio::test]
async fn setting_a_rank_with_a_reason_edits_only_the_checked_statements() {
    let mut setup = logged_in().await;
    let revision = add_q1(&setup);
    let base = revision.to_string();
    let response = setup
        .post(
            "/edit/www.wikidata.org/Q1/P31/set/deprecated",
            &[
                ("base_revision_id", &base),
                ("statement", "Q1$aaa"),
                ("statement", "Q1$bbb"),
                ("reason", " Q41755623 "),
                ("summary", "checked the sources"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let edits = setup.wikibase.edits();
    assert_eq!(edits.len(), 1);
    let edit = &edits[0];
    assert_eq!(
        response.location(),
        Some(format!("{EDIT_Q1}?saved={}", edit.new_revision).as_str())
    );
    assert_eq!(edit.entity, "Q1");
    assert_eq!(edit.base_revision, revision);
    assert_eq!(edit.bot, None, "never a bot edit");
    assert_eq!(edit.maxlag.as_deref(), Some("5"));
    assert_eq!(edit.user.as_deref(), Some("Ranking User"));
    assert_eq!(
        edit.summary,
        "Set rank of 2 statements to deprecated (reason: [[Q41755623]]): checked the sources"
    );
    let claims = edit.data["claims"].as_array().expect("claims");
    let ids: Vec<&str> = claims.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids, ["Q1$aaa", "Q1$bbb"], "only the changed statements");
    let bbb = setup.wikibase.statement("Q1$bbb").expect("bbb");
    assert_eq!(bbb["rank"], "deprecated");
    assert_eq!(
        bbb["qualifiers"].get("P7452"),
        None,
        "the old reason removed"
    );
    assert_eq!(
        bbb["qualifiers"]["P2241"][0]["datavalue"]["value"]["id"],
        "Q41755623"
    );
    assert_eq!(
        setup.wikibase.rank_of("Q1$ccc").as_deref(),
        Some("deprecated")
    );

    let after = setup
        .client
        .get(response.location().expect("location"))
        .await;
    assert_eq!(
        after.text_of("p.banner[role=status]"),
        "Saved. See the edit on the wiki."
    );
}

#[tokio::test]
async fn increment_saturates_at_preferred_and_sends_only_changes() {
    let mut setup = logged_in().await;
    let revision = add_q1(&setup).to_string();
    let response = setup
        .post(
            "/edit/www.wikidata.org/Q1/P31/increment",
            &[
                ("base_revision_id", &revision),
                ("statement", "Q1$aaa"),
                ("statement", "Q1$bbb"),
                ("statement", "Q1$ccc"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(
        setup.wikibase.rank_of("Q1$aaa").as_deref(),
        Some("preferred")
    );
    assert_eq!(
        setup.wikibase.rank_of("Q1$bbb").as_deref(),
        Some("preferred")
    );
    assert_eq!(setup.wikibase.rank_of("Q1$ccc").as_deref(), Some("normal"));
    let edit = &setup.wikibase.edits()[0];
    assert_eq!(edit.summary, "Incremented rank of 2 statements");
    assert_eq!(edit.data["claims"].as_array().map(Vec::len), Some(2));
    // The reason of the deprecated statement went with its rank… and bbb kept its own, as it
    // did not change.
    assert!(setup.wikibase.statement("Q1$bbb").expect("bbb")["qualifiers"]["P7452"].is_array());
}

#[tokio::test]
async fn the_original_forms_checkbox_names_still_work_and_no_change_saves_nothing() {
    let mut setup = logged_in().await;
    let revision = add_q1(&setup).to_string();
    let response = setup
        .post(
            "/edit/www.wikidata.org/Q1/P31/set/preferred",
            &[("base_revision_id", &revision), ("Q1$bbb", "on")],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(
        response.location(),
        Some(format!("{EDIT_Q1}?unchanged=1").as_str())
    );
    assert!(setup.wikibase.edits().is_empty());
}

#[tokio::test]
async fn a_reason_with_normal_rank_or_increment_is_refused_with_the_form_kept() {
    let mut setup = logged_in().await;
    let revision = add_q1(&setup).to_string();
    for (path, message) in [
        (
            "/edit/www.wikidata.org/Q1/P31/set/normal",
            "Normal rank has no reason",
        ),
        (
            "/edit/www.wikidata.org/Q1/P31/increment",
            "not when ranks are incremented",
        ),
    ] {
        let response = setup
            .post(
                path,
                &[
                    ("base_revision_id", &revision),
                    ("statement", "Q1$ccc"),
                    ("reason", "Q5"),
                    ("summary", "my words"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{path}");
        let errors = form_errors(&response);
        assert_eq!(errors.len(), 1, "{path}: {errors:?}");
        assert!(errors[0].contains(message), "{path}: {errors:?}");
        assert_eq!(
            response.select_attr(&format!("{STATEMENT_BOX}[checked]"), "value"),
            ["Q1$ccc"]
        );
        assert_eq!(field(&response, "input#reason").as_deref(), Some("Q5"));
        assert_eq!(
            field(&response, "input#summary").as_deref(),
            Some("my words")
        );
    }
    let nothing = setup
        .post(
            "/edit/www.wikidata.org/Q1/P31/set/normal",
            &[("base_revision_id", &revision)],
        )
        .await;
    assert_eq!(nothing.status, StatusCode::BAD_REQUEST);
    assert_eq!(form_errors(&nothing), ["Choose at least one statement."]);
    let bad_rank = setup
        .post(
            "/edit/www.wikidata.org/Q1/P31/set/best",
            &[("base_revision_id", &revision), ("statement", "Q1$ccc")],
        )
        .await;
    assert_eq!(bad_rank.status, StatusCode::BAD_REQUEST);
    let other_property = setup
        .post(
            "/edit/www.wikidata.org/Q1/P31/set/preferred",
            &[("base_revision_id", &revision), ("statement", "Q1$ddd")],
        )
        .await;
    assert_eq!(other_property.status, StatusCode::BAD_REQUEST);
    assert!(setup.wikibase.edits().is_empty());
}

#[tokio::test]
async fn an_edit_made_meanwhile_is_a_conflict_and_never_overwritten() {
    let mut setup = logged_in().await;
    let seen = add_q1(&setup).to_string();
    setup.wikibase.edit_elsewhere("Q1");
    let response = setup
        .post(
            "/edit/www.wikidata.org/Q1/P31/set/preferred",
            &[("base_revision_id", &seen), ("statement", "Q1$aaa")],
        )
        .await;
    assert_eq!(response.status, StatusCode::CONFLICT, "{}", response.body);
    assert_eq!(response.text_of("section.error h1"), "Edit conflict");
    let message = response.error_message();
    assert!(message.contains("Nothing was saved"), "{message}");
    assert_eq!(
        response.links("section.error a.button"),
        [("Load the statements again".to_owned(), EDIT_Q1.to_owned())]
    );
    assert!(setup.wikibase.edits().is_empty());
    assert_eq!(setup.wikibase.rank_of("Q1$aaa").as_deref(), Some("normal"));
}

#[tokio::test]
async fn wiki_refusals_are_shown_with_the_wikis_message() {
    let mut setup = logged_in().await;
    let revision = add_q1(&setup).to_string();
    setup
        .wikibase
        .fail_edits_with("protectedpage", "This page is <protected>.");
    let response = setup
        .post(
            "/edit/www.wikidata.org/Q1/P31/set/preferred",
            &[("base_revision_id", &revision), ("statement", "Q1$aaa")],
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(
        response.error_message(),
        "The page is protected on www.wikidata.org, so nothing was changed. The wiki says: This page is <protected>."
    );
    assert!(
        !response.body.contains("<protected>"),
        "the wiki's text is escaped"
    );
}

#[tokio::test]
async fn mediainfo_statements_are_read_from_statements_and_written_as_claims() {
    let mut setup = logged_in().await;
    let revision = setup.wikibase.add_media_info(
        "File:Example.jpg",
        5,
        vec![item_statement("M5$x", "P180", "Q146", "normal")],
    );
    let page = setup
        .client
        .get("/edit/commons.wikimedia.org/M5/P180/")
        .await;
    assert_eq!(page.select_attr(STATEMENT_BOX, "value"), ["M5$x"]);
    let response = setup
        .post(
            "/edit/commons.wikimedia.org/M5/P180/set/preferred",
            &[
                ("base_revision_id", &revision.to_string()),
                ("statement", "M5$x"),
                ("reason", "Q71536040"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let edit = &setup.wikibase.edits()[0];
    assert!(edit.data["claims"].is_array());
    assert_eq!(
        edit.summary,
        "Set rank of 1 statement to preferred (reason: [[d:Special:EntityPage/Q71536040]])"
    );
    assert_eq!(setup.wikibase.rank_of("M5$x").as_deref(), Some("preferred"));
}

#[tokio::test]
async fn every_post_needs_the_csrf_token() {
    let mut setup = logged_in().await;
    let revision = add_q1(&setup).to_string();
    for path in [
        "/",
        "/edit/www.wikidata.org/Q1/P31/set/preferred",
        "/edit/www.wikidata.org/Q1/P31/increment",
        "/batch/list/collective/",
        "/batch/list/collective/www.wikidata.org/set/preferred",
        "/batch/list/collective/www.wikidata.org/increment",
        "/batch/list/individual/www.wikidata.org/",
        "/batch/query/collective/www.wikidata.org/increment",
        "/batch/query/individual/www.wikidata.org/",
        "/settings/",
        "/logout",
    ] {
        for token in [None, Some("wrong")] {
            let mut fields = vec![
                ("base_revision_id", revision.as_str()),
                ("statement", "Q1$aaa"),
                ("statement_ids", "Q1$aaa"),
                ("wiki", "www.wikidata.org"),
            ];
            if let Some(token) = token {
                fields.push(("csrf_token", token));
            }
            let response = setup.client.post_form(path, &fields).await;
            assert_eq!(response.status, StatusCode::BAD_REQUEST, "{path} {token:?}");
        }
    }
    assert!(setup.wikibase.edits().is_empty());
    assert!(setup.sparql.queries().is_empty());
}

fn add_batch_entities(setup: &Setup) {
    setup.wikibase.add_entity(
        "Q1",
        vec![
            string_statement("Q1$a", "P31", "a", "normal"),
            string_statement("Q1$b", "P31", "b", "preferred"),
        ],
    );
    setup.wikibase.add_entity(
        "Q2",
        vec![string_statement("Q2$a", "P31", "a", "deprecated")],
    );
    setup.wikibase.add_entity(
        "L3-S1",
        vec![string_statement("L3-S1$a", "P5137", "a", "normal")],
    );
}

#[tokio::test]
async fn a_list_batch_sets_one_rank_for_all_and_reports_each_entity() {
    let mut setup = logged_in().await;
    add_batch_entities(&setup);
    let form = setup
        .client
        .get("/batch/list/collective/www.wikidata.org/")
        .await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_has("form textarea[name=statement_ids]");
    let response = setup
        .post(
            "/batch/list/collective/www.wikidata.org/set/preferred",
            &[
                (
                    "statement_ids",
                    "Q1$a\nq1$b\n\nQ2$a\nl3-s1$a\nQ404$x\nQ2$zzz",
                ),
                ("reason", "Q71533355"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let edits = setup.wikibase.edits();
    let edited: Vec<(&str, &str)> = edits
        .iter()
        .map(|e| (e.entity.as_str(), e.summary.as_str()))
        .collect();
    assert_eq!(
        edited,
        [
            (
                "Q1",
                "Set rank of 1 statement to preferred (reason: [[Q71533355]])"
            ),
            (
                "Q2",
                "Set rank of 1 statement to preferred (reason: [[Q71533355]])"
            ),
            (
                "L3-S1",
                "Set rank of 1 statement to preferred (reason: [[Q71533355]])"
            ),
        ]
    );
    assert_eq!(setup.wikibase.rank_of("Q2$a").as_deref(), Some("preferred"));
    assert_eq!(
        setup.wikibase.rank_of("L3-S1$a").as_deref(),
        Some("preferred")
    );
    assert_eq!(
        results_summary(&response),
        "3 entities edited, 0 unchanged, 1 not edited."
    );
    let changed = "One statement changed (edit).";
    assert_eq!(
        results(&response),
        [
            ("Q1 (Q1)".to_owned(), changed.to_owned()),
            (
                "Q2 (Q2)".to_owned(),
                format!("{changed} Not found on the entity: Q2$zzz.")
            ),
            ("L3-S1 (L3-S1)".to_owned(), changed.to_owned()),
            (
                "Q404".to_owned(),
                "Not edited: the wiki has no such entity.".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn every_bad_line_of_a_batch_is_reported_and_nothing_is_edited() {
    let mut setup = logged_in().await;
    add_batch_entities(&setup);
    let text = "Q1$a\nQ12x$a\nnot a statement\nQ2$a";
    let response = setup
        .post(
            "/batch/list/collective/www.wikidata.org/increment",
            &[("statement_ids", text), ("summary", "kept")],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    let errors = form_errors(&response);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("Line 2: "), "{errors:?}");
    assert!(errors[1].starts_with("Line 3: "), "{errors:?}");
    assert_eq!(response.raw_text_of("textarea[name=statement_ids]"), text);
    assert_eq!(field(&response, "input#summary").as_deref(), Some("kept"));
    let individual = setup
        .post(
            "/batch/list/individual/www.wikidata.org/",
            &[("commands", "Q1$a|best\nQ1$b|normal|Q5\nQ2$a|preferred|Q5|x")],
        )
        .await;
    assert_eq!(individual.status, StatusCode::BAD_REQUEST);
    let errors = form_errors(&individual);
    assert_eq!(errors.len(), 3, "{errors:?}");
    for (error, line) in errors.iter().zip(["Line 1: ", "Line 2: ", "Line 3: "]) {
        assert!(error.starts_with(line), "{errors:?}");
    }
    let empty = setup
        .post(
            "/batch/list/collective/www.wikidata.org/increment",
            &[("statement_ids", "\n")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(setup.wikibase.edits().is_empty());
}

#[tokio::test]
async fn an_individual_list_gives_each_statement_its_rank_and_reason() {
    let mut setup = logged_in().await;
    add_batch_entities(&setup);
    let response = setup
        .post(
            "/batch/list/individual/www.wikidata.org/",
            &[
                (
                    "commands",
                    "Q1$a|deprecated|Q41755623\nQ1$b\tnormal\nQ2$a|deprecated",
                ),
                ("summary", "cleanup"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        setup.wikibase.rank_of("Q1$a").as_deref(),
        Some("deprecated")
    );
    assert_eq!(setup.wikibase.rank_of("Q1$b").as_deref(), Some("normal"));
    let edits = setup.wikibase.edits();
    assert_eq!(edits.len(), 1, "Q2 needed no change");
    assert_eq!(edits[0].summary, "Edited rank of 2 statements: cleanup");
    assert_eq!(
        results_summary(&response),
        "1 entity edited, 1 unchanged, 0 not edited."
    );
}

#[tokio::test]
async fn batch_edit_conflicts_and_errors_are_reported_per_entity() {
    let mut setup = logged_in().await;
    add_batch_entities(&setup);
    setup
        .wikibase
        .fail_edits_with("editconflict", "Edit conflict.");
    let response = setup
        .post(
            "/batch/list/collective/www.wikidata.org/set/deprecated",
            &[("statement_ids", "Q1$a")],
        )
        .await;
    let outcomes = results(&response);
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert!(
        outcomes[0]
            .1
            .starts_with("Not edited: someone else edited this entity"),
        "{outcomes:?}"
    );
    setup
        .wikibase
        .fail_edits_with("failed-save", "The save has <failed>.");
    let response = setup
        .post(
            "/batch/list/collective/www.wikidata.org/set/deprecated",
            &[("statement_ids", "Q1$a")],
        )
        .await;
    assert_eq!(
        results(&response),
        [(
            "Q1 (Q1)".to_owned(),
            "Not edited: The save has <failed>.".to_owned()
        )]
    );
    // The wiki's text, isolated in its own direction and escaped.
    assert_eq!(
        response.text_of("table.commands td bdi[dir=auto]"),
        "The save has <failed>."
    );
    assert!(!response.body.contains("<failed>"));
}

#[tokio::test]
async fn a_batch_of_500_statements_reads_entities_50_at_a_time() {
    let mut setup = logged_in().await;
    let mut lines = String::new();
    for entity in 1..=125 {
        let statements = (1..=4)
            .map(|n| string_statement(&format!("Q{entity}$s{n}"), "P31", "x", "normal"))
            .collect();
        setup.wikibase.add_entity(&format!("Q{entity}"), statements);
        for n in 1..=4 {
            lines.push_str(&format!("Q{entity}$s{n}\n"));
        }
    }
    let response = setup
        .post(
            "/batch/list/collective/www.wikidata.org/set/deprecated",
            &[("statement_ids", &lines)],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        results_summary(&response),
        "125 entities edited, 0 unchanged, 0 not edited."
    );
    let reads = setup.fake.requests_with(&[("action", "wbgetentities")]);
    assert_eq!(reads.len(), 3);
    for read in &reads {
        let ids = read.param("ids").unwrap_or_default().split('|').count();
        assert!(ids <= 50, "{ids} ids in one request");
    }
    let edits = setup.wikibase.edits();
    assert_eq!(edits.len(), 125);
    assert!(
        edits
            .iter()
            .all(|e| e.summary == "Set rank of 4 statements to deprecated")
    );
}

const S1: &str = "http://www.wikidata.org/entity/statement/Q1-a";
const S2: &str = "http://www.wikidata.org/entity/statement/Q2-a";

#[tokio::test]
async fn a_query_batch_changes_the_statements_the_query_selects() {
    let mut setup = logged_in().await;
    add_batch_entities(&setup);
    setup.sparql.set_uri_rows(
        &["statement"],
        &[vec![("statement", S1)], vec![("statement", S2)]],
    );
    let query = "SELECT ?statement WHERE { ?item p:P31 ?statement. }";
    let response = setup
        .post(
            "/batch/query/collective/www.wikidata.org/increment",
            &[("query", query)],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(setup.sparql.queries(), [query]);
    assert!(setup.sparql.user_agents()[0].starts_with("ranker/"));
    assert_eq!(setup.wikibase.rank_of("Q1$a").as_deref(), Some("preferred"));
    assert_eq!(setup.wikibase.rank_of("Q2$a").as_deref(), Some("normal"));
}

#[tokio::test]
async fn an_individual_query_batch_takes_ranks_and_reasons_from_the_results() {
    let mut setup = logged_in().await;
    add_batch_entities(&setup);
    setup.sparql.set_uri_rows(
        &["statement", "rank", "reasonForDeprecatedRank"],
        &[
            vec![
                ("statement", S1),
                ("rank", "http://wikiba.se/ontology#DeprecatedRank"),
                (
                    "reasonForDeprecatedRank",
                    "http://www.wikidata.org/entity/Q1193907",
                ),
            ],
            vec![
                ("statement", S2),
                ("rank", "http://wikiba.se/ontology#NormalRank"),
            ],
        ],
    );
    let response = setup
        .post(
            "/batch/query/individual/www.wikidata.org/",
            &[(
                "query",
                "SELECT ?statement ?rank ?reasonForDeprecatedRank WHERE {}",
            )],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let a = setup.wikibase.statement("Q1$a").expect("statement");
    assert_eq!(a["rank"], "deprecated");
    assert_eq!(
        a["qualifiers"]["P2241"][0]["datavalue"]["value"]["id"],
        "Q1193907"
    );
    assert_eq!(setup.wikibase.rank_of("Q2$a").as_deref(), Some("normal"));
}

#[tokio::test]
async fn query_problems_keep_the_query_and_edit_nothing() {
    let mut setup = logged_in().await;
    add_batch_entities(&setup);
    setup
        .sparql
        .fail_with(400, "MalformedQueryException: Encountered \"<EOF>\"");
    let response = setup
        .post(
            "/batch/query/collective/www.wikidata.org/increment",
            &[("query", "SELECT ?statement WHERE {")],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        form_errors(&response),
        [
            "The query service refused the query (400): MalformedQueryException: Encountered \"<EOF>\""
        ]
    );
    assert_eq!(
        response.raw_text_of("textarea[name=query]"),
        "SELECT ?statement WHERE {"
    );

    setup.sparql.set_uri_rows(&["item"], &[]);
    let response = setup
        .post(
            "/batch/query/individual/www.wikidata.org/",
            &[("query", "SELECT ?item WHERE {}")],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        form_errors(&response),
        ["The query must select ?statement."]
    );

    setup.sparql.set_uri_rows(
        &["statement"],
        &[vec![(
            "statement",
            "http://test.wikidata.org/entity/statement/Q1-a",
        )]],
    );
    let response = setup
        .post(
            "/batch/query/collective/www.wikidata.org/set/normal",
            &[("query", "SELECT ?statement WHERE {}")],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    let errors = form_errors(&response);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("Line 1: not a statement ID"),
        "{errors:?}"
    );

    let commons = setup
        .client
        .get("/batch/query/collective/commons.wikimedia.org/")
        .await;
    assert_eq!(commons.status, StatusCode::BAD_REQUEST);
    assert!(setup.wikibase.edits().is_empty());
}

#[tokio::test]
async fn settings_choose_the_interface_language_as_the_language_menu_does() {
    let mut setup = setup().await;
    let get = setup.client.get("/settings/").await;
    assert_eq!(get.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(get.location(), Some("/language?return_to=%2F"));
    let saved = setup
        .post("/settings/", &[("interface-language-code", "de")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let start = setup.client.get("/").await;
    assert_eq!(start.attr("html", "lang").as_deref(), Some("de"));
    let unknown = setup
        .post("/settings/", &[("interface-language-code", "xx-nonsense")])
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn pages_speak_the_requested_language() {
    let mut setup = setup().await;
    add_q1(&setup);
    let keys = setup.client.get(&format!("{EDIT_Q1}?uselang=qqx")).await;
    let intro = keys.text_of("main > p:first-of-type");
    assert!(intro.starts_with("(ranker-edit-intro: 3, "), "{intro}");
    assert_eq!(
        keys.select_text("fieldset div.statement label > strong"),
        [
            "(ranker-rank-normal)",
            "(ranker-rank-preferred)",
            "(ranker-rank-deprecated)"
        ]
    );
}

/// Every address of the original Flask tool answers here: the same route, or a permanent
/// redirect to the one that does the same.
#[tokio::test]
async fn every_address_of_the_original_tool_still_answers() {
    let mut setup = logged_in().await;
    add_batch_entities(&setup);
    let q1 = setup.wikibase.revision_of("Q1").expect("Q1").to_string();
    setup.sparql.set_uri_rows(&["statement", "rank"], &[]);
    let get = |path: &'static str, expected: StatusCode| (Method::GET, path, vec![], expected);
    let post = |path: &'static str, fields: Vec<(&'static str, String)>, expected: StatusCode| {
        (Method::POST, path, fields, expected)
    };
    let wiki = || vec![("wiki", "www.wikidata.org".to_owned())];
    let routes = vec![
        get("/", StatusCode::OK),
        post(
            "/",
            vec![
                ("wiki", "www.wikidata.org".to_owned()),
                ("entity_id", "Q1".to_owned()),
                ("property_id", "P31".to_owned()),
            ],
            StatusCode::SEE_OTHER,
        ),
        post("/batch/list/collective/", wiki(), StatusCode::SEE_OTHER),
        post("/batch/list/individual/", wiki(), StatusCode::SEE_OTHER),
        post("/batch/query/collective/", wiki(), StatusCode::SEE_OTHER),
        post("/batch/query/individual/", wiki(), StatusCode::SEE_OTHER),
        get("/edit/www.wikidata.org/Q1/P31/", StatusCode::OK),
        get(
            "/edit/www.wikidata.org/Q1/P31",
            StatusCode::PERMANENT_REDIRECT,
        ),
        post(
            "/edit/www.wikidata.org/Q1/P31/set/normal",
            vec![
                ("base_revision_id", q1.clone()),
                ("statement", "Q1$a".to_owned()),
            ],
            StatusCode::SEE_OTHER,
        ),
        post(
            "/edit/www.wikidata.org/Q1/P31/increment",
            vec![("base_revision_id", q1), ("statement", "Q1$b".to_owned())],
            StatusCode::SEE_OTHER,
        ),
        get("/batch/list/collective/www.wikidata.org/", StatusCode::OK),
        post(
            "/batch/list/collective/www.wikidata.org/set/normal",
            vec![("statement_ids", "Q2$a".to_owned())],
            StatusCode::OK,
        ),
        post(
            "/batch/list/collective/www.wikidata.org/increment",
            vec![("statement_ids", "Q2$a".to_owned())],
            StatusCode::OK,
        ),
        get("/batch/query/collective/www.wikidata.org/", StatusCode::OK),
        post(
            "/batch/query/collective/www.wikidata.org/set/normal",
            vec![("query", "SELECT ?statement ?rank {}".to_owned())],
            StatusCode::BAD_REQUEST, // the query found nothing: said on the form
        ),
        post(
            "/batch/query/collective/www.wikidata.org/increment",
            vec![("query", "SELECT ?statement ?rank {}".to_owned())],
            StatusCode::BAD_REQUEST,
        ),
        get("/batch/list/individual/www.wikidata.org/", StatusCode::OK),
        post(
            "/batch/list/individual/www.wikidata.org/",
            vec![("commands", "Q2$a|deprecated".to_owned())],
            StatusCode::OK,
        ),
        get("/batch/query/individual/www.wikidata.org/", StatusCode::OK),
        post(
            "/batch/query/individual/www.wikidata.org/",
            vec![("query", "SELECT ?statement ?rank {}".to_owned())],
            StatusCode::BAD_REQUEST,
        ),
        get("/settings/", StatusCode::PERMANENT_REDIRECT),
        post(
            "/settings/",
            vec![("interface-language-code", "en".to_owned())],
            StatusCode::SEE_OTHER,
        ),
        get("/logout", StatusCode::OK),
        get("/oauth/callback", StatusCode::BAD_REQUEST),
        get("/login", StatusCode::SEE_OTHER),
    ];
    for (method, path, fields, expected) in routes {
        let response = if method == Method::GET {
            setup.client.get(path).await
        } else {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            setup.post(path, &fields).await
        };
        assert_eq!(
            response.status, expected,
            "{method} {path}: {}",
            response.body
        );
    }
    let logout = setup.client.get("/logout").await;
    logout.assert_has("main form[method=post][action=\"/logout\"] button[type=submit]");
    let edit = setup
        .client
        .get("/edit/www.wikidata.org/Q1/P31?uselang=de")
        .await;
    assert_eq!(
        edit.location(),
        Some("/edit/www.wikidata.org/Q1/P31/?uselang=de")
    );
}

#[tokio::test]
async fn json_of_unchanged_statement_parts_goes_back_unchanged() {
    let mut setup = logged_in().await;
    let mut statement = string_statement("Q9$x", "P31", "x", "normal");
    statement["references"] =
        json!([{"hash": "abc", "snaks": {"P854": []}, "snaks-order": ["P854"]}]);
    statement["qualifiers"] = json!({"P580": [{"snaktype": "somevalue", "property": "P580"}]});
    statement["qualifiers-order"] = json!(["P580"]);
    let revision = setup.wikibase.add_entity("Q9", vec![statement.clone()]);
    setup
        .post(
            "/edit/www.wikidata.org/Q9/P31/set/preferred",
            &[
                ("base_revision_id", &revision.to_string()),
                ("statement", "Q9$x"),
            ],
        )
        .await;
    let mut expected = statement;
    expected["rank"] = json!("preferred");
    assert_eq!(setup.wikibase.statement("Q9$x"), Some(expected));
}
