//! QuickCategories in a real browser (headless Chromium): log in through the fake wiki's OAuth
//! pages, paste a batch with a bad line (errors shown, text kept), fix it, create it, run a
//! slice and see the outcomes, start and stop a background run, see its history, export the
//! batch, create one through the original tool's form address, log out at its logout address;
//! and what every page must have (source link, labels, no horizontal overflow at phone width;
//! screenshots in `target/screenshots/`). Skipped, saying why, where no Chromium is installed.

mod common;

use common::{Tool, Wiki, env_for};
use quickcategories::store::{BatchStore, MemoryStore, Store};
use test_support::{Browser, FakePagePile, FakeUser, FakeWiki, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_creates_runs_and_exports_a_batch() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let fake = FakeWiki::start().await;
    fake.add_user(FakeUser::new("Creator"));
    let wiki = Wiki::default();
    wiki.set("Alpha", "Alpha text.");
    wiki.set("Beta", "Beta text.");
    let answering = wiki.clone();
    fake.on_api(move |request| answering.answer(request));
    let pagepile = FakePagePile::start().await;
    pagepile.add_pile(42, "enwiki", &["Alpha", "Beta"]);
    // As `just run` serves it: plain HTTP, batches in memory.
    let tool = Tool::new(
        &env_for(&fake, &[("TOOL_PAGEPILE_URL", pagepile.url())]).without("TOOL_SECRET_KEY"),
        Store::Memory(MemoryStore::new()),
    );
    let base = serve(
        quickcategories::app(
            &tool.platform,
            &tool.settings,
            tool.store.clone(),
            tool.sealing.clone(),
        )
        .expect("app"),
    )
    .await;
    fake.set_callback_url(&format!("{base}/oauth/callback"));

    browser.goto(&format!("{base}/")).await;
    browser.check_page("quickcategories-new-batch").await;
    browser.click("main a.button[href^=\"/login\"]").await;
    browser
        .wait_for_text("Logged in as <strong>Creator</strong>")
        .await;

    // A bad line: every error shown, the text kept.
    browser.fill("#domain", "en.wikipedia.org").await;
    browser
        .fill("#commands", "Alpha|+Category:New\nNo actions")
        .await;
    browser.click("main form button[type=\"submit\"]").await;
    browser.wait_for_text("Line 2: no actions").await;
    let kept = browser
        .eval("return document.querySelector('#commands').value;")
        .await;
    assert_eq!(kept.as_str(), Some("Alpha|+Category:New\nNo actions"));
    browser.check_page("quickcategories-errors").await;

    // Fixed and created.
    browser
        .fill("#commands", "Alpha|+Category:New\nBeta|+Category:New")
        .await;
    browser.click("main form button[type=\"submit\"]").await;
    browser.wait_for_url("/batch/1/").await;
    browser.check_page("quickcategories-batch").await;

    // Run a slice: both pages edited, the outcomes on the page.
    browser
        .click("form[action=\"/batch/1/run_slice\"] button")
        .await;
    browser.wait_for_text("2 commands: 2 done").await;
    assert_eq!((wiki.edits("Alpha"), wiki.edits("Beta")), (1, 1));
    browser.check_page("quickcategories-batch-done").await;

    // Forms from another site posting to the tool's routes are refused, and change nothing.
    for route in [
        "/",
        "/batch/1/run_slice",
        "/batch/1/start_background",
        "/batch/1/stop_background",
        "/logout",
    ] {
        let html = browser
            .post_from_another_site(
                &format!("{base}{route}"),
                &[
                    ("domain", "en.wikipedia.org"),
                    ("commands", "Alpha|-Category:New"),
                ],
            )
            .await;
        assert!(
            html.contains("came from another website"),
            "{route}: {html}"
        );
    }
    assert_eq!((wiki.edits("Alpha"), wiki.edits("Beta")), (1, 1));
    browser.goto(&format!("{base}/")).await;
    assert!(
        browser
            .html()
            .await
            .contains("Logged in as <strong>Creator</strong>"),
        "the session survived the forged requests"
    );
    assert!(
        tool.store.batch(2).await.expect("store").is_none(),
        "no batch was created"
    );

    // Export: a line per command, with its page options.
    browser
        .goto(&format!("{base}/batch/1/export/tpsv.txt"))
        .await;
    let exported = browser.eval("return document.body.innerText;").await;
    let lines: Vec<&str> = exported.as_str().unwrap_or_default().lines().collect();
    assert_eq!(lines.len(), 2, "{exported}");
    assert!(lines[0].starts_with("Alpha#") && lines[0].ends_with("|+Category:New"));
    assert!(lines[1].starts_with("Beta#") && lines[1].ends_with("|+Category:New"));

    // A second batch, run in the background: the button leads through the wiki's
    // authorization page and back; the page says who started it, and the creator stops it.
    // (No runner process here: the run only starts and stops.)
    browser.goto(&format!("{base}/")).await;
    browser.fill("#domain", "en.wikipedia.org").await;
    browser.fill("#commands", "Alpha|-Category:New").await;
    browser.click("main form button[type=\"submit\"]").await;
    browser.wait_for_url("/batch/2/").await;
    browser
        .click("form[action=\"/batch/2/start_background\"] button")
        .await;
    browser
        .wait_for_text("Running in the background</strong>, started by Creator")
        .await;
    browser.check_page("quickcategories-background").await;
    browser
        .click("form[action=\"/batch/2/stop_background\"] button")
        .await;
    let stopped = browser.wait_for_text("stopped by Creator on").await;
    assert!(
        stopped.contains("/batch/2/start_background"),
        "can start again"
    );
    let batch = tool.store.batch(2).await.expect("store").expect("batch 2");
    assert!(
        tool.store
            .credentials(batch.background[0].id)
            .await
            .expect("store")
            .is_none(),
        "stopping deleted the run's tokens"
    );
    assert_eq!(wiki.edits("Alpha"), 1, "nothing ran meanwhile");
    browser
        .check_page("quickcategories-background-stopped")
        .await;

    // The history of the background runs and the exports, each linked from the batch page.
    browser
        .click("a[href=\"/batch/2/background_history\"]")
        .await;
    browser.wait_for_url("/batch/2/background_history").await;
    let history = browser.wait_for_text("stopped by Creator on").await;
    assert!(history.contains("Background runs of batch #2"), "{history}");
    browser
        .check_page("quickcategories-background-history")
        .await;
    browser.goto(&format!("{base}/batch/2/")).await;
    browser.click("a[href=\"/batch/2/export/\"]").await;
    browser.wait_for_url("/batch/2/export/").await;
    browser.wait_for_text("Exports of batch #2").await;
    browser.check_page("quickcategories-exports").await;

    // A form of the original tool posted to /batch/new/commands: the browser follows the 308
    // to `/` with the same form, its CSRF token included, and the batch is created.
    browser.goto(&format!("{base}/")).await;
    browser.fill("#domain", "en.wikipedia.org").await;
    browser.fill("#commands", "Beta|-Category:New").await;
    browser
        .eval(
            "document.querySelector('main form').setAttribute('action', '/batch/new/commands'); \
             return null;",
        )
        .await;
    browser.click("main form button[type=\"submit\"]").await;
    browser.wait_for_url("/batch/3/").await;
    assert!(
        tool.store.batch(3).await.expect("store").is_some(),
        "created through the original's address"
    );

    // Preferences, from the header: the default wiki fills the new-batch form.
    browser.click("nav a[href=\"/preferences\"]").await;
    browser.wait_for_url("/preferences").await;
    browser.check_page("quickcategories-preferences").await;
    browser.fill("#default_domain", "de.wikipedia.org").await;
    browser
        .fill(
            "#suggested_domains",
            "en.wikipedia.org\ncommons.wikimedia.org",
        )
        .await;
    browser.click("input[value=\"nochange\"]").await;
    browser.click("main form button[type=\"submit\"]").await;
    browser.wait_for_url("/").await;
    let domain = browser
        .eval("return document.querySelector('#domain').value;")
        .await;
    assert_eq!(domain.as_str(), Some("de.wikipedia.org"));

    // A batch from a PagePile, from the header.
    browser.click("nav a[href=\"/batch/new/pagepile\"]").await;
    browser.wait_for_url("/batch/new/pagepile").await;
    browser.check_page("quickcategories-new-from-pile").await;
    browser.fill("#page_pile_id", "42").await;
    browser.fill("#actions", "+Category:Piled").await;
    browser.click("main form button[type=\"submit\"]").await;
    browser.wait_for_url("/batch/4/").await;
    let piled = tool.store.batch(4).await.expect("store").expect("created");
    assert_eq!(piled.commands.len(), 2, "one command per page of the pile");

    // The original logged out at GET /logout: the page there offers the logout button.
    browser.goto(&format!("{base}/logout")).await;
    browser.check_page("quickcategories-logout").await;
    browser.click("main form button[type=\"submit\"]").await;
    browser.wait_for_text("Log in").await;
    browser.goto(&format!("{base}/logout")).await;
    browser.wait_for_text("You are not logged in.").await;
    browser.close().await;
}
