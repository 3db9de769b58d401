//! QuickCategories end to end through its router: logged in at the fake wiki, which holds pages
//! and applies edits, with batches in memory or (for the outage test) in MariaDB.

mod common;

use std::str::FromStr;

use axum::http::StatusCode;
use common::{Setup, Tool, env_for, setup, setup_with, url_through};
use quickcategories::store::{BatchStore, CommandStatus, MariaDbStore, MemoryStore, Store};
use serde_json::Value;
use sqlx::mysql::MySqlConnectOptions;
use test_support::{FakeUser, FakeWiki, TestResponse};

/// The batch page's commands, as stored (with their page flags).
fn commands(page: &TestResponse) -> Vec<String> {
    page.select_text("table.commands tbody td:nth-child(2)")
}

/// What became of each command of the batch page.
fn statuses(page: &TestResponse) -> Vec<String> {
    page.select_text("table.commands tbody td:nth-child(3)")
}

/// The batch page's counts of commands.
fn summary(page: &TestResponse) -> String {
    page.text_of("p.summary")
}

/// The reasons listed above the form.
fn form_errors(page: &TestResponse) -> Vec<String> {
    page.select_text("ul.form-errors li")
}

/// The runs listed on the batch page, newest first.
fn history(page: &TestResponse) -> Vec<String> {
    page.select_text("ul.history li")
}

fn field(page: &TestResponse, css: &str) -> Option<String> {
    page.attr(css, "value")
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(text, href)| ((*text).to_owned(), (*href).to_owned()))
        .collect()
}

/// Panics unless `text` contains every one of `parts`, saying which is missing.
fn assert_mentions(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "“{part}” missing in “{text}”");
    }
}

#[tokio::test]
async fn form_explains_the_syntax_and_asks_to_log_in() {
    let fake = FakeWiki::start().await;
    let mut client = Tool::new(&env_for(&fake, &[]), Store::Memory(MemoryStore::new())).client();
    let page = client.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.select_text("table.syntax code")
            .contains(&"+Category:X###key".to_owned())
    );
    assert_eq!(
        page.links("form .buttons a.button"),
        owned(&[("Log in to create a batch", "/login?return_to=%2F")])
    );
    page.assert_none("form button[type=submit]");
}

#[tokio::test]
async fn creating_a_batch_stores_it_and_shows_it_planned() {
    let mut setup = setup().await;
    let created = setup
        .create("Alpha|+Category:New\nBeta#create_missing_page=yes|-Cat:Old\n")
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), Some("/batch/1/"));

    let page = setup.client.get("/batch/1/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text_of("h1"), "Batch #1: Test batch");
    assert_eq!(
        commands(&page),
        [
            "Alpha#resolve_redirects=yes&create_missing_page=no|+Category:New",
            "Beta#resolve_redirects=yes&create_missing_page=yes|-Cat:Old"
        ],
        "form defaults fill the flags"
    );
    assert_eq!(
        summary(&page),
        "2 commands: 0 done, 0 failed, 0 running, 2 planned."
    );
    page.assert_has("form[action=\"/batch/1/run_slice\"] button[type=submit]");

    let list = setup.client.get("/batch/").await;
    assert_eq!(
        list.links("table.batches tbody a"),
        owned(&[("1", "/batch/1/")])
    );
    assert_eq!(
        list.select_text("table.batches tbody td:nth-child(2)"),
        ["Test batch"]
    );
    assert_eq!(
        list.select_text("table.batches tbody td:nth-child(4)"),
        ["Creator"]
    );
}

#[tokio::test]
async fn bad_input_shows_every_error_and_keeps_the_text() {
    let mut setup = setup().await;
    let token = setup.token().await;
    let commands =
        "Good|+Category:A\nNo actions\nAlso good|-Category:B\n|+Category:C\nWrong|+Kategory:D";
    let long_title = "t".repeat(801);
    let response = setup
        .client
        .post_form(
            "/",
            &[
                ("csrf_token", &token),
                ("domain", "example.org"),
                ("title", &long_title),
                ("commands", commands),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    let errors = form_errors(&response);
    assert_eq!(errors.len(), 4, "{errors:?}");
    for (error, expected) in errors.iter().zip([
        "“example.org” is not the domain of a Wikimedia wiki",
        "The title is longer than 800 characters",
        "Line 2: no actions",
        "Line 4: the page title is empty",
    ]) {
        assert!(error.starts_with(expected), "{expected}: {errors:?}");
    }
    assert_eq!(
        response.raw_text_of("form textarea[name=commands]"),
        commands,
        "the commands are kept"
    );
    assert_eq!(
        field(&response, "form input[name=domain]").as_deref(),
        Some("example.org")
    );

    // With a valid domain, namespace prefixes are checked against the wiki.
    let response = setup
        .client
        .post_form(
            "/",
            &[
                ("csrf_token", &token),
                ("domain", "en.wikipedia.org"),
                ("commands", "Wrong|+Kategory:D"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    let errors = form_errors(&response);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_mentions(
        &errors[0],
        &["“Kategory” is not a name of the category namespace"],
    );
    setup
        .client
        .get("/batch/")
        .await
        .assert_none("a[href^=\"/batch/1/\"]");
}

#[tokio::test]
async fn running_a_slice_edits_the_pages_and_records_each_outcome() {
    let mut setup = setup().await;
    setup.wiki.set("Alpha", "Alpha text.\n\n[[Category:Old]]");
    setup.wiki.set("Unchanged", "[[Category:New]]");
    setup.wiki.set("Protected", "text");
    setup.wiki.set("Busy", "text");
    setup.wiki.set("Target", "Target text");
    setup
        .wiki
        .redirects
        .lock()
        .expect("lock")
        .insert("Redirect".into(), "Target".into());
    setup
        .wiki
        .protected
        .lock()
        .expect("lock")
        .push("Protected".into());
    setup
        .wiki
        .conflicts
        .lock()
        .expect("lock")
        .push("Busy".into());
    let commands = "Alpha|+Category:New|-Category:Old\n\
        Unchanged|+Category:New\n\
        Missing|+Category:New\n\
        Created#create_missing_page=yes|+Category:New\n\
        Protected|+Category:New\n\
        Busy|+Category:New\n\
        Redirect|+Category:New\n\
        Talk:|+Category:New\n";
    let created = setup.create(commands).await;
    let batch = created.location().expect("batch page").to_owned();

    let ran = setup.run_slice(&batch).await;
    assert_eq!(ran.status, StatusCode::SEE_OTHER, "{}", ran.body);
    assert_eq!(ran.location(), Some(batch.as_str()));

    assert_eq!(
        setup.wiki.page("Alpha").as_deref(),
        Some("Alpha text.\n\n[[Category:New]]")
    );
    assert_eq!(
        setup.wiki.page("Created").as_deref(),
        Some("[[Category:New]]")
    );
    assert_eq!(
        setup.wiki.page("Target").as_deref(),
        Some("Target text\n[[Category:New]]"),
        "redirect followed"
    );
    assert!(
        setup.wiki.page("Missing").is_none(),
        "missing pages are not created unless asked"
    );

    let page = setup.client.get(&batch).await;
    assert_eq!(
        statuses(&page),
        [
            "edited (revision 1001)",
            "no change needed",
            "page does not exist",
            "page created (revision 1002)",
            "page protected (This page has been protected to prevent editing.)",
            "edit conflict (the page changed while it was edited)",
            "edited (revision 1003)",
            "invalid title",
        ]
    );
    assert_eq!(
        page.links("table.commands tbody a"),
        owned(&[
            ("edited", "https://en.wikipedia.org/w/index.php?diff=1001"),
            (
                "page created",
                "https://en.wikipedia.org/w/index.php?diff=1002"
            ),
            ("edited", "https://en.wikipedia.org/w/index.php?diff=1003"),
        ])
    );
    assert_eq!(
        summary(&page),
        "8 commands: 4 done, 4 failed, 0 running, 0 planned."
    );
    page.assert_none("[action$=\"/run_slice\"]");

    let edits = setup.requests(&[("action", "edit"), ("title", "Alpha")]);
    let edit = &edits[0];
    assert_eq!(edit.user.as_deref(), Some("Creator"));
    assert_eq!(edit.param("basetimestamp"), Some("2026-01-01T00:00:00Z"));
    assert_eq!(edit.param("starttimestamp"), Some("2026-11-28T00:00:00Z"));
    assert_eq!(edit.param("nocreate"), Some("1"));
    assert_eq!(edit.param("maxlag"), Some("5"));
    assert_eq!(edit.param("assert"), Some("user"));
    assert_eq!(edit.param("minor"), None);
    assert_eq!(
        edit.param("summary"),
        Some(
            "[[toolforge:quickcategories/batch/1/|QuickCategories batch #1]]: +[[:Category:New]], −[[:Category:Old]]"
        )
    );
    let creation = &setup.requests(&[("action", "edit"), ("title", "Created")])[0];
    assert_eq!(creation.param("createonly"), Some("1"));
}

#[tokio::test]
async fn slices_run_in_order_and_stop_at_the_slice_size() {
    let mut setup = setup_with(
        &[("TOOL_SLICE_SIZE", "2")],
        Store::Memory(MemoryStore::new()),
    )
    .await;
    for title in ["P1", "P2", "P3"] {
        setup.wiki.set(title, "text");
    }
    let batch = setup
        .create("P1|+Category:X\nP2|+Category:X\nP3|+Category:X")
        .await
        .location()
        .expect("batch")
        .to_owned();
    setup.run_slice(&batch).await;
    assert!(
        setup
            .wiki
            .page("P2")
            .is_some_and(|t| t.contains("[[Category:X]]"))
    );
    assert_eq!(
        setup.wiki.page("P3").as_deref(),
        Some("text"),
        "beyond the slice"
    );
    assert_eq!(
        summary(&setup.client.get(&batch).await),
        "3 commands: 2 done, 0 failed, 0 running, 1 planned."
    );
    setup.run_slice(&batch).await;
    assert!(
        setup
            .wiki
            .page("P3")
            .is_some_and(|t| t.contains("[[Category:X]]"))
    );
}

#[tokio::test]
async fn only_the_creator_may_run_a_batch() {
    let mut setup = setup().await;
    let batch = setup
        .create("Page|+Category:X")
        .await
        .location()
        .expect("batch")
        .to_owned();

    // The fake authorizes the user added last: log out and in again as someone else.
    setup.fake.add_user(FakeUser::new("Someone else"));
    let token = setup.token().await;
    setup
        .client
        .post_form("/logout", &[("csrf_token", &token)])
        .await;
    setup.fake.log_in(&mut setup.client, "/login").await;
    let page = setup.client.get(&batch).await;
    assert_eq!(
        page.select_text("main > p.hint")
            .first()
            .map(String::as_str),
        Some("Only Creator can run this batch.")
    );
    page.assert_none("[action$=\"/run_slice\"]");
    let refused = setup.run_slice(&batch).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(setup.requests(&[("action", "edit")]).is_empty());
}

#[tokio::test]
async fn anonymous_posts_are_refused_without_losing_anything() {
    let fake = FakeWiki::start().await;
    let mut client = Tool::new(&env_for(&fake, &[]), Store::Memory(MemoryStore::new())).client();
    let token = client.get("/").await.csrf_token().expect("token");
    let response = client
        .post_form(
            "/",
            &[
                ("csrf_token", &token),
                ("domain", "en.wikipedia.org"),
                ("commands", "P|+Category:X"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.error_message(),
        "You need to be logged in for this. Nothing was changed."
    );
}

#[tokio::test]
async fn every_post_needs_the_csrf_token() {
    let mut setup = setup().await;
    let batch = setup
        .create("Page|+Category:X")
        .await
        .location()
        .expect("batch")
        .to_owned();
    for path in ["/".to_owned(), format!("{batch}run_slice")] {
        let response = setup
            .client
            .post_form(
                &path,
                &[
                    ("csrf_token", "forged"),
                    ("domain", "en.wikipedia.org"),
                    ("commands", "P|+Category:Y"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{path}");
    }
    assert!(setup.requests(&[("action", "edit")]).is_empty());
    setup
        .client
        .get("/batch/")
        .await
        .assert_none("a[href=\"/batch/2/\"]");
}

#[tokio::test]
async fn exports_give_commands_titles_and_metadata() {
    let mut setup = setup().await;
    setup.wiki.set("A", "text");
    let batch = setup
        .create("A|+Category:X\nB b|-Category:Y#k")
        .await
        .location()
        .expect("batch")
        .to_owned();
    setup.run_slice(&batch).await;

    let tpsv = setup.client.get(&format!("{batch}export/tpsv.txt")).await;
    assert_eq!(
        tpsv.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        tpsv.body,
        "A#resolve_redirects=yes&create_missing_page=no|+Category:X\nB b#resolve_redirects=yes&create_missing_page=no|-Category:Y#k\n"
    );
    assert_eq!(
        setup
            .client
            .get(&format!("{batch}export/titles.txt"))
            .await
            .body,
        "A\nB b\n"
    );
    let metadata: Value = serde_json::from_str(
        &setup
            .client
            .get(&format!("{batch}export/metadata.json"))
            .await
            .body,
    )
    .expect("json");
    assert_eq!(metadata["id"], 1);
    assert_eq!(metadata["domain"], "en.wikipedia.org");
    assert_eq!(metadata["creator"], "Creator");
    assert_eq!(metadata["progress"]["succeeded"], 1);
    assert_eq!(metadata["progress"]["failed"], 1);
    assert_eq!(metadata["commands"][0]["outcome"]["kind"], "edited");
    assert_eq!(metadata["commands"][1]["outcome"]["kind"], "page_missing");
}

#[tokio::test]
async fn batch_list_paging_is_validated() {
    let mut setup = setup().await;
    for _ in 0..3 {
        setup.create("Page|+Category:X").await;
    }
    let page = setup.client.get("/batch/?offset=1&limit=1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.links("table.batches tbody a"),
        owned(&[("2", "/batch/2/")])
    );
    assert_eq!(
        page.links("main > p:last-child a"),
        owned(&[
            ("← Newer", "/batch/?offset=0&limit=1"),
            ("Older →", "/batch/?offset=2&limit=1"),
        ])
    );
    for query in ["limit=0", "limit=501", "limit=x", "offset=-1", "offset=abc"] {
        assert_eq!(
            setup.client.get(&format!("/batch/?{query}")).await.status,
            StatusCode::BAD_REQUEST,
            "{query}"
        );
    }
    assert_eq!(
        setup.client.get("/batch/?limit=500").await.status,
        StatusCode::OK
    );
    assert_eq!(
        setup.client.get("/batch/99/").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        setup.client.get("/batch/abc/").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn read_only_mode_refuses_changes_with_the_reason() {
    let mut setup = setup_with(
        &[(
            "TOOL_READ_ONLY_REASON",
            "database maintenance until 12:00 UTC",
        )],
        Store::Memory(MemoryStore::new()),
    )
    .await;
    let form = setup.client.get("/").await;
    assert_eq!(
        form.text_of("p.banner"),
        "Read-only: database maintenance until 12:00 UTC"
    );
    let response = setup.create("Page|+Category:X").await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    let message = response.error_message();
    assert!(
        message.ends_with(": database maintenance until 12:00 UTC"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_outage_is_a_503_and_the_tool_recovers_without_restart() {
    let database = test_support::test_database().await;
    let proxy = test_support::TcpProxy::start(&database.server_address()).await;
    let url = url_through(database.url(), &proxy.address().to_string());
    let store = Store::MariaDb(MariaDbStore::connect_lazy(
        MySqlConnectOptions::from_str(&url).expect("url"),
    ));
    let mut setup = setup_with(&[], store).await;
    let batch = setup
        .create("Page|+Category:X")
        .await
        .location()
        .expect("created")
        .to_owned();
    assert_eq!(setup.client.get(&batch).await.status, StatusCode::OK);

    proxy.cut();
    let down = setup.client.get(&batch).await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    let message = down.error_message();
    assert!(
        message.starts_with("The database is unavailable right now"),
        "{message}"
    );
    assert_eq!(
        setup.client.get("/batch/").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        setup.client.get("/healthz").await.status,
        StatusCode::OK,
        "the health check does not depend on it"
    );

    proxy.restore();
    let up = setup.client.get(&batch).await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.body);
    assert_eq!(
        commands(&up),
        ["Page#resolve_redirects=yes&create_missing_page=no|+Category:X"]
    );
}

/// A second user, logged in with their own browser.
async fn other_user(setup: &Setup, name: &str, groups: &[&str]) -> test_support::TestClient {
    setup
        .fake
        .add_user(FakeUser::new(name).with_only_groups(groups));
    let mut client = setup.tool.client();
    setup.fake.log_in(&mut client, "/login").await;
    client
}

async fn post_with_token(
    client: &mut test_support::TestClient,
    path: &str,
) -> test_support::TestResponse {
    let token = client.get("/").await.csrf_token().expect("token");
    client.post_form(path, &[("csrf_token", &token)]).await
}

#[tokio::test]
async fn a_background_run_shows_on_the_page_and_the_creator_can_stop_it() {
    let mut setup = setup().await;
    setup.create("Alpha|+Category:New").await;
    let before = setup.client.get("/batch/1/").await;
    before.assert_has("form[action=\"/batch/1/start_background\"] button[type=submit]");
    before.assert_none("meta[http-equiv=refresh]");

    let started = setup.start_background("/batch/1/").await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    assert_eq!(started.location(), Some("/batch/1/"));
    // The grant is a second authorization, not the session's tokens.
    let code_exchanges = setup
        .fake
        .token_requests()
        .iter()
        .filter(|r| r.get("grant_type").map(String::as_str) == Some("authorization_code"))
        .count();
    assert_eq!(
        code_exchanges, 2,
        "one for the login, one for the background run"
    );

    let page = setup.client.get("/batch/1/").await;
    let running = page.text_of("section.background.running > p:first-child");
    assert!(
        running.starts_with("Running in the background, started by Creator on"),
        "{running}"
    );
    assert_eq!(
        page.text_of("section.background.running > p strong"),
        "Running in the background"
    );
    assert_eq!(
        page.attr("head meta[http-equiv=refresh]", "content")
            .as_deref(),
        Some("10")
    );
    page.assert_has(
        "section.background form[action=\"/batch/1/stop_background\"] button[type=submit]",
    );
    page.assert_none("[action$=\"/run_slice\"]");
    let runs = history(&page);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert!(
        runs[0].starts_with("Started by Creator on") && runs[0].ends_with(", running."),
        "{runs:?}"
    );

    let again = setup.start_background("/batch/1/").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(
        again.error_message(),
        "This batch is already running in the background."
    );
    let slice = setup.run_slice("/batch/1/").await;
    assert_eq!(slice.status, StatusCode::CONFLICT);

    let run = setup
        .tool
        .store
        .batch(1)
        .await
        .expect("store")
        .expect("batch")
        .background[0]
        .id;
    assert!(
        setup
            .tool
            .store
            .credentials(run)
            .await
            .expect("store")
            .is_some()
    );
    let stopped = setup.stop_background("/batch/1/").await;
    assert_eq!(stopped.status, StatusCode::SEE_OTHER, "{}", stopped.body);
    assert!(
        setup
            .tool
            .store
            .credentials(run)
            .await
            .expect("store")
            .is_none(),
        "stopping deletes the tokens"
    );
    let page = setup.client.get("/batch/1/").await;
    page.assert_none("meta[http-equiv=refresh]");
    page.assert_none("section.background");
    let runs = history(&page);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_mentions(
        &runs[0],
        &["Started by Creator on", "; stopped by Creator on"],
    );
    page.assert_has("form[action=\"/batch/1/start_background\"] button[type=submit]");
    let not_running = setup.stop_background("/batch/1/").await;
    assert_eq!(not_running.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn only_an_autoconfirmed_creator_may_start_a_background_run() {
    let mut setup = setup().await;
    setup.create("Alpha|+Category:New").await;

    let mut other = other_user(&setup, "Other", &["user", "autoconfirmed"]).await;
    let refused = post_with_token(&mut other, "/batch/1/start_background").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let message = refused.error_message();
    assert!(message.starts_with("Only Creator"), "{message}");

    let mut newcomer = other_user(&setup, "Newcomer", &["*", "user"]).await;
    let token = newcomer.get("/").await.csrf_token().expect("token");
    let created = newcomer
        .post_form(
            "/",
            &[
                ("csrf_token", &token),
                ("domain", "en.wikipedia.org"),
                ("commands", "Beta|+Category:X"),
            ],
        )
        .await;
    assert_eq!(created.location(), Some("/batch/2/"));
    let refused = post_with_token(&mut newcomer, "/batch/2/start_background").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_mentions(
        &refused.error_message(),
        &[
            "Only users who are autoconfirmed on en.wikipedia.org",
            "step by step",
        ],
    );

    // Autoconfirmed on the login wiki is not enough: the batch's wiki decides.
    let mut meta_only = other_user(&setup, "MetaOnly", &["*", "user", "autoconfirmed"]).await;
    setup
        .fake
        .set_wiki_user("MetaOnly", &["*", "user"], &["read", "edit"], None);
    let token = meta_only.get("/").await.csrf_token().expect("token");
    let created = meta_only
        .post_form(
            "/",
            &[
                ("csrf_token", &token),
                ("domain", "en.wikipedia.org"),
                ("commands", "Gamma|+Category:X"),
            ],
        )
        .await;
    let batch_page = created.location().expect("created").to_owned();
    let refused = post_with_token(&mut meta_only, &format!("{batch_page}start_background")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    // Groups are checked again, on the batch's wiki, with the new authorization: the creator
    // lost autoconfirmed there since the start page read (and cached) their groups.
    setup
        .fake
        .set_wiki_user("Creator", &["*", "user"], &["read", "edit"], None);
    let refused = setup.start_background("/batch/1/").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let batch = setup
        .tool
        .store
        .batch(1)
        .await
        .expect("store")
        .expect("batch");
    assert!(batch.background.is_empty(), "nothing was started");

    let no_token = setup
        .client
        .post_form("/batch/1/start_background", &[])
        .await;
    assert_eq!(no_token.status, StatusCode::BAD_REQUEST, "CSRF-checked");
}

#[tokio::test]
async fn a_grant_from_another_account_is_refused() {
    let mut setup = setup().await;
    setup.create("Alpha|+Category:New").await;
    let token = setup.token().await;
    let start = setup
        .client
        .post_form("/batch/1/start_background", &[("csrf_token", &token)])
        .await;
    let authorize = start.location().expect("to the wiki").to_owned();
    // At the wiki, someone else is logged in and authorizes.
    setup.fake.add_user(FakeUser::new("Someone else"));
    let callback = setup.fake.authorize(&authorize).await;
    let refused = setup.client.get(&callback).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_mentions(
        &refused.error_message(),
        &["You authorized as Someone else"],
    );
    let batch = setup
        .tool
        .store
        .batch(1)
        .await
        .expect("store")
        .expect("batch");
    assert!(batch.background.is_empty());
}

#[tokio::test]
async fn administrators_of_the_wiki_may_stop_a_run_and_others_may_not() {
    let mut setup = setup().await;
    setup.create("Alpha|+Category:New").await;
    setup.start_background("/batch/1/").await;
    // The batch's wiki says who its administrators are, whatever the login wiki says.

    let mut other = other_user(&setup, "Other", &["user", "autoconfirmed"]).await;
    let page = other.get("/batch/1/").await;
    assert_mentions(
        &page.text_of("section.background form .hint"),
        &["administrators of en.wikipedia.org only"],
    );
    let refused = post_with_token(&mut other, "/batch/1/stop_background").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_mentions(
        &refused.error_message(),
        &["or an administrator of en.wikipedia.org"],
    );

    // Administrators of the login wiki are not enough: the groups come from the batch's wiki.
    let mut meta_admin = other_user(&setup, "MetaAdmin", &["user", "sysop"]).await;
    setup
        .fake
        .set_wiki_user("MetaAdmin", &["user"], &["read"], None);
    let refused = post_with_token(&mut meta_admin, "/batch/1/stop_background").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    let mut admin = other_user(&setup, "Admin", &["user"]).await;
    setup
        .fake
        .set_wiki_user("Admin", &["user", "sysop"], &["read"], None);
    let stopped = post_with_token(&mut admin, "/batch/1/stop_background").await;
    assert_eq!(stopped.status, StatusCode::SEE_OTHER, "{}", stopped.body);
    let page = setup.client.get("/batch/1/").await;
    let runs = history(&page);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_mentions(
        &runs[0],
        &["Started by Creator on", "; stopped by Admin on"],
    );
    assert!(
        setup
            .requests(&[("meta", "userinfo")])
            .iter()
            .all(|r| r.user.is_some())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_in_memory_run_in_the_background_too() {
    let mut setup = setup().await;
    setup.wiki.set("Alpha", "Text.");
    setup.wiki.set("Beta", "Text.");
    // The runner edits with the watchlist setting of whoever started the run.
    let token = setup.token().await;
    setup
        .client
        .post_form(
            "/preferences",
            &[("csrf_token", token.as_str()), ("watchlist", "watch")],
        )
        .await;
    setup
        .create("Alpha|+Category:New\nBeta|+Category:New")
        .await;
    setup.start_background("/batch/1/").await;
    let runner = common::RunningRunner::start(setup.tool.runner(setup.tool.store.clone()));
    let batch =
        common::wait_until_done(&setup.tool.store, 1, std::time::Duration::from_secs(30)).await;
    runner.stop().await;
    assert_eq!(
        (setup.wiki.edits("Alpha"), setup.wiki.edits("Beta")),
        (1, 1)
    );
    let edits = setup.requests(&[("action", "edit")]);
    assert!(
        edits.len() == 2 && edits.iter().all(|e| e.param("watchlist") == Some("watch")),
        "{edits:?}"
    );
    assert!(
        batch.active_run().is_none(),
        "the run ended when every command had run"
    );
    let page = setup.client.get("/batch/1/").await;
    let runs = history(&page);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_mentions(&runs[0], &["ended on", "every command has run"]);
    assert!(
        !page.body.contains("The background run stopped"),
        "finishing is no failure"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_runner_claims_nothing() {
    let mut setup = setup().await;
    setup.wiki.set("Alpha", "Text.");
    setup.create("Alpha|+Category:New").await;
    setup.start_background("/batch/1/").await;
    // The same tool restarted in read-only mode.
    let read_only = Tool::new(
        &env_for(&setup.fake, &[("TOOL_READ_ONLY_REASON", "maintenance")]),
        setup.tool.store.clone(),
    );
    let runner = common::RunningRunner::start(read_only.runner(setup.tool.store.clone()));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    runner.stop().await;
    assert_eq!(setup.wiki.total_edits(), 0);
    let batch = setup
        .tool
        .store
        .batch(1)
        .await
        .expect("store")
        .expect("batch");
    assert_eq!(batch.progress().planned, 1, "the batch waits");
    assert!(batch.active_run().is_some(), "and is still running");
}

#[tokio::test]
async fn a_lagged_wiki_leaves_the_slice_planned() {
    let mut setup = setup().await;
    setup.wiki.set("Alpha", "Text.");
    setup.wiki.set("Beta", "Text.");
    setup
        .create("Alpha|+Category:New\nBeta|+Category:New")
        .await;
    setup.wiki.refuse_edits(Some((
        "readonly",
        "The wiki is in read-only mode for maintenance.",
    )));
    let refused = setup.run_slice("/batch/1/").await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_mentions(
        &refused.error_message(),
        &["en.wikipedia.org is read-only", "still planned"],
    );
    let batch = setup
        .tool
        .store
        .batch(1)
        .await
        .expect("store")
        .expect("batch");
    assert_eq!(
        batch.progress().planned,
        2,
        "nothing marked failed, nothing left pending"
    );

    setup.wiki.refuse_edits(None);
    assert_eq!(
        setup.run_slice("/batch/1/").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        (setup.wiki.edits("Alpha"), setup.wiki.edits("Beta")),
        (1, 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slice_cut_off_by_the_request_timeout_still_runs_to_its_end() {
    let mut setup = setup_with(
        &[("TOOL_REQUEST_TIMEOUT_SECONDS", "1")],
        Store::Memory(MemoryStore::new()),
    )
    .await;
    let titles = ["P1", "P2", "P3", "P4", "P5", "P6"];
    for title in titles {
        setup.wiki.set(title, "Text.");
    }
    let commands: Vec<String> = titles
        .iter()
        .map(|title| format!("{title}|+Category:New"))
        .collect();
    setup.create(&commands.join("\n")).await;
    // Six edits of half a second each: the slice outlives its one-second request.
    setup.wiki.slow_edits(std::time::Duration::from_millis(500));

    let ran = setup.run_slice("/batch/1/").await;
    assert_eq!(ran.status, StatusCode::REQUEST_TIMEOUT, "{}", ran.body);

    let batch = common::wait_for_batch(
        &setup.tool.store,
        1,
        "the cut-off slice leaving no command pending",
        |batch| batch.progress().pending == 0,
    )
    .await;
    for command in &batch.commands {
        assert!(
            matches!(
                command.status,
                CommandStatus::Done(_) | CommandStatus::Planned
            ),
            "{} is {:?}: each command is done or planned again",
            command.command,
            command.status
        );
    }
}

/// The AGPL relies on this link: every page names the repository, as an absolute URL.
#[tokio::test]
async fn every_page_links_to_the_source_code() {
    let mut setup = setup().await;
    for path in ["/", "/batch/"] {
        let page = setup.client.get(path).await;
        assert_eq!(
            page.links("footer.site-footer a").first(),
            Some(&(
                "Source code".to_owned(),
                "https://gitlab.wikimedia.org/toolforge-repos/rust-tools".to_owned()
            )),
            "{path}"
        );
    }
}

#[tokio::test]
async fn uselang_qqx_shows_message_keys_and_the_browser_language_is_followed() {
    let mut setup = setup().await;
    setup.wiki.set("Alpha", "Text.");
    setup
        .create("Alpha|+Category:New\nBeta|+Category:New")
        .await;
    setup.run_slice("/batch/1/").await;

    let keys = setup.client.get("/batch/1/?uselang=qqx").await;
    assert_eq!(keys.status, StatusCode::OK, "{}", keys.body);
    assert_eq!(keys.attr("html", "lang").as_deref(), Some("qqx"));
    assert_eq!(
        keys.text_of("h1"),
        "(quickcategories-batch-heading-titled: 1, Test batch)"
    );
    let info = keys.text_of("h1 + p");
    assert!(
        info.starts_with(
            "(quickcategories-batch-info: https://en.wikipedia.org/, en.wikipedia.org, Creator, "
        ),
        "{info}"
    );
    assert_eq!(
        summary(&keys),
        "(quickcategories-batch-summary: 2, 1, 1, 0, 0)"
    );
    assert_eq!(
        keys.select_text("table.commands tbody td:nth-child(3) a"),
        ["(quickcategories-status-edited)"]
    );
    assert_eq!(
        statuses(&keys).get(1).map(String::as_str),
        Some("(quickcategories-status-page-missing)")
    );
    assert_eq!(
        keys.select_text("table.commands thead th")
            .get(1)
            .map(String::as_str),
        Some("(quickcategories-column-command)")
    );
    assert_eq!(
        keys.select_text("p.hint a").first().map(String::as_str),
        Some("(quickcategories-export-commands)")
    );
    assert!(!keys.body.contains("2 commands"), "{}", keys.body);
    // What the user and the wiki wrote stays as it is, marked with the wiki's language.
    assert_eq!(
        keys.select_text("table.commands tbody td:nth-child(2) > code[lang=en][dir=auto]"),
        [
            "Alpha#resolve_redirects=yes&create_missing_page=no|+Category:New",
            "Beta#resolve_redirects=yes&create_missing_page=no|+Category:New"
        ]
    );

    let german = setup
        .client
        .send(
            axum::http::Method::GET,
            "/batch/1/",
            None,
            &[("accept-language", "de")],
        )
        .await;
    assert_eq!(german.status, StatusCode::OK);
    assert_eq!(german.attr("html", "lang").as_deref(), Some("de"));
    // The tool has no German yet: its own messages fall back to English.
    assert_eq!(
        summary(&german),
        "2 commands: 1 done, 1 failed, 0 running, 0 planned."
    );
}

#[tokio::test]
async fn form_errors_follow_the_interface_language() {
    let mut setup = setup().await;
    let token = setup.token().await;
    let response = setup
        .client
        .post_form(
            "/?uselang=qqx",
            &[
                ("csrf_token", &token),
                ("domain", ""),
                ("commands", "Good|+Category:A\nNo actions"),
            ],
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "{}",
        response.body
    );
    let errors = form_errors(&response);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0], "(quickcategories-error-domain-empty)");
    assert!(
        errors[1]
            .starts_with("(quickcategories-error-line: 2, (quickcategories-line-no-actions), "),
        "{errors:?}"
    );
}

/// Every address of the original QuickCategories (Lucas Werkmeister's `app.py`), for a created
/// batch, answers here: with the page itself, or with a permanent redirect (the query string
/// kept) to a page that answers. The original's addresses not built yet are listed in the
/// README: `/batch/new/pagepile`, `/batch/{id}/export/titles/all-pagepile`, `/preferences`
/// and `/debug/query_times`.
#[tokio::test]
async fn every_address_of_the_original_tool_answers() {
    let mut setup = setup().await;
    setup.wiki.set("Alpha", "text");
    let batch = setup
        .create("Alpha|+Category:New\nBeta|+Category:New")
        .await
        .location()
        .expect("batch")
        .to_owned();
    assert_eq!(batch, "/batch/1/");

    // The original's actions, each a POST with the CSRF token, answer as there: with a
    // redirect back to the batch.
    let started = setup.start_background(&batch).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    assert_eq!(started.location(), Some("/batch/1/"));
    let stopped = setup.stop_background(&batch).await;
    assert_eq!(stopped.status, StatusCode::SEE_OTHER, "{}", stopped.body);
    assert_eq!(stopped.location(), Some("/batch/1/"));
    let ran = setup.run_slice(&batch).await;
    assert_eq!(ran.status, StatusCode::SEE_OTHER, "{}", ran.body);
    assert_eq!(ran.location(), Some("/batch/1/"));

    // GET: (the original's address, where it answers here if not at itself).
    let gets: [(&str, Option<&str>); 17] = [
        ("/", None),
        ("/batch/new/pagepile", None),
        ("/batch/new/pagepile?page_pile_id=5", None),
        ("/preferences", None),
        ("/batch/", None),
        ("/batch/?offset=0&limit=10", None),
        ("/batch/1/", None),
        ("/batch/1/?offset=0&limit=50", None),
        ("/batch/1/background_history", None),
        ("/batch/1/export/", None),
        ("/batch/1/export/metadata.json", None),
        (
            "/batch/1/export/titles/all.txt",
            Some("/batch/1/export/titles.txt"),
        ),
        (
            "/batch/1/export/tpsv/all.txt",
            Some("/batch/1/export/tpsv.txt"),
        ),
        ("/logout", None),
        // Flask sent an address without its trailing slash to the one with it.
        ("/batch", Some("/batch/")),
        ("/batch/1", Some("/batch/1/")),
        ("/batch/1/export", Some("/batch/1/export/")),
    ];
    for (path, moved_to) in gets {
        let response = setup.client.get(path).await;
        let Some(target) = moved_to else {
            assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
            continue;
        };
        assert_eq!(
            response.status,
            StatusCode::PERMANENT_REDIRECT,
            "{path}: {}",
            response.body
        );
        assert_eq!(response.location(), Some(target), "{path}");
        let there = setup.client.get(target).await;
        assert_eq!(there.status, StatusCode::OK, "{target}: {}", there.body);
        let with_query = setup.client.get(&format!("{path}?uselang=qqx&x=1")).await;
        assert_eq!(
            with_query.location(),
            Some(format!("{target}?uselang=qqx&x=1").as_str()),
            "{path}: the query string is kept"
        );
    }
    let exported = setup.client.get("/batch/1/export/titles.txt").await;
    assert_eq!(exported.body, "Alpha\nBeta\n");
    // The export to a new PagePile, a POST as in the original.
    let token = setup.token().await;
    let piled = setup
        .client
        .post_form(
            "/batch/1/export/titles/all-pagepile",
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(piled.status, StatusCode::SEE_OTHER, "{}", piled.body);
    assert!(setup.pagepile.pile(1).is_some());
    let unknown = setup.client.get("/batch/x/export/tpsv/all.txt").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);

    // The original's new-batch form posted to /batch/new/commands: a 308 to `/`, where the
    // browser sends the same form (with its CSRF token) again.
    let token = setup.token().await;
    let form = [
        ("csrf_token", token.as_str()),
        ("domain", "en.wikipedia.org"),
        ("title", "From an old form"),
        ("commands", "Gamma|+Category:New"),
    ];
    let moved = setup
        .client
        .post_form("/batch/new/commands?uselang=en", &form)
        .await;
    assert_eq!(
        moved.status,
        StatusCode::PERMANENT_REDIRECT,
        "{}",
        moved.body
    );
    assert_eq!(moved.location(), Some("/?uselang=en"));
    let created = setup.client.post_form("/?uselang=en", &form).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), Some("/batch/2/"));
    assert_eq!(
        setup.client.get("/batch/2/").await.text_of("h1"),
        "Batch #2: From an old form"
    );
    // Without the token it is refused before any redirect, as every POST.
    let forged = setup
        .client
        .post_form(
            "/batch/new/commands",
            &[
                ("csrf_token", "forged"),
                ("commands", "Delta|+Category:New"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{}", forged.body);

    // /login sends the browser to the wiki, /oauth/callback brings it back logged in, as in
    // the original.
    let mut browser = setup.tool.client();
    let after = setup.fake.log_in(&mut browser, "/login").await;
    assert_eq!(after, "/");
    let home = browser.get("/").await;
    assert_eq!(
        home.text_of("header .login-area span"),
        "Logged in as Creator"
    );

    // /logout: the original logged out on a GET; here the page offers the logout form (a POST
    // with the CSRF token, so that no other site can log anyone out).
    let offer = browser.get("/logout").await;
    assert_eq!(offer.status, StatusCode::OK);
    assert_eq!(
        offer.text_of("main > p"),
        "You are logged in as Creator. Log out of QuickCategories in this browser?"
    );
    let token = offer.csrf_token().expect("logout form");
    let out = browser
        .post_form("/logout", &[("csrf_token", token.as_str())])
        .await;
    assert!(out.status.is_redirection(), "{}", out.body);
    let again = browser.get("/logout").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        again.text_of("main > p"),
        "You are not logged in. Go to the start page."
    );
    again.assert_none("main form");
}

#[tokio::test]
async fn the_background_history_lists_every_run_newest_first() {
    use quickcategories::reason::RunReason;

    let mut setup = setup().await;
    setup.create("Alpha|+Category:New").await;
    let empty = setup.client.get("/batch/1/background_history").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(
        empty.select_text("main > p").last().map(String::as_str),
        Some("This batch has never run in the background.")
    );
    setup
        .client
        .get("/batch/1/")
        .await
        .assert_none("a[href=\"/batch/1/background_history\"]");

    // Run 1: stopped by an administrator of the wiki. Run 2: ended by the runner (blocked).
    // Run 3: active, and waiting for a lagged wiki.
    let started = setup.start_background("/batch/1/").await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let mut admin = other_user(&setup, "Admin", &["user", "sysop"]).await;
    let stopped = post_with_token(&mut admin, "/batch/1/stop_background").await;
    assert_eq!(stopped.status, StatusCode::SEE_OTHER, "{}", stopped.body);
    // The fake wiki authorizes as the user added last.
    setup.fake.add_user(FakeUser::new("Creator"));
    let started = setup.start_background("/batch/1/").await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let store = setup.tool.store.clone();
    let runs = |batch: quickcategories::store::Batch| {
        batch
            .background
            .iter()
            .map(|run| run.id)
            .collect::<Vec<_>>()
    };
    let second = runs(store.batch(1).await.expect("store").expect("batch"))[1];
    store
        .stop_run(
            second,
            None,
            &RunReason::Blocked("<b>You</b> are blocked.".into()).stored(),
        )
        .await
        .expect("store");
    setup.start_background("/batch/1/").await;
    let third = runs(store.batch(1).await.expect("store").expect("batch"))[2];
    store
        .suspend_run(
            third,
            i64::try_from(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .expect("after 1970")
                    .as_secs(),
            )
            .expect("seconds")
                + 600,
            &RunReason::Lagged("Waiting for a database server: 6 seconds lagged.".into()).stored(),
        )
        .await
        .expect("store");

    let page = setup.client.get("/batch/1/background_history").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.text_of("h1"), "Background runs of batch #1");
    assert_eq!(
        page.links("main > p a"),
        owned(&[("Batch #1: Test batch", "/batch/1/")])
    );
    let column = |n: usize| page.select_text(&format!("table.history tbody td:nth-child({n})"));
    assert_eq!(column(1), ["3", "2", "1"], "newest first");
    let (started, ended) = (column(2), column(3));
    for run in &started {
        assert!(run.contains("by Creator on "), "{started:?}");
    }
    assert!(
        ended[0].starts_with("still running; paused until 2"),
        "{ended:?}"
    );
    assert!(
        ended[0]
            .ends_with(": the wiki is lagged: Waiting for a database server: 6 seconds lagged."),
        "{ended:?}"
    );
    assert!(ended[1].starts_with("ended on 2"), "{ended:?}");
    assert!(
        ended[1].ends_with(": The user is blocked on the wiki: <b>You</b> are blocked."),
        "the runner's reason: {ended:?}"
    );
    assert!(ended[2].starts_with("stopped by Admin on "), "{ended:?}");
    // The wiki's words, isolated in their own direction, and escaped.
    assert_eq!(
        page.select_text("table.history td bdi[dir=auto]"),
        [
            "Waiting for a database server: 6 seconds lagged.",
            "<b>You</b> are blocked."
        ]
    );
    assert!(!page.body.contains("<b>You</b>"), "{}", page.body);

    let keys = setup
        .client
        .get("/batch/1/background_history?uselang=qqx")
        .await;
    assert_eq!(keys.text_of("h1"), "(quickcategories-history-title: 1)");
    let started = keys.select_text("table.history tbody td:nth-child(2)");
    for run in &started {
        assert!(
            run.starts_with("(quickcategories-history-started: Creator, "),
            "{started:?}"
        );
    }
    let ended = keys.select_text("table.history tbody td:nth-child(3)");
    assert_eq!(ended.len(), 3, "{ended:?}");
    assert!(
        ended[0].starts_with("(quickcategories-history-waiting: "),
        "{ended:?}"
    );
    assert!(
        ended[1].starts_with("(quickcategories-history-ended-because: ")
            && ended[1].contains("(quickcategories-reason-blocked: "),
        "{ended:?}"
    );
    assert!(
        ended[2].starts_with("(quickcategories-history-stopped-by: Admin, "),
        "{ended:?}"
    );

    let batch_page = setup.client.get("/batch/1/").await;
    assert_eq!(
        batch_page.links("p.hint a[href=\"/batch/1/background_history\"]"),
        owned(&[(
            "Full history of the background runs",
            "/batch/1/background_history"
        )])
    );
    let missing = setup.client.get("/batch/9/background_history").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_export_page_lists_every_export() {
    let mut setup = setup().await;
    setup.create("Alpha|+Category:New").await;
    let batch_page = setup.client.get("/batch/1/").await;
    assert_eq!(
        batch_page.links("p.hint a[href=\"/batch/1/export/\"]"),
        owned(&[("all exports, explained", "/batch/1/export/")])
    );
    let page = setup.client.get("/batch/1/export/").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.text_of("h1"), "Exports of batch #1");
    assert_eq!(
        page.links("h1 + p a"),
        owned(&[("Batch #1: Test batch", "/batch/1/")])
    );
    assert_eq!(
        page.links("dl.exports dt a"),
        owned(&[
            ("Commands (text)", "/batch/1/export/tpsv.txt"),
            ("Page titles (text)", "/batch/1/export/titles.txt"),
            ("Metadata (JSON)", "/batch/1/export/metadata.json"),
        ])
    );
    page.assert_has(
        "dl.exports dt form[method=post][action=\"/batch/1/export/titles/all-pagepile\"] button",
    );
    let about = page.select_text("dl.exports dd");
    assert_eq!(about.len(), 4, "{about:?}");
    for (text, expected) in about.iter().zip([
        "ready to paste into a new batch",
        "one title per line",
        "Makes a new pile on PagePile",
        "the status and outcome of each command",
    ]) {
        assert!(text.contains(expected), "{expected}: {about:?}");
    }
    for link in ["tpsv.txt", "titles.txt", "metadata.json"] {
        let export = setup.client.get(&format!("/batch/1/export/{link}")).await;
        assert_eq!(export.status, StatusCode::OK, "{link}");
    }
    let keys = setup.client.get("/batch/1/export/?uselang=qqx").await;
    assert_eq!(
        keys.select_text("dl.exports dd").last().map(String::as_str),
        Some("(quickcategories-export-page-metadata-about)")
    );
    let missing = setup.client.get("/batch/9/export/").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn preferences_fill_in_the_new_batch_form() {
    let mut setup = setup().await;
    let mut anonymous = setup.tool.client();
    let logged_out = anonymous.get("/preferences").await;
    assert_eq!(logged_out.status, StatusCode::OK);
    let said = logged_out.text_of("main > p:first-of-type");
    assert!(said.ends_with("Log in to see and change them."), "{said}");
    logged_out.assert_none("form[action=\"/preferences\"]");

    let page = setup.client.get("/preferences").await;
    assert_eq!(
        page.select_attr("input[type=radio][name=watchlist][checked]", "value"),
        ["preferences"],
        "the default"
    );
    let token = page.csrf_token().expect("preferences form");
    let saved = setup
        .client
        .post_form(
            "/preferences",
            &[
                ("csrf_token", token.as_str()),
                ("default_domain", "Commons.Wikimedia.org"),
                (
                    "suggested_domains",
                    "en.wikipedia.org\r\n\r\nde.wikipedia.org\r\n",
                ),
                ("watchlist", "watch"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), Some("/"));

    let form = setup.client.get("/").await;
    let domain = "form input[name=domain]";
    assert_eq!(
        field(&form, domain).as_deref(),
        Some("commons.wikimedia.org")
    );
    assert_eq!(
        form.attr(domain, "list").as_deref(),
        Some("suggested-domains")
    );
    assert_eq!(
        form.select_attr("datalist#suggested-domains option", "value"),
        ["en.wikipedia.org", "de.wikipedia.org"]
    );
    let page = setup.client.get("/preferences").await;
    assert_eq!(
        field(&page, "input[name=default_domain]").as_deref(),
        Some("commons.wikimedia.org")
    );
    assert_eq!(
        page.raw_text_of("textarea[name=suggested_domains]"),
        "en.wikipedia.org\nde.wikipedia.org"
    );
    assert_eq!(
        page.select_attr("input[type=radio][name=watchlist][checked]", "value"),
        ["watch"]
    );
    // Someone else's form is their own.
    let other = anonymous.get("/").await;
    assert_eq!(field(&other, domain).as_deref(), Some(""));
    other.assert_none("datalist");
}

#[tokio::test]
async fn bad_preferences_are_all_reported_and_nothing_is_saved() {
    let mut setup = setup().await;
    let token = setup.token().await;
    let refused = setup
        .client
        .post_form(
            "/preferences",
            &[
                ("csrf_token", token.as_str()),
                ("default_domain", "example.org"),
                ("suggested_domains", "en.wikipedia.org\nnot a wiki"),
                ("watchlist", "always"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let errors = form_errors(&refused);
    assert_eq!(errors.len(), 3, "{errors:?}");
    for (error, expected) in errors.iter().zip([
        "Default wiki: “example.org” is not the domain of a Wikimedia wiki",
        "Suggested wikis, line 2: “not a wiki” is not the domain",
        "“always” is not a watchlist choice.",
    ]) {
        assert!(error.starts_with(expected), "{expected}: {errors:?}");
    }
    assert_eq!(
        field(&refused, "input[name=default_domain]").as_deref(),
        Some("example.org")
    );
    assert_eq!(
        refused.raw_text_of("textarea[name=suggested_domains]"),
        "en.wikipedia.org\nnot a wiki"
    );
    let form = setup.client.get("/").await;
    assert_eq!(
        field(&form, "form input[name=domain]").as_deref(),
        Some(""),
        "nothing saved"
    );
    let forged = setup
        .client
        .post_form(
            "/preferences",
            &[
                ("csrf_token", "forged"),
                ("default_domain", "en.wikipedia.org"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field(&setup.client.get("/").await, "form input[name=domain]").as_deref(),
        Some("")
    );
}

#[tokio::test]
async fn edits_follow_the_watchlist_preference() {
    let mut setup = setup().await;
    setup.wiki.set("Alpha", "text");
    setup.wiki.set("Beta", "text");
    setup.create("Alpha|+Category:New").await;
    setup.run_slice("/batch/1/").await;

    let token = setup.token().await;
    setup
        .client
        .post_form(
            "/preferences",
            &[("csrf_token", token.as_str()), ("watchlist", "nochange")],
        )
        .await;
    setup.create("Beta|+Category:New").await;
    setup.run_slice("/batch/2/").await;

    let watchlist = |title: &str| {
        let edits = setup.requests(&[("action", "edit"), ("title", title)]);
        assert_eq!(edits.len(), 1, "{title}");
        edits[0].param("watchlist").map(str::to_owned)
    };
    assert_eq!(watchlist("Alpha").as_deref(), Some("preferences"));
    assert_eq!(watchlist("Beta").as_deref(), Some("nochange"));
}
