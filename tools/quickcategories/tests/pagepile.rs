//! Batches from a PagePile and exports to a new one, against the fake PagePile and the fake
//! wiki (whose site matrix knows enwiki, dewiki and commonswiki).

mod common;

use axum::http::StatusCode;
use common::{Setup, setup};
use quickcategories::store::BatchStore;
use test_support::TestResponse;

/// The reasons listed above the form.
fn form_errors(page: &TestResponse) -> Vec<String> {
    page.select_text("ul.form-errors[role=alert] li")
}

/// The pile form's fields as the page fills them: pile number, actions, title.
fn pile_form(page: &TestResponse) -> [Option<String>; 3] {
    ["page_pile_id", "actions", "title"].map(|name| {
        page.attr(
            &format!("form[action=\"/batch/new/pagepile\"] input[name={name}]"),
            "value",
        )
    })
}

async fn post_pile_form(setup: &mut Setup, fields: &[(&str, &str)]) -> test_support::TestResponse {
    let token = setup.token().await;
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    setup.client.post_form("/batch/new/pagepile", &form).await
}

#[tokio::test]
async fn a_batch_from_a_pile_applies_the_actions_to_every_page() {
    let mut setup = setup().await;
    setup
        .pagepile
        .add_pile(7, "enwiki", &["Alpha", "Beta gamma", "Category:Delta"]);
    setup.wiki.set("Alpha", "Text\n[[Category:Old]]");

    // PagePile's and the original's links fill in the pile's number.
    let form = setup.client.get("/batch/new/pagepile?page_pile_id=7").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(
        form.attr("input#page_pile_id[name=page_pile_id]", "value")
            .as_deref(),
        Some("7")
    );

    let created = post_pile_form(
        &mut setup,
        &[
            ("page_pile_id", "7"),
            ("actions", "+Category:New|-Category:Old"),
            ("title", "From pile 7"),
            ("resolve_redirects", "yes"),
        ],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), Some("/batch/1/"));
    let batch = setup
        .tool
        .store
        .batch(1)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(batch.domain, "en.wikipedia.org");
    assert_eq!(batch.title, "From pile 7");
    let commands: Vec<String> = batch
        .commands
        .iter()
        .map(|c| c.command.to_string())
        .collect();
    assert_eq!(
        commands,
        [
            "Alpha#resolve_redirects=yes&create_missing_page=no|+Category:New|-Category:Old",
            "Beta gamma#resolve_redirects=yes&create_missing_page=no|+Category:New|-Category:Old",
            "Category:Delta#resolve_redirects=yes&create_missing_page=no|+Category:New|-Category:Old",
        ],
        "underscores become spaces; the form's flags are every command's"
    );

    let ran = setup.run_slice("/batch/1/").await;
    assert_eq!(ran.status, StatusCode::SEE_OTHER, "{}", ran.body);
    assert_eq!(
        setup.wiki.page("Alpha").as_deref(),
        Some("Text\n[[Category:New]]")
    );
}

#[tokio::test]
async fn problems_with_the_form_are_found_before_pagepile_is_asked() {
    let mut setup = setup().await;
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("page_pile_id", ""), ("actions", "+Category:X")],
            "Please enter the number of a PagePile.",
        ),
        (
            &[("page_pile_id", "12a"), ("actions", "+Category:X")],
            "“12a” is not the number of a PagePile.",
        ),
        (
            &[("page_pile_id", "7"), ("actions", " ")],
            "Please enter the actions for the pages of the pile.",
        ),
        (
            &[("page_pile_id", "7"), ("actions", "Category:X")],
            "The actions are not valid:",
        ),
    ];
    for (fields, message) in cases {
        let refused = post_pile_form(&mut setup, fields).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{fields:?}");
        // Listed in the alert, so that the errors are announced.
        let errors = form_errors(&refused);
        assert_eq!(errors.len(), 1, "{fields:?}: {errors:?}");
        assert!(errors[0].starts_with(message), "{message}: {errors:?}");
    }
    assert_eq!(setup.pagepile.requests(), 0);
    assert!(
        setup.tool.store.batch(1).await.expect("read").is_none(),
        "nothing stored"
    );
}

#[tokio::test]
async fn unusable_piles_each_get_their_own_page_with_the_form_kept() {
    let mut setup = setup().await;
    setup.pagepile.add_pile(8, "examplewiki", &["Alpha"]);
    setup.pagepile.add_pile(9, "enwiki", &[]);
    setup.pagepile.add_pile(10, "enwiki", &["Alpha"]);
    let actions = "+Category:Kept|-Category:Typed";
    let cases = [
        (
            "404",
            StatusCode::NOT_FOUND,
            "PagePile has no pile number 404.",
        ),
        (
            "8",
            StatusCode::UNPROCESSABLE_ENTITY,
            "Pile 8 is on “examplewiki”, which is not a Wikimedia wiki",
        ),
        (
            "9",
            StatusCode::UNPROCESSABLE_ENTITY,
            "Pile 9 has no pages.",
        ),
    ];
    for (pile, status, message) in cases {
        let refused = post_pile_form(
            &mut setup,
            &[
                ("page_pile_id", pile),
                ("actions", actions),
                ("title", "Typed title"),
            ],
        )
        .await;
        assert_eq!(refused.status, status, "pile {pile}: {}", refused.body);
        let errors = form_errors(&refused);
        assert_eq!(errors.len(), 1, "pile {pile}: {errors:?}");
        assert!(errors[0].starts_with(message), "{message}: {errors:?}");
        assert_eq!(
            pile_form(&refused),
            [pile, actions, "Typed title"].map(|value| Some(value.to_owned())),
            "the form is kept"
        );
    }

    // A prefix that is not the wiki's category namespace, found after the pile is read.
    let refused = post_pile_form(
        &mut setup,
        &[("page_pile_id", "10"), ("actions", "+Template:X")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let errors = form_errors(&refused);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("is not a name of the category namespace on en.wikipedia.org"),
        "{errors:?}"
    );

    setup
        .pagepile
        .fail_with(Some(StatusCode::SERVICE_UNAVAILABLE));
    let down = post_pile_form(&mut setup, &[("page_pile_id", "10"), ("actions", actions)]).await;
    assert_eq!(down.status, StatusCode::BAD_GATEWAY, "{}", down.body);
    let errors = form_errors(&down);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("PagePile could not be reached"),
        "{errors:?}"
    );
    assert_eq!(pile_form(&down)[1].as_deref(), Some(actions));
    assert!(
        setup.tool.store.batch(1).await.expect("read").is_none(),
        "nothing stored"
    );
}

#[tokio::test]
async fn only_logged_in_users_with_the_token_create_batches_from_piles() {
    let mut setup = setup().await;
    setup.pagepile.add_pile(7, "enwiki", &["Alpha"]);
    let forged = setup
        .client
        .post_form(
            "/batch/new/pagepile",
            &[
                ("csrf_token", "forged"),
                ("page_pile_id", "7"),
                ("actions", "+Category:X"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{}", forged.body);

    let mut anonymous = setup.tool.client();
    let form = anonymous.get("/batch/new/pagepile").await;
    assert_eq!(
        form.select_text("form[action=\"/batch/new/pagepile\"] .buttons a.button"),
        ["Log in to create a batch"]
    );
    form.assert_none("form[action=\"/batch/new/pagepile\"] button[type=submit]");
    let token = form.csrf_token().expect("form token");
    let refused = anonymous
        .post_form(
            "/batch/new/pagepile",
            &[
                ("csrf_token", token.as_str()),
                ("page_pile_id", "7"),
                ("actions", "+Category:X"),
            ],
        )
        .await;
    assert!(
        refused.status.is_client_error(),
        "{}: {}",
        refused.status,
        refused.body
    );
    assert_eq!(setup.pagepile.requests(), 0);
}

#[tokio::test]
async fn a_batch_exports_its_pages_to_a_new_pile() {
    let mut setup = setup().await;
    setup
        .create("Alpha|+Category:X\nBeta gamma|+Category:Y\nAlpha|-Category:Z")
        .await;
    let page = setup.client.get("/batch/1/export/").await;
    page.assert_has(
        "dl.exports form[method=post][action=\"/batch/1/export/titles/all-pagepile\"] button[type=submit]",
    );
    let token = page.csrf_token().expect("export form");

    let exported = setup
        .client
        .post_form(
            "/batch/1/export/titles/all-pagepile",
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(exported.status, StatusCode::SEE_OTHER, "{}", exported.body);
    assert_eq!(
        exported.location(),
        Some(format!("{}?action=get_data&id=1", setup.pagepile.url()).as_str())
    );
    let pile = setup.pagepile.pile(1).expect("a new pile");
    assert_eq!(pile.wiki, "enwiki");
    assert_eq!(
        pile.pages,
        ["Alpha", "Beta_gamma"],
        "each page once, in order"
    );

    let forged = setup
        .client
        .post_form(
            "/batch/1/export/titles/all-pagepile",
            &[("csrf_token", "forged")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(
        setup.pagepile.pile(2).is_none(),
        "no pile without the token"
    );

    setup
        .pagepile
        .fail_with(Some(StatusCode::INTERNAL_SERVER_ERROR));
    let down = setup
        .client
        .post_form(
            "/batch/1/export/titles/all-pagepile",
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(down.status, StatusCode::BAD_GATEWAY, "{}", down.body);
    assert_eq!(
        down.select_attr("section.error a.button", "href"),
        ["/batch/1/export/"],
        "back to the exports"
    );
}

#[tokio::test]
async fn a_wiki_missing_from_the_site_matrix_cannot_be_exported() {
    let mut setup = setup().await;
    let token = setup.token().await;
    let created = setup
        .client
        .post_form(
            "/",
            &[
                ("csrf_token", token.as_str()),
                ("domain", "fr.wikipedia.org"),
                ("commands", "Alpha|+Category:X"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let refused = setup
        .client
        .post_form(
            "/batch/1/export/titles/all-pagepile",
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    let message = refused.error_message();
    assert!(
        message.contains("fr.wikipedia.org is not in Wikimedia's list of wikis"),
        "{message}"
    );
    assert_eq!(setup.pagepile.requests(), 0);
}
