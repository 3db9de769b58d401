//! Wikidata Image Positions's interface messages: every key used exists, every key is used and
//! documented.

static MESSAGES: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/i18n");

#[test]
fn every_message_is_used_documented_and_translated_consistently() {
    let problems = test_support::i18n::problems(env!("CARGO_MANIFEST_DIR"), &MESSAGES);
    assert!(problems.is_empty(), "{problems:#?}");
}
