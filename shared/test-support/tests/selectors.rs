//! `TestResponse`'s selector helpers: what they read from a page, and what their panics say.

use axum::http::{HeaderMap, StatusCode};
use test_support::TestResponse;

fn page(body: &str) -> TestResponse {
    TestResponse {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        body: body.to_owned(),
    }
}

const PAGE: &str = r#"<!DOCTYPE html><html lang="en"><head><title>Example</title></head><body>
<h1>  Translate
   “edit”  into <code>de</code> </h1>
<form id="new" method="post" action="/new">
  <input type="hidden" name="csrf_token" value="first-token">
  <input type="text" name="title" value="Tom &amp; Jerry">
  <input type="checkbox" name="minor">
</form>
<ul class="links"><li><a href="/a">A</a></li><li><a href="/b">B</a></li><li><a>no link</a></li></ul>
<textarea name="lines">
first  line
second line</textarea>
<form method="post" action="/other"><input type="hidden" name="csrf_token" value="second"></form>
</body></html>"#;

fn panic_message(check: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = std::panic::catch_unwind(check).expect_err("the check panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn text_is_what_a_reader_sees_with_whitespace_collapsed() {
    let page = page(PAGE);
    assert_eq!(page.text_of("h1"), "Translate “edit” into de");
    assert_eq!(page.select_text("ul.links li"), ["A", "B", "no link"]);
    assert_eq!(page.select_text("table td"), Vec::<String>::new());
}

#[test]
fn raw_text_keeps_the_lines() {
    let page = page(PAGE);
    // The parser drops the line break right after `<textarea>`, as browsers do.
    assert_eq!(page.raw_text_of("textarea"), "first  line\nsecond line");
    assert_eq!(page.text_of("textarea"), "first line second line");
}

#[test]
fn attributes_are_decoded_and_missing_ones_are_none() {
    let page = page(PAGE);
    assert_eq!(
        page.attr("form#new input[name=title]", "value").as_deref(),
        Some("Tom & Jerry")
    );
    assert_eq!(page.attr("form#new input[name=minor]", "value"), None);
    assert_eq!(page.select_attr("ul.links a", "href"), ["/a", "/b"]);
}

#[test]
fn links_pair_text_and_address() {
    let page = page(PAGE);
    assert_eq!(
        page.links("ul.links a"),
        [
            ("A".to_owned(), "/a".to_owned()),
            ("B".to_owned(), "/b".to_owned())
        ]
    );
}

#[test]
fn count_and_presence() {
    let page = page(PAGE);
    assert_eq!(page.count("form"), 2);
    assert_eq!(page.count("table"), 0);
    page.assert_has("form#new");
    page.assert_none("form#old");
}

#[test]
fn the_csrf_token_is_the_first_form_s() {
    assert_eq!(page(PAGE).csrf_token().as_deref(), Some("first-token"));
    assert_eq!(page("<p>no form</p>").csrf_token(), None);
}

#[test]
fn text_of_names_the_selector_and_lists_the_matches_when_several_match() {
    let message = panic_message(|| {
        page(PAGE).text_of("ul.links li");
    });
    assert!(
        message.contains("expected one element matching `ul.links li`, found 3"),
        "{message}"
    );
    assert!(
        message.contains(r#"<li><a href="/b">B</a></li>"#),
        "{message}"
    );
}

#[test]
fn text_of_shows_the_page_when_nothing_matches() {
    let message = panic_message(|| {
        page(PAGE).text_of("h2");
    });
    assert!(
        message.contains("expected one element matching `h2`, found none in the page (200 OK)"),
        "{message}"
    );
    assert!(message.contains("<title>Example</title>"), "{message}");
}

#[test]
fn assert_none_lists_what_matched_and_assert_has_shows_the_page() {
    let message = panic_message(|| page(PAGE).assert_none("input[type=hidden]"));
    assert!(
        message.contains("expected no element matching `input[type=hidden]`, found 2"),
        "{message}"
    );
    assert!(message.contains("second"), "{message}");
    let message = panic_message(|| page(PAGE).assert_has("table"));
    assert!(message.contains("<h1>"), "{message}");
}

#[test]
fn a_mistyped_selector_says_so() {
    let message = panic_message(|| {
        page(PAGE).count("ul[");
    });
    assert!(message.contains("`ul[` is not a CSS selector"), "{message}");
}

#[test]
fn the_error_page_s_message_is_the_paragraph_under_its_heading() {
    let page = page(
        r#"<main><section class="error" role="alert"><h1>Not found</h1>
        <p>There is no page at this address.</p><p><a href="/">Back to the start</a></p>
        </section></main>"#,
    );
    assert_eq!(page.error_message(), "There is no page at this address.");
}
