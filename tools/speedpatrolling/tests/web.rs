//! SpeedPatrolling end to end through its router, logged in at a fake wiki that has a list of
//! unpatrolled edits and records what the tool does to them.

use axum::http::StatusCode;

use speedpatrolling::Settings;
use test_support::{ApiRequest, FakeUser, FakeWiki, TestClient, TestResponse, token_of};

const SECRET: &str = "speedpatrolling-test-secret-key-0123456789";

mod common;

use common::{Edit, Wiki, edit};

struct Setup {
    fake: FakeWiki,
    wiki: Wiki,
    client: TestClient,
}

impl Setup {
    /// Requests the fake got from the tool with these parameters.
    fn requests(&self, pairs: &[(&str, &str)]) -> Vec<ApiRequest> {
        self.fake.requests_with(pairs)
    }

    async fn csrf_token(&mut self) -> String {
        self.client
            .get("/settings/")
            .await
            .csrf_token()
            .expect("a form with a token")
    }

    async fn post(&mut self, path: &str) -> test_support::TestResponse {
        let token = self.csrf_token().await;
        self.client.post_form(path, &[("csrf_token", &token)]).await
    }
}

async fn app(fake: &FakeWiki) -> TestClient {
    let wiki_url = fake.url().to_owned();
    let oauth = fake.oauth_env();
    let mut env: Vec<(&str, &str)> =
        vec![("TOOL_SECRET_KEY", SECRET), ("TOOL_WIKI_URL", &wiki_url)];
    env.extend(oauth.iter().map(|(k, v)| (*k, v.as_str())));
    let config = test_support::config::<Settings>(&env);
    let platform = speedpatrolling::platform(&config).expect("platform");
    TestClient::new(speedpatrolling::app(&platform, &config.tool))
}

async fn logged_in_as(user: FakeUser, edits: Vec<Edit>) -> Setup {
    let fake = FakeWiki::start().await;
    fake.add_user(user);
    let wiki = Wiki::default();
    *wiki.edits.lock().expect("lock") = edits;
    let answering = wiki.clone();
    fake.on_api(move |request| answering.answer(request));
    let mut client = app(&fake).await;
    assert_eq!(
        fake.log_in(&mut client, "/login?return_to=/diff/").await,
        "/diff/"
    );
    Setup { fake, wiki, client }
}

/// The scripts ticked on the settings page, in the page's order.
fn ticked_scripts(page: &TestResponse) -> Vec<String> {
    page.select_attr("fieldset.scripts input[name=script][checked]", "value")
}

/// The first paragraph of the page's content: the start page's introduction.
fn intro(page: &TestResponse) -> String {
    page.text_of("main > p:nth-of-type(1)")
}

fn patroller() -> FakeUser {
    FakeUser::new("Patroller").with_rights(&["patrol"])
}

fn rollbacker() -> FakeUser {
    FakeUser::new("Rollbacker")
        .with_rights(&["patrol", "rollback"])
        .with_groups(&["rollbacker"])
}

fn three_edits() -> Vec<Edit> {
    vec![
        edit(103, 3, "Q3", "192.0.2.5", "Paris"),
        edit(102, 2, "Q2", "Alice", "London"),
        edit(101, 1, "Q1", "Bob", "Rome"),
    ]
}

#[tokio::test]
async fn start_page_explains_and_offers_login() {
    let fake = FakeWiki::start().await;
    let mut client = app(&fake).await;
    let page = client.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let intro = intro(&page);
    assert!(
        intro.starts_with("SpeedPatrolling shows you unpatrolled edits on"),
        "{intro}"
    );
    assert_eq!(
        page.links("main a.button"),
        [(
            "Log in and start patrolling".to_owned(),
            "/login?return_to=%2Fdiff%2F".to_owned()
        )]
    );
    let diff = client.get("/diff/").await;
    assert_eq!(diff.status, StatusCode::SEE_OTHER);
    assert_eq!(diff.location(), Some("/login?return_to=%2Fdiff%2F"));
}

#[tokio::test]
async fn start_page_speaks_the_requested_language() {
    let fake = FakeWiki::start().await;
    let mut client = app(&fake).await;
    let keys = client.get("/?uselang=qqx").await;
    assert_eq!(keys.status, StatusCode::OK);
    let paragraphs = keys.select_text("main > p");
    assert_eq!(paragraphs.len(), 4, "{paragraphs:?}");
    assert!(
        paragraphs[0].starts_with("(speedpatrolling-intro: "),
        "{paragraphs:?}"
    );
    assert_eq!(
        paragraphs[1..],
        [
            "(speedpatrolling-keyboard: p, r, s)",
            "(speedpatrolling-login-needed)",
            "(speedpatrolling-login-and-start)",
        ]
    );
    assert!(!keys.body.contains("unpatrolled edits"), "{}", keys.body);

    let german = client
        .send(
            axum::http::Method::GET,
            "/",
            None,
            &[("accept-language", "de")],
        )
        .await;
    assert_eq!(german.status, StatusCode::OK);
    assert_eq!(german.attr("html", "lang").as_deref(), Some("de"));
    // The tool has no German yet: its own messages fall back to English.
    let intro = intro(&german);
    assert!(
        intro.starts_with("SpeedPatrolling shows you unpatrolled edits on"),
        "{intro}"
    );
}

#[tokio::test]
async fn next_edit_is_the_newest_unpatrolled_one() {
    let mut setup = logged_in_as(patroller(), three_edits()).await;
    let next = setup.client.get("/diff/").await;
    assert_eq!(next.status, StatusCode::SEE_OTHER, "{}", next.body);
    assert_eq!(next.location(), Some("/diff/103/"));
    let asked = setup.requests(&[("list", "recentchanges")]);
    assert_eq!(asked[0].param("rcprop"), Some("ids|title|user"));
    assert_eq!(asked[0].user.as_deref(), Some("Patroller"));
}

#[tokio::test]
async fn diff_page_shows_title_users_summaries_diff_and_buttons() {
    let mut setup = logged_in_as(patroller(), three_edits()).await;
    let page = setup.client.get("/diff/103/").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let wiki = setup.fake.url().to_owned();
    let link = |text: &str, path: &str| (text.to_owned(), format!("{wiki}/wiki/{path}"));
    assert_eq!(page.links("h1 a"), [link("Q3", "Q3")]);
    let before = "table.diff-meta tr:nth-child(1) td";
    let this_edit = "table.diff-meta tr:nth-child(2) td";
    assert_eq!(
        page.links(&format!("{before} > a")),
        [link("Earlier Editor", "User:Earlier_Editor")]
    );
    assert_eq!(
        page.text_of(&format!("{before} .comment")),
        "(earlier summary)"
    );
    assert_eq!(
        page.links(&format!("{this_edit} > a")),
        [link("192.0.2.5", "Special:Contributions/192.0.2.5")]
    );
    assert_eq!(
        page.text_of(&format!("{this_edit} .comment")),
        "(summary of 103)"
    );
    assert_eq!(page.select_text("table.diff td.diff-addedline"), ["Paris"]);
    for (action, key, label) in [("patrol", "p", "Patrol"), ("skip", "s", "Skip")] {
        let button = format!(".actions form[action=\"/diff/103/{action}\"] button");
        assert_eq!(page.attr(&button, "accesskey").as_deref(), Some(key));
        assert_eq!(page.text_of(&button), label);
    }
    page.assert_none("form[action$=\"/rollback\"]");
    page.assert_none("[accesskey=r]");
}

#[tokio::test]
async fn rollback_button_only_with_the_right() {
    let mut setup = logged_in_as(rollbacker(), three_edits()).await;
    let page = setup.client.get("/diff/102/").await;
    let button = ".actions form[action=\"/diff/102/rollback\"] button";
    assert_eq!(page.attr(button, "accesskey").as_deref(), Some("r"));
    assert_eq!(page.text_of(button), "Rollback");
}

#[tokio::test]
async fn patrol_marks_the_revision_with_a_patrol_token_and_moves_on() {
    let mut setup = logged_in_as(patroller(), three_edits()).await;
    let response = setup.post("/diff/103/patrol").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(response.location(), Some("/diff/"));
    let patrols = setup.requests(&[("action", "patrol")]);
    assert_eq!(patrols.len(), 1);
    assert_eq!(patrols[0].param("revid"), Some("103"));
    assert_eq!(
        patrols[0].param("token"),
        Some(token_of("patrol").as_str()),
        "the patrol token, not the CSRF token"
    );
    assert!(
        setup
            .requests(&[("meta", "tokens"), ("type", "patrol")])
            .len()
            == 1
    );
    assert_eq!(
        setup.client.get("/diff/").await.location(),
        Some("/diff/102/")
    );
}

#[tokio::test]
async fn rollback_rolls_back_the_author_of_the_revision() {
    let mut setup = logged_in_as(rollbacker(), three_edits()).await;
    let response = setup.post("/diff/102/rollback").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let rollbacks = setup.requests(&[("action", "rollback")]);
    assert_eq!(rollbacks.len(), 1);
    let token = token_of("rollback");
    assert!(rollbacks[0].has(&[("title", "Q2"), ("user", "Alice"), ("token", &token)]));
}

#[tokio::test]
async fn rollback_without_the_right_is_refused_before_asking_the_wiki() {
    let mut setup = logged_in_as(patroller(), three_edits()).await;
    let response = setup.post("/diff/102/rollback").await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    let message = response.error_message();
    assert!(
        message.contains("does not have the rollback right"),
        "{message}"
    );
    assert!(setup.requests(&[("action", "rollback")]).is_empty());
}

#[tokio::test]
async fn api_errors_are_shown_with_the_wikis_message() {
    let mut setup = logged_in_as(rollbacker(), three_edits()).await;
    *setup.wiki.patrol_error.lock().expect("lock") = Some((
        "permissiondenied",
        "You don't have permission to mark changes as patrolled.",
    ));
    let response = setup.post("/diff/103/patrol").await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    let message = response.error_message();
    assert!(
        message.contains("You don't have permission to mark changes as patrolled."),
        "{message}"
    );

    *setup.wiki.rollback_error.lock().expect("lock") = Some((
        "alreadyrolled",
        "Cannot rollback last edit of Q2 by Alice; someone else has edited the page already.",
    ));
    let response = setup.post("/diff/102/rollback").await;
    assert_eq!(response.status, StatusCode::CONFLICT);
    let message = response.error_message();
    assert!(
        message.contains("someone else has edited the page already"),
        "{message}"
    );
}

#[tokio::test]
async fn skipped_revisions_are_not_offered_again() {
    let mut setup = logged_in_as(patroller(), three_edits()).await;
    let response = setup.post("/diff/103/skip").await;
    assert_eq!(response.location(), Some("/diff/"));
    assert_eq!(
        setup.client.get("/diff/").await.location(),
        Some("/diff/102/")
    );
    setup.post("/diff/102/skip").await;
    setup.post("/diff/101/skip").await;
    let nothing = setup.client.get("/diff/").await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert_eq!(nothing.text_of("h1"), "Nothing to do");
    assert!(setup.requests(&[("action", "patrol")]).is_empty());
}

#[tokio::test]
async fn pages_and_users_skipped_three_times_are_left_out_until_acted_on() {
    let edits = vec![
        edit(210, 9, "Q9", "Carol", "d"),
        edit(209, 8, "Q8", "Mallory", "c"),
        edit(208, 9, "Q9", "Dave", "x"),
        edit(207, 9, "Q9", "Erin", "y"),
        edit(206, 9, "Q9", "Frank", "z"),
        edit(205, 7, "Q7", "Mallory", "b"),
        edit(204, 6, "Q6", "Mallory", "a"),
        edit(203, 5, "Q5", "Mallory", "e"),
    ];
    let mut setup = logged_in_as(patroller(), edits).await;
    for revision in [208, 207, 206] {
        setup.post(&format!("/diff/{revision}/skip")).await;
    }
    for revision in [205, 204, 203] {
        setup.post(&format!("/diff/{revision}/skip")).await;
    }
    // Q9 (skipped three times) and Mallory (three times) are out: 210 is on Q9, 209 by Mallory.
    let nothing = setup.client.get("/diff/").await;
    assert_eq!(
        nothing.status,
        StatusCode::OK,
        "sent to {:?}",
        nothing.location()
    );
    assert_eq!(nothing.text_of("h1"), "Nothing to do");

    // Patrolling an edit on Q9 brings the page back.
    setup.post("/diff/210/patrol").await;
    setup
        .wiki
        .edits
        .lock()
        .expect("lock")
        .insert(0, edit(211, 9, "Q9", "Grace", "w"));
    assert_eq!(
        setup.client.get("/diff/").await.location(),
        Some("/diff/211/")
    );
}

#[tokio::test]
async fn edits_in_scripts_the_user_does_not_read_are_skipped() {
    let edits = vec![
        edit(302, 2, "Q2", "Ivan", "Москва"),
        edit(301, 1, "Q1", "Jo", "Berlin"),
    ];
    let mut setup = logged_in_as(patroller(), edits).await;
    *setup.wiki.babel.lock().expect("lock") = vec!["de", "en"];
    assert_eq!(
        setup.client.get("/diff/").await.location(),
        Some("/diff/301/")
    );

    let settings = setup.client.get("/settings/").await;
    assert_eq!(ticked_scripts(&settings), ["Latin"]);
    settings.assert_has("fieldset.scripts input[name=script][value=Cyrillic]");
    let intro = settings.text_of("main > p");
    assert!(intro.contains("This selection is a guess"), "{intro}");

    let token = settings.csrf_token().expect("token");
    let saved = setup
        .client
        .post_form(
            "/settings/",
            &[
                ("csrf_token", &token),
                ("script", "Latin"),
                ("script", "Cyrillic"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        setup.client.get("/diff/").await.location(),
        Some("/diff/302/")
    );
    let settings = setup.client.get("/settings/").await;
    assert_eq!(ticked_scripts(&settings), ["Latin", "Cyrillic"]);
    assert!(
        !settings.body.contains("is a guess"),
        "the saved choice is no longer a guess"
    );
}

#[tokio::test]
async fn babel_languages_give_the_default_scripts() {
    let edits = vec![edit(402, 2, "Q2", "Ivan", "Москва")];
    let mut setup = logged_in_as(patroller(), edits).await;
    *setup.wiki.babel.lock().expect("lock") = vec!["ru"];
    assert_eq!(
        setup.client.get("/diff/").await.location(),
        Some("/diff/402/")
    );
}

#[tokio::test]
async fn invalid_settings_are_refused_and_the_choice_kept() {
    let mut setup = logged_in_as(patroller(), three_edits()).await;
    let token = setup.csrf_token().await;
    let response = setup
        .client
        .post_form("/settings/", &[("csrf_token", &token)])
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        response.select_text("ul.form-errors li"),
        ["Choose at least one script you can read."]
    );
    let response = setup
        .client
        .post_form(
            "/settings/",
            &[
                ("csrf_token", &token),
                ("script", "Greek"),
                ("script", "Klingon"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        response.select_text("ul.form-errors li"),
        ["Unknown script: Klingon."]
    );
    assert_eq!(
        ticked_scripts(&response),
        ["Greek"],
        "the user's choice is kept"
    );
}

#[tokio::test]
async fn every_post_needs_the_csrf_token() {
    let mut setup = logged_in_as(rollbacker(), three_edits()).await;
    for path in [
        "/diff/103/patrol",
        "/diff/103/rollback",
        "/diff/103/skip",
        "/settings/",
        "/logout",
    ] {
        for fields in [vec![], vec![("csrf_token", "wrong")]] {
            let response = setup.client.post_form(path, &fields).await;
            assert_eq!(
                response.status,
                StatusCode::BAD_REQUEST,
                "{path} {fields:?}"
            );
        }
    }
    assert!(setup.requests(&[("action", "patrol")]).is_empty());
    assert!(setup.requests(&[("action", "rollback")]).is_empty());
    assert_eq!(
        setup.client.get("/diff/").await.location(),
        Some("/diff/103/"),
        "nothing was skipped"
    );
}

#[tokio::test]
async fn bad_revision_ids_are_400() {
    let mut setup = logged_in_as(patroller(), three_edits()).await;
    for path in ["/diff/abc/", "/diff/0/", "/diff/-5/"] {
        assert_eq!(
            setup.client.get(path).await.status,
            StatusCode::BAD_REQUEST,
            "{path}"
        );
    }
    assert_eq!(
        setup.post("/diff/xyz/patrol").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn session_cookie_stays_under_4_kb_with_the_largest_state() {
    let long_name: &'static str = Box::leak("Ü".repeat(85).into_boxed_str());
    let user = FakeUser::new(long_name)
        .with_rights(&["patrol", "rollback"])
        .with_groups(&[
            "rollbacker",
            "sysop",
            "bureaucrat",
            "interface-admin",
            "checkuser",
            "oversight",
        ]);
    let edits: Vec<Edit> = (0..200)
        .map(|n| {
            let author: &'static str =
                Box::leak(format!("{n} {}", "Ж".repeat(80)).into_boxed_str());
            edit(9_000_000_000 + n, 100_000_000 + n, "Q1", author, "a")
        })
        .collect();
    let mut setup = logged_in_as(user, edits).await;
    let token = setup.csrf_token().await;
    let all_scripts: Vec<(&str, &str)> = speedpatrolling::scripts::OFFERED
        .iter()
        .map(|s| ("script", *s))
        .collect();
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend(all_scripts);
    setup.client.post_form("/settings/", &fields).await;

    let mut largest = 0;
    for n in 0..200u64 {
        let response = setup
            .client
            .post_form(
                &format!("/diff/{}/skip", 9_000_000_000 + n),
                &[("csrf_token", &token)],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        let cookie = response.header("set-cookie").expect("the session changed");
        largest = largest.max(cookie.len());
        if n % 2 == 0 {
            let response = setup
                .client
                .post_form(
                    &format!("/diff/{}/patrol", 9_000_000_000 + n),
                    &[("csrf_token", &token)],
                )
                .await;
            largest = largest.max(response.header("set-cookie").map_or(0, str::len));
        }
    }
    println!("largest Set-Cookie header: {largest} bytes");
    assert!(largest < 4096, "largest Set-Cookie header: {largest} bytes");
    // Still logged in and recent skips remembered.
    let page = setup.client.get("/").await;
    assert_eq!(
        page.text_of("header .login-area span"),
        format!("Logged in as {long_name}")
    );
}

/// Rights come from the patrolled wiki: the login profile describes Meta-Wiki.
#[tokio::test]
async fn a_rollbacker_of_the_patrolled_wiki_only_gets_the_rollback_button() {
    let mut setup = logged_in_as(patroller(), three_edits()).await;
    setup.fake.set_wiki_user(
        "Patroller",
        &["*", "user", "rollbacker"],
        &["read", "edit", "patrol", "rollback"],
        None,
    );
    let page = setup.client.get("/diff/102/").await;
    page.assert_has(".actions form[action=\"/diff/102/rollback\"] button[accesskey=r]");
    let response = setup.post("/diff/102/rollback").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(setup.requests(&[("action", "rollback")]).len(), 1);
}

#[tokio::test]
async fn a_rollbacker_of_the_login_wiki_only_may_not_roll_back() {
    let mut setup = logged_in_as(rollbacker(), three_edits()).await;
    setup.fake.set_wiki_user(
        "Rollbacker",
        &["*", "user"],
        &["read", "edit", "patrol"],
        None,
    );
    let page = setup.client.get("/diff/102/").await;
    page.assert_none("form[action$=\"/rollback\"]");
    let response = setup.post("/diff/102/rollback").await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert!(setup.requests(&[("action", "rollback")]).is_empty());
}

/// The AGPL relies on this link: every page names the repository, as an absolute URL.
#[tokio::test]
async fn every_page_links_to_the_source_code() {
    let fake = FakeWiki::start().await;
    let mut client = app(&fake).await;
    let page = client.get("/").await;
    assert_eq!(
        page.links("footer.site-footer a").first(),
        Some(&(
            "Source code".to_owned(),
            "https://gitlab.wikimedia.org/toolforge-repos/rust-tools".to_owned()
        ))
    );
}
