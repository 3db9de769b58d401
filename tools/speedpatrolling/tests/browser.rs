//! SpeedPatrolling in a real browser (headless Chromium): log in through the fake wiki's OAuth
//! pages, patrol an edit, skip one, roll one back, log out; and what every page must have
//! (source link, labels, no horizontal overflow at phone width; screenshots in
//! `target/screenshots/`). Skipped, saying why, where no Chromium is installed.

mod common;

use common::{Wiki, edit};
use speedpatrolling::Settings;
use test_support::{Browser, FakeUser, FakeWiki, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patroller_logs_in_patrols_skips_rolls_back_and_logs_out() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let fake = FakeWiki::start().await;
    // A rollbacker on the patrolled wiki.
    fake.add_user(FakeUser::new("Rollbacker").with_rights(&["patrol", "rollback"]));
    let wiki = Wiki::default();
    *wiki.edits.lock().expect("lock") = vec![
        edit(103, 3, "Q3", "192.0.2.5", "Paris"),
        edit(102, 2, "Q2", "Alice", "London"),
        edit(101, 1, "Q1", "Bob", "Rome"),
    ];
    let answering = wiki.clone();
    fake.on_api(move |request| answering.answer(request));

    // As `just run` serves it (plain HTTP), logging in at the fake wiki.
    let wiki_url = fake.url().to_owned();
    let oauth = fake.oauth_env();
    let mut env: Vec<(&str, &str)> = vec![("TOOL_WIKI_URL", &wiki_url)];
    env.extend(oauth.iter().map(|(k, v)| (*k, v.as_str())));
    let config = test_support::config::<Settings>(&env);
    let platform = speedpatrolling::platform(&config).expect("platform");
    let tool = serve(speedpatrolling::app(&platform, &config.tool)).await;
    fake.set_callback_url(&format!("{tool}/oauth/callback"));

    browser.goto(&format!("{tool}/")).await;
    browser.check_page("speedpatrolling-index").await;
    browser.click("main a.button[href^=\"/login\"]").await;
    browser.wait_for_url("/diff/103/").await;
    browser
        .wait_for_text("Logged in as <strong>Rollbacker</strong>")
        .await;
    browser.check_page("speedpatrolling-diff").await;

    browser
        .click("form[action=\"/diff/103/patrol\"] button")
        .await;
    browser.wait_for_url("/diff/102/").await;
    browser
        .click("form[action=\"/diff/102/skip\"] button")
        .await;
    browser.wait_for_url("/diff/101/").await;
    browser
        .click("form[action=\"/diff/101/rollback\"] button")
        .await;
    // Nothing left to patrol: 103 patrolled, 102 skipped, 101 rolled back.
    browser.wait_for_url("/diff/").await;
    browser.check_page("speedpatrolling-nothing").await;

    assert_eq!(
        fake.requests_with(&[("action", "patrol"), ("revid", "103")])
            .len(),
        1
    );
    assert_eq!(
        fake.requests_with(&[("action", "rollback"), ("title", "Q1"), ("user", "Bob")])
            .len(),
        1
    );
    assert!(
        fake.requests_with(&[("action", "patrol"), ("revid", "102")])
            .is_empty()
    );

    // A form from another site posting to the tool's routes is refused, and changes nothing.
    for route in [
        "/diff/102/patrol",
        "/diff/102/rollback",
        "/diff/102/skip",
        "/settings/",
        "/logout",
    ] {
        let html = browser
            .post_from_another_site(&format!("{tool}{route}"), &[("script", "Latn")])
            .await;
        assert!(
            html.contains("came from another website"),
            "{route}: {html}"
        );
    }
    assert!(
        fake.requests_with(&[("action", "patrol"), ("revid", "102")])
            .is_empty()
    );
    browser.goto(&format!("{tool}/")).await;
    assert!(
        browser
            .html()
            .await
            .contains("Logged in as <strong>Rollbacker</strong>"),
        "the session survived the forged requests"
    );

    browser.click("form[action=\"/logout\"] button").await;
    browser.wait_for_url(&format!("{tool}/")).await;
    browser.wait_for_text("Log in and start patrolling").await;
    browser.close().await;
}
