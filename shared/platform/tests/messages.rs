//! The platform's own messages: every key used exists, every key is used and documented,
//! translations fit their source; and messages render in the request's language.

use platform::i18n::PLATFORM_MESSAGES;

#[test]
fn every_message_is_used_documented_and_translated_consistently() {
    let problems = test_support::i18n::problems(env!("CARGO_MANIFEST_DIR"), &PLATFORM_MESSAGES);
    assert!(problems.is_empty(), "{problems:#?}");
}
