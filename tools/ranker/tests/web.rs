//! Ranker end to end through its router: reading and editing statements on a fake Wikibase
//! (through the fake wiki's OAuth and Action API), batches from lists and from a fake query
//! service, and every address of the original tool.

mod common;

use axum::http::{Method, StatusCode};
use common::{Setup, logged_in, setup};
use serde_json::json;
use test_support::{item_statement, string_statement, with_item_qualifier};

const EDIT_Q1: &str = "/edit/www.wikidata.org/Q1/P31/";

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
    for expected in [
        "<option value=\"www.wikidata.org\"",
        "<option value=\"test.wikidata.org\"",
        "<option value=\"commons.wikimedia.org\"",
        "<option value=\"test-commons.wikimedia.org\"",
        "formaction=\"/batch/list/collective/\"",
        "formaction=\"/batch/query/individual/\"",
        "name=\"entity_id\"",
    ] {
        assert!(page.body.contains(expected), "{expected} missing");
    }
    let prefilled = setup
        .client
        .get("/?wiki=commons.wikimedia.org&entity_id=M5&property_id=P180")
        .await;
    assert!(
        prefilled
            .body
            .contains("value=\"commons.wikimedia.org\" selected")
    );
    assert!(prefilled.body.contains("value=\"M5\""));
    assert!(prefilled.body.contains("value=\"P180\""));
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
    assert!(
        missing.body.contains("There is no file"),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("value=\"File:Nothing.jpg\""));
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
    assert!(response.body.contains("Q12x</bdi> is not an entity ID"));
    assert!(response.body.contains("P0</bdi> is not a property ID"));
    assert!(response.body.contains("value=\"Q12x\""));
    assert!(response.body.contains("value=\"P0\""));
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
    assert!(unknown.body.contains("is not a wiki this tool edits"));
}

#[tokio::test]
async fn the_edit_page_lists_the_statements_of_the_property_for_anyone() {
    let mut setup = setup().await;
    let revision = add_q1(&setup);
    let page = setup.client.get(EDIT_Q1).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in [
        "value=\"Q1$aaa\"".to_owned(),
        "value=\"Q1$bbb\"".to_owned(),
        "value=\"Q1$ccc\"".to_owned(),
        format!("name=\"base_revision_id\" value=\"{revision}\""),
        // The wiki's links became spans, its escaping stayed.
        "<span>Q5</span>".to_owned(),
        "&lt;script&gt;alert(1)&lt;/script&gt;".to_owned(),
        "<span>most recent value</span>".to_owned(),
        "<span>Universe</span>".to_owned(),
        "<span>instance of</span>".to_owned(),
        "<strong>preferred</strong>".to_owned(),
        "<strong>deprecated</strong>".to_owned(),
        "log in</a>".to_owned(),
    ] {
        assert!(
            page.body.contains(&expected),
            "{expected} missing in {}",
            page.body
        );
    }
    assert!(
        !page.body.contains("Q1$ddd"),
        "only the property's statements"
    );
    assert!(!page.body.contains("href=\"/wiki/Q5\""));
    assert!(!page.body.contains("<script>"));
    assert!(
        !page
            .body
            .contains("formaction=\"/edit/www.wikidata.org/Q1/P31/set/preferred\""),
        "no edit buttons before login"
    );
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
    assert!(
        missing
            .body
            .contains("There is no entity Q404 on www.wikidata.org")
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
    assert!(after.body.contains("Saved."), "{}", after.body);
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
        assert!(response.body.contains(message), "{path}: {}", response.body);
        assert!(response.body.contains("value=\"Q1$ccc\" checked"));
        assert!(response.body.contains("value=\"Q5\""));
        assert!(response.body.contains("value=\"my words\""));
    }
    let nothing = setup
        .post(
            "/edit/www.wikidata.org/Q1/P31/set/normal",
            &[("base_revision_id", &revision)],
        )
        .await;
    assert_eq!(nothing.status, StatusCode::BAD_REQUEST);
    assert!(nothing.body.contains("Choose at least one statement"));
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
    assert!(response.body.contains("Edit conflict"));
    assert!(response.body.contains(&format!("href=\"{EDIT_Q1}\"")));
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
    assert!(response.body.contains("This page is &#60;protected&#62;."));
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
    assert!(page.body.contains("value=\"M5$x\""), "{}", page.body);
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
    assert!(form.body.contains("name=\"statement_ids\""));
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
    for expected in [
        "3 entities edited, 0 unchanged, 1 not edited.",
        "the wiki has no such entity",
        "Not found on the entity: Q2$zzz.",
        "One statement changed",
    ] {
        assert!(
            response.body.contains(expected),
            "{expected} missing in {}",
            response.body
        );
    }
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
    assert!(response.body.contains("Line 2:"), "{}", response.body);
    assert!(response.body.contains("Line 3:"));
    assert!(!response.body.contains("Line 1:"));
    assert!(
        response
            .body
            .contains(">Q1$a\nQ12x$a\nnot a statement\nQ2$a</textarea>")
    );
    assert!(response.body.contains("value=\"kept\""));
    let individual = setup
        .post(
            "/batch/list/individual/www.wikidata.org/",
            &[("commands", "Q1$a|best\nQ1$b|normal|Q5\nQ2$a|preferred|Q5|x")],
        )
        .await;
    assert_eq!(individual.status, StatusCode::BAD_REQUEST);
    for line in ["Line 1:", "Line 2:", "Line 3:"] {
        assert!(individual.body.contains(line), "{line}");
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
    assert!(
        response
            .body
            .contains("1 entity edited, 1 unchanged, 0 not edited.")
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
    assert!(
        response.body.contains("someone else edited this entity"),
        "{}",
        response.body
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
    assert!(
        response
            .body
            .contains("Not edited: <bdi dir=\"auto\">The save has &#60;failed&#62;.</bdi>")
    );
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
    assert!(
        response
            .body
            .contains("125 entities edited, 0 unchanged, 0 not edited.")
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
    assert!(
        response.body.contains("MalformedQueryException"),
        "{}",
        response.body
    );
    assert!(
        response
            .body
            .contains(">SELECT ?statement WHERE {</textarea>")
    );

    setup.sparql.set_uri_rows(&["item"], &[]);
    let response = setup
        .post(
            "/batch/query/individual/www.wikidata.org/",
            &[("query", "SELECT ?item WHERE {}")],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(response.body.contains("The query must select ?statement"));

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
    assert!(response.body.contains("Line 1:"));

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
    assert!(start.body.contains("lang=\"de\""));
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
    assert!(
        keys.body.contains("(ranker-edit-intro: 3, "),
        "{}",
        keys.body
    );
    assert!(keys.body.contains("(ranker-rank-preferred)"));
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
    assert!(logout.body.contains("action=\"/logout\""));
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
