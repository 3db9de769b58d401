//! Ranker in a real browser (headless Chromium): pick an entity and a property on the start
//! page, log in through the fake wiki's OAuth pages, tick statements by clicking their values,
//! set a rank with a reason, increment another; a list batch with a bad line (the errors shown,
//! the text kept), fixed and run; forged forms from another site refused; and what every page
//! must have (source link, labels, no horizontal overflow at phone width; screenshots in
//! `target/screenshots/`). Skipped, saying why, where no Chromium is installed.

mod common;

use test_support::{
    Browser, FakeSparql, FakeUser, FakeWiki, FakeWikibase, item_statement, serve, string_statement,
    with_item_qualifier,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_ranks_statements_one_entity_and_a_batch_at_a_time() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let fake = FakeWiki::start().await;
    fake.add_user(FakeUser::new("Ranking User"));
    let wikibase = FakeWikibase::new();
    let answering = wikibase.clone();
    fake.on_api(move |request| answering.answer(request));
    wikibase.set_label("Q1", "Universe");
    wikibase.set_label("Q5", "human");
    wikibase.add_entity(
        "Q1",
        vec![
            item_statement("Q1$aaa", "P31", "Q5", "normal"),
            with_item_qualifier(
                string_statement("Q1$bbb", "P31", "a very long value that must wrap on a phone's narrow screen rather than overflow it", "preferred"),
                "P7452",
                "Q71533355",
            ),
            string_statement("Q1$ccc", "P31", "old", "deprecated"),
        ],
    );
    wikibase.add_entity("Q2", vec![string_statement("Q2$x", "P31", "x", "normal")]);
    let sparql = FakeSparql::start().await;
    let tool = serve(common::app(&fake, &sparql)).await;
    fake.set_callback_url(&format!("{tool}/oauth/callback"));

    browser.goto(&format!("{tool}/")).await;
    browser.check_page("ranker-index").await;
    browser.fill("#entity_id", "Q1").await;
    browser.fill("#property_id", "P31").await;
    browser
        .click("form[action=\"/\"] button[type=submit]")
        .await;
    browser.wait_for_url("/edit/www.wikidata.org/Q1/P31/").await;
    browser.wait_for_text("<span>human</span>").await;
    browser.check_page("ranker-edit-logged-out").await;

    browser.click("header .login-area a").await;
    browser.wait_for_url("/edit/www.wikidata.org/Q1/P31/").await;
    browser
        .wait_for_text("Logged in as <strong>Ranking User</strong>")
        .await;
    browser.check_page("ranker-edit").await;

    // A click on the value (a span, not a link) ticks the statement's checkbox.
    browser
        .click("input[value=\"Q1$aaa\"] ~ span[dir=auto]")
        .await;
    browser.fill("#reason", "Q71536040").await;
    browser
        .click("button[formaction=\"/edit/www.wikidata.org/Q1/P31/set/preferred\"]")
        .await;
    browser.wait_for_text("Saved.").await;
    browser.check_page("ranker-edit-saved").await;
    assert_eq!(wikibase.rank_of("Q1$aaa").as_deref(), Some("preferred"));
    assert_eq!(
        wikibase.statement("Q1$aaa").expect("statement")["qualifiers"]["P7452"][0]["datavalue"]["value"]
            ["id"],
        "Q71536040"
    );

    browser
        .goto(&format!("{tool}/edit/www.wikidata.org/Q1/P31/"))
        .await;
    browser.click("input[value=\"Q1$ccc\"]").await;
    browser
        .click("form[action=\"/edit/www.wikidata.org/Q1/P31/increment\"] button:not([formaction])")
        .await;
    browser.wait_for_text("Saved.").await;
    assert_eq!(wikibase.rank_of("Q1$ccc").as_deref(), Some("normal"));

    // A list batch: a bad line is reported and the text kept; fixed, it runs.
    browser
        .goto(&format!("{tool}/batch/list/collective/www.wikidata.org/"))
        .await;
    browser.fill("#batch-text", "Q2$x\nQ12x$y").await;
    browser
        .click("button[formaction=\"/batch/list/collective/www.wikidata.org/set/deprecated\"]")
        .await;
    browser.wait_for_text("Line 2:").await;
    browser.check_page("ranker-batch-errors").await;
    assert!(browser.html().await.contains("Q2$x\nQ12x$y</textarea>"));
    assert!(
        wikibase.edits().len() == 2,
        "nothing edited by the bad batch"
    );
    browser.fill("#batch-text", "Q2$x").await;
    browser
        .click("button[formaction=\"/batch/list/collective/www.wikidata.org/set/deprecated\"]")
        .await;
    browser.wait_for_text("1 entity edited").await;
    browser.check_page("ranker-batch-results").await;
    assert_eq!(wikibase.rank_of("Q2$x").as_deref(), Some("deprecated"));

    // Forms from another site are refused and change nothing.
    let edits = wikibase.edits().len();
    for route in [
        "/edit/www.wikidata.org/Q1/P31/set/deprecated",
        "/edit/www.wikidata.org/Q1/P31/increment",
        "/batch/list/collective/www.wikidata.org/set/normal",
        "/batch/list/individual/www.wikidata.org/",
        "/logout",
    ] {
        let html = browser
            .post_from_another_site(
                &format!("{tool}{route}"),
                &[
                    ("statement", "Q1$bbb"),
                    ("statement_ids", "Q2$x"),
                    ("commands", "Q2$x|normal"),
                ],
            )
            .await;
        assert!(
            html.contains("came from another website"),
            "{route}: {html}"
        );
    }
    assert_eq!(wikibase.edits().len(), edits);
    browser.goto(&format!("{tool}/")).await;
    assert!(
        browser
            .html()
            .await
            .contains("Logged in as <strong>Ranking User</strong>"),
        "the session survived the forged requests"
    );
    browser.close().await;
}
