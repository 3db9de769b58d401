//! Wikidata Image Positions end to end through its router, against a fake wiki answering as
//! Wikidata and Commons (test-support's `FakeWikibase` and `common::FakeImagePositions`) and a fake
//! query service.

mod common;

use axum::http::{Method, StatusCode};
use common::Fakes;
use serde_json::Value;
use test_support::{TestClient, TestResponse};
use wd_image_positions::iiif::manifest_problems;

/// For text that must appear nowhere in the page's bytes (markup that sanitising removes).
fn assert_lacks(response: &TestResponse, unexpected: &str) {
    assert!(
        !response.body.contains(unexpected),
        "{unexpected} present: {}",
        response.body
    );
}

/// The regions drawn over the image, in order: statement, label, box (x, y, width, height of
/// its rectangle) and where it links to.
fn boxes(page: &TestResponse) -> Vec<String> {
    (1..=page.count("svg.regions > .region"))
        .map(|n| {
            let region = format!("svg.regions > .region:nth-child({n})");
            let rect = format!("{region} rect");
            let size: Vec<String> = ["x", "y", "width", "height"]
                .iter()
                .map(|name| page.attr(&rect, name).unwrap_or_default())
                .collect();
            format!(
                "{}: {} at {} → {}",
                page.attr(&region, "data-statement-id").unwrap_or_default(),
                page.text_of(&format!("{region} text")),
                size.join(","),
                page.attr(&region, "href").as_deref().unwrap_or("no link"),
            )
        })
        .collect()
}

/// The depicted things listed under the image because they have no region yet.
fn without_region(page: &TestResponse) -> Vec<String> {
    page.select_text(".without-region li")
}

/// What the API's refusal (`{"error": {"code", "info"}}`) tells the user.
fn refusal_info(response: &TestResponse) -> String {
    json(response)["error"]["info"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn entity_page(id: &str) -> String {
    format!("https://www.wikidata.org/wiki/Special:EntityPage/{id}")
}

async fn form_token(client: &mut TestClient) -> String {
    client.get("/").await.csrf_token().expect("a form token")
}

/// The token the item page gives its script.
async fn script_token(client: &mut TestClient) -> String {
    let page = client.get("/item/Q12418").await;
    page.attr("section.editor", "data-csrf-token")
        .expect("an editor with a token")
}

async fn api(
    client: &mut TestClient,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
) -> TestResponse {
    let body = serde_urlencoded::to_string(fields).expect("fields encode");
    client
        .send(
            Method::POST,
            path,
            Some(body),
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("x-csrf-token", token),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await
}

/// A request that must be refused: domain, fields, status, and what the page says.
type Refusal<'a> = (&'a str, &'a [(&'a str, &'a str)], StatusCode, &'a str);

fn json(response: &TestResponse) -> Value {
    serde_json::from_str(&response.body).unwrap_or_else(|_| panic!("JSON: {}", response.body))
}

#[tokio::test]
async fn the_form_leads_to_items_files_regions_and_manifests() {
    let fakes = Fakes::start().await;
    let mut client = fakes.client();
    let index = client.get("/").await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(
        index.select_attr("form[method=post][action=\"/\"] input[type=text]", "name"),
        ["item_id", "property_id", "image_title", "iiif_region"]
    );
    let token = form_token(&mut client).await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("item_id", "Q12418")], "/item/Q12418"),
        (
            &[("item_id", "https://www.wikidata.org/wiki/Q12418")],
            "/item/Q12418",
        ),
        (
            &[(
                "item_id",
                "https://www.wikidata.org/w/index.php?title=Q12418&action=history",
            )],
            "/item/Q12418",
        ),
        (
            &[(
                "item_id",
                "https://www.wikidata.org/wiki/Special:EntityPage/Q12418",
            )],
            "/item/Q12418",
        ),
        (
            &[("item_id", "Q12418"), ("property_id", "P3383")],
            "/item/Q12418/P3383",
        ),
        (
            &[("item_id", "Q12418"), ("manifest", "1")],
            "/iiif/Q12418/P18/manifest.json",
        ),
        (
            &[("image_title", "File:Mona Lisa.jpg")],
            "/file/Mona_Lisa.jpg",
        ),
        (
            &[(
                "image_title",
                "https://upload.wikimedia.org/wikipedia/commons/thumb/e/ec/Mona_Lisa.jpg/220px-Mona_Lisa.jpg",
            )],
            "/file/Mona_Lisa.jpg",
        ),
        (&[("image_title", "Käse?.jpg")], "/file/K%C3%A4se%3F.jpg"),
        (
            &[("iiif_region", "pct:1,2,3,4")],
            "/iiif_region/pct:1,2,3,4",
        ),
        (
            &[("iiif_region", "full"), ("property_id", "P3383")],
            "/iiif_region/full/P3383",
        ),
        (&[("item_id", "  ")], "/"),
    ];
    for (fields, location) in cases {
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &token));
        let response = client.post_form("/", &fields).await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "{fields:?}: {}",
            response.body
        );
        assert_eq!(response.location(), Some(*location), "{fields:?}");
    }
}

#[tokio::test]
async fn junk_in_the_form_is_a_400_with_the_text_kept() {
    let fakes = Fakes::start().await;
    let mut client = fakes.client();
    let token = form_token(&mut client).await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("item_id", "Douglas <b>Adams</b>")],
            "“Douglas <b>Adams</b>” names no Wikidata entity",
        ),
        (
            &[("item_id", "Q1"), ("property_id", "image")],
            "“image” is not a property id",
        ),
        (
            &[("image_title", "Mona Lisa")],
            "“Mona Lisa” names no Commons file",
        ),
        (
            &[("iiif_region", "pct:1,2,3")],
            "“pct:1,2,3” is not an IIIF region",
        ),
    ];
    for (fields, message) in cases {
        let mut all = fields.to_vec();
        all.push(("csrf_token", &token));
        let response = client.post_form("/", &all).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{fields:?}");
        let errors = response.select_text("ul.form-errors li");
        assert_eq!(errors.len(), 1, "{fields:?}: {errors:?}");
        assert!(errors[0].starts_with(message), "{fields:?}: {errors:?}");
        let (name, value) = fields[0];
        assert_eq!(
            response
                .attr(&format!("input[name={name}]"), "value")
                .as_deref(),
            Some(value),
            "the text is kept"
        );
        assert_lacks(&response, "<b>");
    }
    let forged = client.post_form("/", &[("item_id", "Q1")]).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "no CSRF token");
}

#[tokio::test]
async fn an_items_page_draws_each_region_and_lists_the_rest() {
    let fakes = Fakes::start().await;
    let mut client = fakes.client();
    let page = client.get("/item/Q12418").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.header("content-security-policy").unwrap_or_default(),
        format!(
            "default-src 'self'; img-src 'self' https://upload.wikimedia.org; form-action 'self' {}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
            fakes.wiki.url()
        ),
        "Commons' images, the login's redirect to the OAuth provider, nothing else from elsewhere"
    );
    assert_eq!(page.header("access-control-allow-origin"), None);
    assert_eq!(
        page.links("h1 a"),
        [("Mona Lisa".to_owned(), entity_page("Q12418"))]
    );
    assert_eq!(page.attr("h1 a", "dir").as_deref(), Some("auto"));
    assert_eq!(
        boxes(&page),
        [format!(
            "Q12418$woman: woman at 25%,10%,50%,40% → {}",
            entity_page("Q467")
        )]
    );
    assert_eq!(
        page.text_of(".without-region > p"),
        "Depicted, with no region yet:"
    );
    // "unknown value" is the wiki's own message.
    assert_eq!(without_region(&page), ["landscape", "unknown value"]);
    assert_eq!(
        page.links(".without-region li a"),
        [("landscape".to_owned(), entity_page("Q107425"))]
    );
    assert_eq!(
        page.text_of(".without-region li span.no-item"),
        "unknown value"
    );
    let image = ".image-frame > img";
    assert_eq!(
        page.attr(image, "src").as_deref(),
        Some("https://upload.wikimedia.org/wikipedia/commons/960px-Mona_Lisa.jpg")
    );
    assert_eq!(
        page.attr(image, "srcset").as_deref(),
        Some(
            "https://upload.wikimedia.org/wikipedia/commons/1440px-Mona_Lisa.jpg 1.5x, https://upload.wikimedia.org/wikipedia/commons/1920px-Mona_Lisa.jpg 2x"
        )
    );
    // The attribution from Commons, sanitised.
    assert_eq!(
        page.text_of("p.attribution"),
        "Leonardo da Vinci, Public domain (Louvre)"
    );
    assert_eq!(
        page.links("p.attribution a"),
        [
            (
                "Leonardo da Vinci".to_owned(),
                "https://commons.wikimedia.org/wiki/Leonardo".to_owned()
            ),
            (
                "Public domain".to_owned(),
                "https://creativecommons.org/publicdomain/mark/1.0/".to_owned()
            ),
        ]
    );
    assert_lacks(&page, "<script>alert");
    assert_lacks(&page, "onclick");
    // Not logged in: no editor, an invitation to log in.
    page.assert_none("[data-csrf-token]");
    assert_eq!(
        page.links("p.hint a[href^=\"/login\"]"),
        [(
            "Log in".to_owned(),
            "/login?return_to=%2Fitem%2FQ12418".to_owned()
        )]
    );
    assert!(
        client.cookie("__Host-session").is_none(),
        "reading needs no session"
    );

    let german = client.get("/item/Q12418?uselang=de").await;
    assert_eq!(german.select_text("svg.regions text"), ["Frau"]);
    assert_eq!(without_region(&german), ["landscape", "unbekannter Wert"]);
    // No German label: the English one, marked as English.
    let landscape = ".without-region li a";
    assert_eq!(german.text_of(landscape), "landscape");
    assert_eq!(german.attr(landscape, "lang").as_deref(), Some("en"));
    assert_eq!(german.attr(landscape, "dir").as_deref(), Some("auto"));
    let labels = fakes.wiki.requests_with(&[("props", "labels")]);
    assert_eq!(
        labels.last().and_then(|r| r.param("languages")),
        Some("de|mul|en")
    );
}

#[tokio::test]
async fn items_without_an_image_and_bad_addresses() {
    let fakes = Fakes::start().await;
    let mut client = fakes.client();
    let no_image = client.get("/item/Q42").await;
    assert_eq!(no_image.status, StatusCode::OK);
    assert_eq!(no_image.text_of("main > p"), "Q42 has no image (P18).");
    no_image.assert_none("svg.regions");
    let other_property = client.get("/item/Q12418/P3383").await;
    assert_eq!(
        other_property.text_of("main > p"),
        "Q12418 has no image (P3383)."
    );
    let cases = [
        (
            "/item/Q999",
            StatusCode::NOT_FOUND,
            "Wikidata has no entity Q999.",
        ),
        (
            "/item/Mona",
            StatusCode::BAD_REQUEST,
            "“Mona” names no Wikidata entity",
        ),
        (
            "/item/Q12418/image",
            StatusCode::BAD_REQUEST,
            "“image” is not a property id",
        ),
        (
            "/item/Q12418/P180",
            StatusCode::BAD_REQUEST,
            "P180 is not an image property: its value is of type wikibase-entityid.",
        ),
        (
            "/file/Gone.jpg",
            StatusCode::NOT_FOUND,
            "Commons has no file “Gone.jpg”.",
        ),
        (
            "/iiif_region/pct:1,2",
            StatusCode::BAD_REQUEST,
            "“pct:1,2” is not an IIIF region",
        ),
        (
            "/iiif/Q42/P18/manifest.json",
            StatusCode::NOT_FOUND,
            "Q42 has no image (P18).",
        ),
        (
            "/iiif/x/P18/manifest.json",
            StatusCode::BAD_REQUEST,
            "“x” names no Wikidata entity",
        ),
    ];
    for (path, status, message) in cases {
        let response = client.get(path).await;
        assert_eq!(response.status, status, "{path}: {}", response.body);
        let said = response.error_message();
        assert!(said.starts_with(message), "{path}: {said}");
    }
}

#[tokio::test]
async fn a_files_page_shows_its_structured_data_and_file_titles_are_normalised() {
    let fakes = Fakes::start().await;
    let mut client = fakes.client();
    for (path, location) in [
        ("/file/File:Mona%20Lisa.jpg", "/file/Mona_Lisa.jpg"),
        (
            "/file/Mona%20Lisa.jpg?uselang=de",
            "/file/Mona_Lisa.jpg?uselang=de",
        ),
        ("/file/File:Mona_Lisa.jpg", "/file/Mona_Lisa.jpg"),
    ] {
        let response = client.get(path).await;
        assert_eq!(response.status, StatusCode::PERMANENT_REDIRECT, "{path}");
        assert_eq!(response.location(), Some(location), "{path}");
    }
    let page = client.get("/file/Mona_Lisa.jpg").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // 100,600,2000,2400 in pixels of 4000 × 6000.
    assert_eq!(
        boxes(&page),
        [format!(
            "M7$woman: woman at 2.5%,10%,50%,40% → {}",
            entity_page("Q467")
        )]
    );
    let bare = client.get("/file/Bare.png").await;
    assert_eq!(
        bare.status,
        StatusCode::OK,
        "a file without structured data"
    );
    bare.assert_none(".region");
}

#[tokio::test]
async fn iiif_manifests_and_annotations_are_valid_and_readable_from_anywhere() {
    let fakes = Fakes::start().await;
    let mut client = fakes.client();
    let short = client.get("/iiif/Q12418/manifest.json").await;
    assert_eq!(short.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(short.location(), Some("/iiif/Q12418/P18/manifest.json"));
    let short_list = client.get("/iiif/Q12418/list/annotations.json").await;
    assert_eq!(
        short_list.location(),
        Some("/iiif/Q12418/P18/list/annotations.json")
    );

    let response = client
        .send(
            Method::GET,
            "/iiif/Q12418/P18/manifest.json",
            None,
            &[
                ("host", "wd-image-positions.toolforge.org"),
                ("x-forwarded-proto", "https"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(response.header("content-type"), Some("application/json"));
    let manifest = json(&response);
    assert_eq!(manifest_problems(&manifest), Vec::<String>::new());
    assert_eq!(
        manifest["@id"],
        "https://wd-image-positions.toolforge.org/iiif/Q12418/P18/manifest.json"
    );
    assert_eq!(manifest["label"]["@value"], "Mona Lisa");
    assert_eq!(
        manifest["attribution"],
        "Leonardo da Vinci, Public domain (Louvre)"
    );
    assert_eq!(
        manifest["license"],
        "https://creativecommons.org/publicdomain/mark/1.0/"
    );
    let canvas = &manifest["sequences"][0]["canvases"][0];
    assert_eq!(canvas["width"], 4000);
    assert_eq!(canvas["height"], 6000);
    assert_eq!(
        canvas["images"][0]["resource"]["@id"],
        "https://upload.wikimedia.org/wikipedia/commons/Mona_Lisa.jpg"
    );
    assert_eq!(canvas["thumbnail"]["width"], 400);

    let list = client.get("/iiif/Q12418/P18/list/annotations.json").await;
    assert_eq!(list.header("access-control-allow-origin"), Some("*"));
    let list = json(&list);
    let resources = list["resources"].as_array().expect("resources");
    assert_eq!(
        resources.len(),
        2,
        "the two depicted items; unknown values are not annotated"
    );
    assert_eq!(
        resources[0]["on"],
        "http://localhost/iiif/Q12418/P18/canvas/c0.json#xywh=1000,600,2000,2400"
    );
    assert_eq!(resources[0]["resource"]["chars"], "woman");
    assert_eq!(
        resources[1]["on"],
        "http://localhost/iiif/Q12418/P18/canvas/c0.json"
    );
}

#[tokio::test]
async fn the_region_page_asks_the_query_service() {
    let fakes = Fakes::start().await;
    fakes.sparql.set_uri_rows(
        &["item"],
        &[
            vec![("item", "http://www.wikidata.org/entity/Q12418")],
            vec![("item", "http://www.wikidata.org/entity/Q42")],
        ],
    );
    let mut client = fakes.client();
    let page = client.get("/iiif_region/pct:25,10,50,40").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.text_of("h1"), "Images with a thing at pct:25,10,50,40");
    assert_eq!(
        page.links("section.subject h2 a"),
        [("Mona Lisa".to_owned(), "/item/Q12418/P18".to_owned())]
    );
    assert_eq!(
        page.attr("section.subject h2 a", "dir").as_deref(),
        Some("auto")
    );
    assert_eq!(
        boxes(&page),
        [format!(
            "Q12418$woman: woman at 25%,10%,50%,40% → {}",
            entity_page("Q467")
        )]
    );
    assert_eq!(
        page.links("main > ul > li > a"),
        [("Q42".to_owned(), "/item/Q42/P18".to_owned())],
        "the item without an image"
    );
    let queries = fakes.sparql.queries();
    assert!(
        queries[0].contains("pq:P2677 \"pct:25,10,50,40\""),
        "{queries:?}"
    );
    assert!(
        queries[0].contains("VALUES ?p { p:P180 p:P9664 }"),
        "{queries:?}"
    );
    assert!(
        fakes.sparql.user_agents()[0].starts_with("wd-image-positions/"),
        "the tool's own user agent: {:?}",
        fakes.sparql.user_agents()
    );

    fakes.sparql.fail_with(500, "timeout");
    let failed = client.get("/iiif_region/full").await;
    assert_eq!(failed.status, StatusCode::BAD_GATEWAY);
    let said = failed.error_message();
    assert!(
        said.starts_with("The Wikidata Query Service could not answer."),
        "{said}"
    );
}

#[tokio::test]
async fn saving_a_region_needs_login_and_the_csrf_token() {
    let fakes = Fakes::start().await;
    let mut client = fakes.client();
    let token = form_token(&mut client).await;
    let fields = [
        ("statement_id", "Q12418$landscape"),
        ("iiif_region", "pct:1,2,3,4"),
    ];
    let anonymous = api(
        &mut client,
        "/api/v2/add_qualifier/www.wikidata.org",
        &token,
        &fields,
    )
    .await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.body
    );
    assert_eq!(refusal_info(&anonymous), "Log in to save regions.");

    let mut client = fakes.logged_in_client().await;
    let wrong = api(
        &mut client,
        "/api/v2/add_qualifier/www.wikidata.org",
        "wrong",
        &fields,
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(fakes.positions.qualifier_edits().is_empty());
}

#[tokio::test]
async fn a_region_is_saved_as_a_qualifier_and_then_drawn() {
    let fakes = Fakes::start().await;
    let mut client = fakes.logged_in_client().await;
    let page = client.get("/item/Q12418").await;
    assert_eq!(
        page.attr("section.editor", "data-domain").as_deref(),
        Some("www.wikidata.org")
    );
    assert_eq!(
        page.attr("section.editor", "data-entity-id").as_deref(),
        Some("Q12418")
    );
    let landscape = "section.editor input[name=target][value=statement][data-statement-id=\"Q12418$landscape\"]";
    assert_eq!(
        page.attr(landscape, "data-item-id").as_deref(),
        Some("Q107425")
    );
    assert_eq!(
        page.attr(landscape, "data-label").as_deref(),
        Some("landscape")
    );
    let token = script_token(&mut client).await;
    let saved = api(
        &mut client,
        "/api/v2/add_qualifier/www.wikidata.org",
        &token,
        &[
            ("statement_id", "Q12418$landscape"),
            ("iiif_region", "pct:0,50,100,50"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let hash = json(&saved)["qualifier_hash"]
        .as_str()
        .expect("a hash")
        .to_owned();
    let edits = fakes.positions.qualifier_edits();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].statement_id, "Q12418$landscape");
    assert_eq!(edits[0].property, "P2677");
    assert_eq!(edits[0].value, "\"pct:0,50,100,50\"");
    assert_eq!(edits[0].snak_hash, None);
    assert_eq!(edits[0].user.as_deref(), Some("Painter"));
    assert!(
        edits[0].summary.contains("[[toolforge:wd-image-positions|"),
        "{}",
        edits[0].summary
    );
    let page = client.get("/item/Q12418").await;
    let drawn = boxes(&page);
    let landscape = format!(
        "Q12418$landscape: landscape at 0%,50%,100%,50% → {}",
        entity_page("Q107425")
    );
    assert!(drawn.contains(&landscape), "{drawn:?}");

    // Drawing it again replaces that qualifier.
    let again = api(
        &mut client,
        "/api/v2/add_qualifier/www.wikidata.org",
        &token,
        &[
            ("statement_id", "Q12418$landscape"),
            ("iiif_region", "pct:0,60,100,40"),
            ("qualifier_hash", &hash),
        ],
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        fakes.positions.qualifier_edits()[1].snak_hash.as_deref(),
        Some(hash.as_str())
    );
}

#[tokio::test]
async fn new_statements_for_an_item_unknown_and_no_value() {
    let fakes = Fakes::start().await;
    let mut client = fakes.logged_in_client().await;
    let token = script_token(&mut client).await;
    let added = api(
        &mut client,
        "/api/v1/add_statement/www.wikidata.org",
        &token,
        &[
            ("entity_id", "Q12418"),
            ("snaktype", "value"),
            ("item_id", "https://www.wikidata.org/wiki/Q5"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let depicted = &json(&added)["depicted"];
    assert_eq!(depicted["item_id"], "Q5");
    assert_eq!(depicted["property_id"], "P180");
    assert_eq!(depicted["label"]["value"], "human");
    let statement_id = depicted["statement_id"].as_str().expect("an id").to_owned();
    assert!(statement_id.starts_with("Q12418$"), "{statement_id}");
    let created = fakes.positions.created_statements();
    assert_eq!(
        created[0].value.as_deref(),
        Some("{\"entity-type\":\"item\",\"id\":\"Q5\"}")
    );

    for (snaktype, label) in [("somevalue", "unknown value"), ("novalue", "no value")] {
        let response = api(
            &mut client,
            "/api/v1/add_statement/commons.wikimedia.org",
            &token,
            &[("entity_id", "M8"), ("snaktype", snaktype)],
        )
        .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        assert_eq!(json(&response)["depicted"]["label"]["value"], label);
    }
    let created = fakes.positions.created_statements();
    assert_eq!(created.len(), 3);
    assert_eq!(
        (created[1].entity.as_str(), created[1].snaktype.as_str()),
        ("M8", "somevalue")
    );
    assert_eq!(created[2].value, None);

    let cases: &[Refusal<'_>] = &[
        (
            "en.wikipedia.org",
            &[("entity_id", "Q1"), ("snaktype", "novalue")],
            StatusCode::FORBIDDEN,
            "not en.wikipedia.org",
        ),
        (
            "www.wikidata.org",
            &[("entity_id", "M8"), ("snaktype", "novalue")],
            StatusCode::BAD_REQUEST,
            "“M8” names no Wikidata entity",
        ),
        (
            "www.wikidata.org",
            &[("entity_id", "Q1"), ("snaktype", "value")],
            StatusCode::BAD_REQUEST,
            "Give the item the region shows.",
        ),
        (
            "www.wikidata.org",
            &[
                ("entity_id", "Q1"),
                ("snaktype", "value"),
                ("item_id", "P18"),
            ],
            StatusCode::BAD_REQUEST,
            "“P18” names no Wikidata item",
        ),
        (
            "www.wikidata.org",
            &[
                ("entity_id", "Q1"),
                ("snaktype", "somevalue"),
                ("item_id", "Q5"),
            ],
            StatusCode::BAD_REQUEST,
            "“somevalue” is not a kind",
        ),
        (
            "www.wikidata.org",
            &[
                ("entity_id", "Q1"),
                ("snaktype", "novalue"),
                ("property_id", "P31"),
            ],
            StatusCode::BAD_REQUEST,
            "“P31” is not a property id",
        ),
    ];
    for (domain, fields, status, message) in cases {
        let response = api(
            &mut client,
            &format!("/api/v1/add_statement/{domain}"),
            &token,
            fields,
        )
        .await;
        assert_eq!(response.status, *status, "{fields:?}: {}", response.body);
        let info = json(&response)["error"]["info"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(info.contains(message), "{message} not in {info}");
    }
    let bad_region = api(
        &mut client,
        "/api/v2/add_qualifier/www.wikidata.org",
        &token,
        &[
            ("statement_id", "Q12418$landscape"),
            ("iiif_region", "pct:1,2,3"),
        ],
    )
    .await;
    assert_eq!(bad_region.status, StatusCode::BAD_REQUEST);
    let bad_statement = api(
        &mut client,
        "/api/v2/add_qualifier/commons.wikimedia.org",
        &token,
        &[
            ("statement_id", "Q12418$landscape"),
            ("iiif_region", "full"),
        ],
    )
    .await;
    assert_eq!(bad_statement.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        fakes.positions.created_statements().len(),
        3,
        "nothing more created"
    );
}

#[tokio::test]
async fn a_refusal_of_the_wiki_is_passed_on() {
    let fakes = Fakes::start().await;
    let mut client = fakes.logged_in_client().await;
    let token = script_token(&mut client).await;
    fakes
        .positions
        .fail_edits_with("permissiondenied", "You may not edit this item.");
    let refused = api(
        &mut client,
        "/api/v2/add_qualifier/www.wikidata.org",
        &token,
        &[
            ("statement_id", "Q12418$landscape"),
            ("iiif_region", "full"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(refused.header("content-type"), Some("application/json"));
    assert_eq!(json(&refused)["error"]["code"], "wiki-permission");
    let info = refusal_info(&refused);
    assert!(
        info.starts_with("You may not do this on www.wikidata.org.")
            && info.ends_with("You may not edit this item."),
        "{info}"
    );
    fakes
        .positions
        .fail_edits_with("no-such-qualifier", "Could not find the qualifier.");
    let conflict = api(
        &mut client,
        "/api/v2/add_qualifier/www.wikidata.org",
        &token,
        &[
            ("statement_id", "Q12418$landscape"),
            ("iiif_region", "full"),
        ],
    )
    .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn every_address_of_the_original_answers() {
    let fakes = Fakes::start().await;
    fakes.sparql.set_uri_rows(&["item"], &[]);
    let mut client = fakes.client();
    let get_routes = [
        ("/", StatusCode::OK),
        ("/item/Q12418", StatusCode::OK),
        ("/item/Q12418/P18", StatusCode::OK),
        ("/file/Mona_Lisa.jpg", StatusCode::OK),
        ("/iiif_region/full", StatusCode::OK),
        ("/iiif_region/full/P18", StatusCode::OK),
        ("/iiif/Q12418/manifest.json", StatusCode::PERMANENT_REDIRECT),
        ("/iiif/Q12418/P18/manifest.json", StatusCode::OK),
        (
            "/iiif/Q12418/list/annotations.json",
            StatusCode::PERMANENT_REDIRECT,
        ),
        ("/iiif/Q12418/P18/list/annotations.json", StatusCode::OK),
        ("/api/v1/depicteds_html/file/Mona_Lisa.jpg", StatusCode::OK),
        ("/settings/", StatusCode::PERMANENT_REDIRECT),
        ("/login", StatusCode::SEE_OTHER),
        ("/logout", StatusCode::OK),
        ("/healthz", StatusCode::OK),
        ("/static/wd-image-positions.css", StatusCode::OK),
        ("/static/wd-image-positions.js", StatusCode::OK),
    ];
    for (path, status) in get_routes {
        let response = client.get(path).await;
        assert_eq!(response.status, status, "{path}: {}", response.body);
    }
    assert_eq!(client.get("/settings/").await.location(), Some("/language"));
    // The OAuth callback is the platform's now: without a pending login it is a 400 page.
    assert_eq!(
        client.get("/oauth/callback").await.status,
        StatusCode::BAD_REQUEST
    );
    let fragment = client
        .get("/api/v1/depicteds_html/file/Mona_Lisa.jpg")
        .await;
    assert_eq!(fragment.header("access-control-allow-origin"), Some("*"));
    assert!(
        fragment
            .body
            .starts_with("<ul class=\"wd-image-positions-depicteds\">"),
        "{}",
        fragment.body
    );
    assert_eq!(
        fragment.select_attr("ul.wd-image-positions-depicteds > li", "data-region"),
        ["100,600,2000,2400"]
    );
    let script = client.get("/static/wd-image-positions.js").await;
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
}
