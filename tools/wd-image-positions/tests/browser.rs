//! Wikidata Image Positions in a real browser (headless Chromium): an item's page with its
//! regions, then, logged in through the fake wiki's OAuth pages, a region drawn with the
//! pointer and saved on a depicted thing, and one saved for a new depicted item; every page
//! passes the shared page checks (screenshots in `target/screenshots/`). Skipped, saying why,
//! where no Chromium is installed.

mod common;

use std::time::Duration;

use common::{FakeImagePositions, Fakes};
use test_support::{Browser, FakeUser, FakeWiki, FakeWikibase, serve};

/// Drags across the image from one point to another, given as fractions of the image's width
/// and height, as a mouse does (pointer events); returns the region the page shows.
async fn drag(browser: &Browser, from: (f64, f64), to: (f64, f64)) -> String {
    let script = format!(
        "const frame = document.querySelector('.image-frame'); \
         const box = frame.getBoundingClientRect(); \
         const at = (x, y) => ({{ clientX: box.left + box.width * x, clientY: box.top + box.height * y, \
                                  bubbles: true, pointerId: 1, isPrimary: true, pointerType: 'mouse' }}); \
         frame.dispatchEvent(new PointerEvent('pointerdown', at({}, {}))); \
         document.dispatchEvent(new PointerEvent('pointermove', at({}, {}))); \
         document.dispatchEvent(new PointerEvent('pointerup', at({}, {}))); \
         return document.querySelector('output.region-text').textContent;",
        from.0,
        from.1,
        (from.0 + to.0) / 2.0,
        (from.1 + to.1) / 2.0,
        to.0,
        to.1
    );
    browser
        .eval(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn wait_until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_draws_a_region_and_saves_it() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let wikibase = FakeWikibase::new();
    let positions = FakeImagePositions::serving_images(wikibase.clone()).await;
    let fakes = Fakes::fill(FakeWiki::start().await, wikibase, positions).await;
    fakes.wiki.add_user(FakeUser::new("Painter"));
    // As `just run` serves it: plain HTTP, local-development mode.
    let tool = serve(fakes.app(&[("TOOL_THUMBNAIL_ORIGIN", fakes.positions.image_origin())])).await;
    fakes
        .wiki
        .set_callback_url(&format!("{tool}/oauth/callback"));

    browser.goto(&format!("{tool}/")).await;
    browser.check_page("wd-image-positions-index").await;
    browser
        .fill("#item_id", "https://www.wikidata.org/wiki/Q12418")
        .await;
    browser.click("main form button[type=\"submit\"]").await;
    browser.wait_for_url("/item/Q12418").await;
    browser.wait_for_text(">woman</text>").await;
    let loaded = browser
        .eval("const img = document.querySelector('.image-frame img'); return img.complete && img.naturalWidth > 0;")
        .await;
    assert_eq!(loaded.as_bool(), Some(true), "the image shows");
    browser.check_page("wd-image-positions-item").await;

    browser.click("main a[href^=\"/login\"]").await;
    browser.wait_for_url("/item/Q12418").await;
    browser
        .wait_for_text("Logged in as <strong>Painter</strong>")
        .await;
    browser
        .check_page("wd-image-positions-item-logged-in")
        .await;

    // A region for "landscape", the first thing without one.
    browser.click("button.draw").await;
    let region = drag(&browser, (0.1, 0.2), (0.6, 0.7)).await;
    assert_eq!(region, "pct:10,20,50,50");
    browser.check_page("wd-image-positions-drawn").await;
    browser
        .click("form.region-form button[type=\"submit\"]")
        .await;
    wait_until("the qualifier edit", || {
        !fakes.positions.qualifier_edits().is_empty()
    })
    .await;
    browser.wait_for_text("Saved.").await;
    let edits = fakes.positions.qualifier_edits();
    assert_eq!(edits[0].statement_id, "Q12418$landscape");
    assert_eq!(edits[0].value, "\"pct:10,20,50,50\"");
    assert_eq!(edits[0].user.as_deref(), Some("Painter"));
    let drawn = browser
        .eval("return [...document.querySelectorAll('svg.regions .region text')].map(t => t.textContent);")
        .await;
    assert!(
        drawn
            .as_array()
            .is_some_and(|labels| labels.iter().any(|l| l == "landscape")),
        "the saved region is drawn: {drawn}"
    );

    // A region for an item the image does not depict yet: a new statement, then its region.
    browser.click("button.draw").await;
    let region = drag(&browser, (0.9, 0.9), (0.75, 0.8)).await;
    assert_eq!(region, "pct:75,80,15,10");
    browser
        .click("input[name=\"target\"][value=\"item\"]")
        .await;
    browser.fill("#new-item", "Q5").await;
    browser
        .click("form.region-form button[type=\"submit\"]")
        .await;
    wait_until("the second qualifier edit", || {
        fakes.positions.qualifier_edits().len() == 2
    })
    .await;
    let created = fakes.positions.created_statements();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].entity, "Q12418");
    assert_eq!(created[0].snaktype, "value");
    let edits = fakes.positions.qualifier_edits();
    assert_eq!(edits[1].statement_id, created[0].statement_id);
    assert_eq!(edits[1].value, "\"pct:75,80,15,10\"");
    browser.wait_for_text(">human</text>").await;
    browser.check_page("wd-image-positions-saved").await;

    // After a reload both regions are the wiki's.
    browser.goto(&format!("{tool}/item/Q12418")).await;
    browser
        .wait_for_text("<rect x=\"10%\" y=\"20%\" width=\"50%\" height=\"50%\"></rect>")
        .await;
    browser
        .wait_for_text("<rect x=\"75%\" y=\"80%\" width=\"15%\" height=\"10%\"></rect>")
        .await;

    // Pages of a file, a region and IIIF's start.
    browser.goto(&format!("{tool}/file/Mona_Lisa.jpg")).await;
    browser.check_page("wd-image-positions-file").await;
    fakes.sparql.set_uri_rows(
        &["item"],
        &[vec![("item", "http://www.wikidata.org/entity/Q12418")]],
    );
    browser
        .goto(&format!("{tool}/iiif_region/pct:25,10,50,40"))
        .await;
    browser.check_page("wd-image-positions-region").await;
    browser.close().await;
}
