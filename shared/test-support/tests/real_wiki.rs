//! The real wiki and the bridge: what the harness promises (the wiki's language, its users and
//! their rights, bot-password sessions, the bridge's reading of tokens), checked against the
//! running MediaWiki. Skipped, with the reason, where this machine has no MediaWiki and
//! `TEST_MEDIAWIKI_REQUIRED` is not `1`.

use std::time::Instant;

use serde_json::Value;
use test_support::{FakeWiki, Language, OAuthBridge, RealWiki, Role};

fn rights(userinfo: &Value) -> Vec<&str> {
    userinfo["query"]["userinfo"]["rights"]
        .as_array()
        .map(|rights| rights.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_german_wiki_names_its_namespaces_in_german() {
    let started = Instant::now();
    let Some(wiki) = RealWiki::start(Language::German).await else {
        return;
    };
    eprintln!("a German wiki started in {:?}", started.elapsed());
    let answer = wiki
        .anonymous()
        .get(&[
            ("action", "query"),
            ("meta", "siteinfo"),
            ("siprop", "namespaces|namespacealiases|general"),
        ])
        .await;
    let category = &answer["query"]["namespaces"]["14"];
    assert_eq!(category["name"], "Kategorie", "{category}");
    assert_eq!(category["canonical"], "Category", "{category}");
    assert_eq!(answer["query"]["general"]["lang"], "de");
    let aliases = answer["query"]["namespacealiases"]
        .as_array()
        .expect("aliases");
    assert!(
        aliases
            .iter()
            .any(|alias| alias["id"] == 6 && alias["alias"] == "Bild"),
        "{aliases:?}"
    );
}

#[tokio::test]
async fn each_role_logs_in_with_its_groups_and_rights() {
    let Some(wiki) = RealWiki::start(Language::English).await else {
        return;
    };
    for (role, has, lacks) in [
        (
            Role::New,
            vec!["edit"],
            vec!["autoconfirmed", "patrol", "rollback"],
        ),
        (
            Role::Autoconfirmed,
            vec!["autoconfirmed"],
            vec!["patrol", "rollback"],
        ),
        (
            Role::Rollbacker,
            vec!["autoconfirmed", "rollback"],
            vec!["patrol"],
        ),
        (
            Role::Patroller,
            vec!["autoconfirmed", "patrol", "autopatrol"],
            vec!["rollback"],
        ),
        (Role::Bot, vec!["bot", "autoconfirmed"], vec!["rollback"]),
        (Role::Admin, vec!["patrol", "rollback", "block"], vec![]),
    ] {
        let mut session = wiki.session(role).await;
        let userinfo = session
            .get(&[
                ("action", "query"),
                ("meta", "userinfo"),
                ("uiprop", "rights|groups|blockinfo"),
            ])
            .await;
        assert_eq!(userinfo["query"]["userinfo"]["name"], role.username());
        let rights = rights(&userinfo);
        for right in has {
            assert!(rights.contains(&right), "{role:?} has {right}: {rights:?}");
        }
        for right in lacks {
            assert!(
                !rights.contains(&right),
                "{role:?} lacks {right}: {rights:?}"
            );
        }
        assert!(
            userinfo["query"]["userinfo"]["blockid"].is_null(),
            "{role:?} is not blocked"
        );
    }
    let mut blocked = wiki.session(Role::Blocked).await;
    let userinfo = blocked
        .get(&[
            ("action", "query"),
            ("meta", "userinfo"),
            ("uiprop", "blockinfo"),
        ])
        .await;
    assert!(
        userinfo["query"]["userinfo"]["blockid"].is_u64(),
        "{userinfo}"
    );
    let edit = blocked.edit("Blocked page", "text").await;
    assert_eq!(edit["error"]["code"], "blocked", "{edit}");
}

#[tokio::test]
async fn each_test_gets_a_wiki_of_its_own() {
    let Some(first) = RealWiki::start(Language::English).await else {
        return;
    };
    let started = Instant::now();
    let second = RealWiki::start(Language::English)
        .await
        .expect("a second wiki where the first started");
    eprintln!("a second wiki started in {:?}", started.elapsed());
    assert_ne!(first.url(), second.url());
    let mut admin = first.session(Role::Admin).await;
    let saved = admin.edit("Only here", "first wiki").await;
    assert_eq!(saved["edit"]["result"], "Success", "{saved}");
    assert_eq!(
        admin.wikitext("Only here").await.as_deref(),
        Some("first wiki")
    );
    let mut other = second.session(Role::Admin).await;
    assert_eq!(other.wikitext("Only here").await, None);
}

#[tokio::test]
async fn the_bridge_acts_as_the_tokens_user_and_refuses_unknown_tokens() {
    let Some(wiki) = RealWiki::start(Language::English).await else {
        return;
    };
    let provider = FakeWiki::start().await;
    let bridge = OAuthBridge::start(&wiki, &provider).await;
    let http = reqwest::Client::new();
    let ask = |token: Option<String>, errorformat: &'static str| {
        let mut request = http.get(bridge.api_url()).query(&[
            ("action", "query"),
            ("meta", "userinfo"),
            ("uiprop", "rights"),
            ("format", "json"),
            ("formatversion", "2"),
            ("errorformat", errorformat),
        ]);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move {
            request
                .send()
                .await
                .expect("the bridge answers")
                .json::<Value>()
                .await
                .expect("JSON")
        }
    };
    let token = provider.issue_access_token(Role::Patroller.username());
    let answer = ask(Some(token), "plaintext").await;
    assert_eq!(
        answer["query"]["userinfo"]["name"], "Patrol Editor",
        "{answer}"
    );
    assert!(rights(&answer).contains(&"patrol"), "{answer}");

    let anonymous = ask(None, "plaintext").await;
    assert_eq!(anonymous["query"]["userinfo"]["anon"], true, "{anonymous}");

    let refused = ask(Some("made-up".to_owned()), "plaintext").await;
    assert_eq!(
        refused["errors"][0]["code"], "mwoauth-invalid-authorization",
        "{refused}"
    );
    let refused = ask(Some("made-up".to_owned()), "bc").await;
    assert_eq!(
        refused["error"]["code"], "mwoauth-invalid-authorization",
        "{refused}"
    );

    let stranger = provider.issue_access_token("Someone Else");
    let refused = ask(Some(stranger), "plaintext").await;
    assert_eq!(
        refused["errors"][0]["code"], "mwoauth-invalid-authorization-invalid-user",
        "{refused}"
    );

    // A write through the bridge is the real wiki's: POST only, with the session's token.
    let token = provider.issue_access_token(Role::Autoconfirmed.username());
    let by_get: Value = http
        .get(bridge.api_url())
        .bearer_auth(&token)
        .query(&[
            ("action", "edit"),
            ("title", "By GET"),
            ("text", "x"),
            ("token", "+\\"),
            ("format", "json"),
        ])
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(by_get["error"]["code"], "mustpostparams", "{by_get}");
}

#[tokio::test]
async fn saving_the_same_text_again_is_nochange() {
    let Some(wiki) = RealWiki::start(Language::German).await else {
        return;
    };
    let mut editor = wiki.session(Role::Autoconfirmed).await;
    let first = editor.edit("Seite", "Hallo [[Kategorie:Neu]]").await;
    assert_eq!(first["edit"]["new"], true, "{first}");
    let again = editor.edit("Seite", "Hallo [[Kategorie:Neu]]").await;
    assert_eq!(again["edit"]["nochange"], true, "{again}");
    let categories = editor
        .get(&[
            ("action", "query"),
            ("prop", "categories"),
            ("titles", "Seite"),
        ])
        .await;
    assert_eq!(
        categories["query"]["pages"][0]["categories"][0]["title"], "Kategorie:Neu",
        "{categories}"
    );
}
