//! What the tools rely on the Action API for, asked of the fake wiki and of a real MediaWiki in
//! the same way (bearer tokens, as the tools send them; the real wiki through the OAuth bridge).
//! Each case runs against both: where the fake answered otherwise, the fake was mended. Without
//! a real wiki here (and `TEST_MEDIAWIKI_REQUIRED` not `1`) only the fake is asked.

use serde_json::Value;
use test_support::{FakeUser, FakeWiki, Language, OAuthBridge, RealWiki, Role};

/// A wiki to ask, fake or real.
struct Subject {
    name: &'static str,
    api_url: String,
    provider: FakeWiki,
    /// Keeps the real wiki running while the subject is asked.
    _real: Option<RealWiki>,
}

impl Subject {
    async fn fake() -> Subject {
        let fake = FakeWiki::start().await;
        for role in Role::ALL {
            fake.add_user(FakeUser::of_role(role));
        }
        Subject {
            name: "fake",
            api_url: fake.api_url(),
            provider: fake,
            _real: None,
        }
    }

    async fn real() -> Option<Subject> {
        let wiki = RealWiki::start(Language::English).await?;
        let provider = FakeWiki::start().await;
        let bridge = OAuthBridge::start(&wiki, &provider).await;
        Some(Subject {
            name: "real",
            api_url: bridge.api_url(),
            provider,
            _real: Some(wiki),
        })
    }

    /// The fake, and the real wiki where there is one.
    async fn both() -> Vec<Subject> {
        let mut subjects = vec![Subject::fake().await];
        subjects.extend(Subject::real().await);
        subjects
    }

    /// One request as `role` (anonymous: `None`): `query` in the address, `form` POSTed when
    /// given (a GET otherwise).
    async fn ask(
        &self,
        role: Option<Role>,
        query: &[(&str, &str)],
        form: Option<&[(&str, &str)]>,
    ) -> Value {
        let http = reqwest::Client::new();
        let mut all = vec![("format", "json"), ("formatversion", "2")];
        all.extend_from_slice(query);
        let mut request = match form {
            Some(form) => http.post(&self.api_url).query(&all).form(form),
            None => http.get(&self.api_url).query(&all),
        };
        if let Some(role) = role {
            request = request.bearer_auth(self.provider.issue_access_token(role.username()));
        }
        let answer = request.send().await.expect("the wiki answers");
        answer.json().await.expect("the wiki answers JSON")
    }

    async fn tokens(&self, role: Option<Role>, types: &str) -> Value {
        let answer = self
            .ask(
                role,
                &[("action", "query"), ("meta", "tokens"), ("type", types)],
                None,
            )
            .await;
        answer["query"]["tokens"].clone()
    }
}

/// The error code of an answer in MediaWiki's default error format.
fn code(answer: &Value) -> &str {
    answer["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn each_token_type_has_its_own_token_and_anonymous_tokens_are_empty() {
    for subject in Subject::both().await {
        let name = subject.name;
        let tokens = subject
            .tokens(Some(Role::Admin), "csrf|patrol|rollback")
            .await;
        let [csrf, patrol, rollback] = ["csrftoken", "patroltoken", "rollbacktoken"]
            .map(|key| tokens[key].as_str().unwrap_or_default().to_owned());
        for token in [&csrf, &patrol, &rollback] {
            assert!(
                token.ends_with("+\\") && token.len() > 2,
                "{name}: {tokens}"
            );
        }
        assert_ne!(csrf, patrol, "{name}");
        assert_ne!(csrf, rollback, "{name}");
        assert_ne!(patrol, rollback, "{name}");
        let anonymous = subject.tokens(None, "csrf|patrol").await;
        assert_eq!(anonymous["csrftoken"], "+\\", "{name}: {anonymous}");
        assert_eq!(anonymous["patroltoken"], "+\\", "{name}: {anonymous}");
    }
}

#[tokio::test]
async fn a_write_needs_its_token_in_the_posted_body() {
    for subject in Subject::both().await {
        let name = subject.name;
        let tokens = subject
            .tokens(Some(Role::Autoconfirmed), "csrf|patrol")
            .await;
        let csrf = tokens["csrftoken"].as_str().expect("csrf token").to_owned();
        let patrol = tokens["patroltoken"]
            .as_str()
            .expect("patrol token")
            .to_owned();
        let edit = [("action", "edit"), ("title", "Contract"), ("text", "x")];
        let as_user = Some(Role::Autoconfirmed);

        let no_token = subject.ask(as_user, &edit, None).await;
        assert_eq!(code(&no_token), "missingparam", "{name}: {no_token}");

        let mut by_get = edit.to_vec();
        by_get.push(("token", &csrf));
        let by_get = subject.ask(as_user, &by_get, None).await;
        assert_eq!(code(&by_get), "mustpostparams", "{name}: {by_get}");

        let token_in_address = subject.ask(as_user, &[("token", &csrf)], Some(&edit)).await;
        assert_eq!(
            code(&token_in_address),
            "mustpostparams",
            "{name}: {token_in_address}"
        );

        let mut wrong_type = edit.to_vec();
        wrong_type.push(("token", &patrol));
        let wrong_type = subject.ask(as_user, &[], Some(&wrong_type)).await;
        assert_eq!(code(&wrong_type), "badtoken", "{name}: {wrong_type}");

        let patrol_with_csrf = subject
            .ask(
                Some(Role::Patroller),
                &[],
                Some(&[("action", "patrol"), ("revid", "1"), ("token", &csrf)]),
            )
            .await;
        assert_eq!(
            code(&patrol_with_csrf),
            "badtoken",
            "{name}: another user's token is no token: {patrol_with_csrf}"
        );
    }
}

#[tokio::test]
async fn reads_need_no_token_even_when_posted() {
    for subject in Subject::both().await {
        let name = subject.name;
        let answer = subject
            .ask(
                Some(Role::Autoconfirmed),
                &[],
                Some(&[("action", "query"), ("meta", "userinfo")]),
            )
            .await;
        assert_eq!(code(&answer), "", "{name}: {answer}");
        assert_eq!(
            answer["query"]["userinfo"]["name"], "Confirmed Editor",
            "{name}: {answer}"
        );
    }
}

#[tokio::test]
async fn unknown_tokens_and_lost_logins_are_refused() {
    for subject in Subject::both().await {
        let name = subject.name;
        let http = reqwest::Client::new();
        let made_up: Value = http
            .get(&subject.api_url)
            .bearer_auth("made-up")
            .query(&[
                ("action", "query"),
                ("meta", "userinfo"),
                ("format", "json"),
            ])
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("JSON");
        assert_eq!(
            code(&made_up),
            "mwoauth-invalid-authorization",
            "{name}: {made_up}"
        );
        let anonymous = subject
            .ask(
                None,
                &[
                    ("action", "query"),
                    ("meta", "userinfo"),
                    ("assert", "user"),
                ],
                None,
            )
            .await;
        assert_eq!(code(&anonymous), "assertuserfailed", "{name}: {anonymous}");
    }
}

#[tokio::test]
async fn userinfo_gives_each_roles_rights_and_the_block() {
    // The rights the tools decide by.
    let relevant = [
        "edit",
        "autoconfirmed",
        "editsemiprotected",
        "patrol",
        "autopatrol",
        "rollback",
        "bot",
        "block",
    ];
    for subject in Subject::both().await {
        let name = subject.name;
        for role in Role::ALL {
            let answer = subject
                .ask(
                    Some(role),
                    &[
                        ("action", "query"),
                        ("meta", "userinfo"),
                        ("uiprop", "rights|blockinfo"),
                    ],
                    None,
                )
                .await;
            let info = &answer["query"]["userinfo"];
            let rights: Vec<&str> = info["rights"]
                .as_array()
                .map(|all| all.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut has: Vec<&str> = relevant
                .iter()
                .copied()
                .filter(|right| rights.contains(right))
                .collect();
            has.sort_unstable();
            let user = FakeUser::of_role(role);
            let mut expected = user
                .rights
                .iter()
                .map(String::as_str)
                .filter(|right| relevant.contains(right))
                .collect::<Vec<_>>();
            expected.sort_unstable();
            assert_eq!(has, expected, "{name}: {role:?}: {answer}");
            assert_eq!(
                info["blockid"].is_u64(),
                role == Role::Blocked,
                "{name}: {role:?}: {answer}"
            );
        }
    }
}
