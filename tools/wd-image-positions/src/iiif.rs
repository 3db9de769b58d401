//! IIIF Presentation API 2.1 (<https://iiif.io/api/presentation/2.1/>): a manifest with one
//! canvas the size of the original image, and the list of annotations that says where on it
//! each depicted thing is.

use serde_json::{Value, json};

use crate::commons::ImageInfo;
use crate::labels::Label;
use crate::region::Region;

const CONTEXT: &str = "http://iiif.io/api/presentation/2/context.json";

/// Where one item's IIIF resources live: `{origin}/iiif/{item}/{property}`.
#[derive(Debug, Clone)]
pub struct Base(pub String);

impl Base {
    pub fn new(origin: &str, item: &str, property: &str) -> Self {
        Self(format!("{origin}/iiif/{item}/{property}"))
    }

    pub fn manifest(&self) -> String {
        format!("{}/manifest.json", self.0)
    }

    pub fn canvas(&self) -> String {
        format!("{}/canvas/c0.json", self.0)
    }

    pub fn annotations(&self) -> String {
        format!("{}/list/annotations.json", self.0)
    }
}

/// A label as IIIF 2.1 writes a text in a language.
fn language_value(label: &Label) -> Value {
    json!({"@value": label.value, "@language": label.language})
}

/// The manifest of an item's image: the original as the canvas's image, and the image's
/// thumbnail as the canvas's.
pub fn manifest(base: &Base, label: &Label, image: &ImageInfo) -> Value {
    let thumbnail = &image.thumbnail;
    let canvas = base.canvas();
    let mut manifest = json!({
        "@context": CONTEXT,
        "@id": base.manifest(),
        "@type": "sc:Manifest",
        "label": language_value(label),
        "sequences": [{
            "@id": format!("{}/sequence/normal.json", base.0),
            "@type": "sc:Sequence",
            "label": "default order",
            "canvases": [{
                "@id": canvas,
                "@type": "sc:Canvas",
                "label": language_value(label),
                "width": image.width,
                "height": image.height,
                "images": [{
                    "@id": format!("{}/annotation/a0.json", base.0),
                    "@type": "oa:Annotation",
                    "motivation": "sc:painting",
                    "on": canvas,
                    "resource": {
                        "@id": image.url,
                        "@type": "dctypes:Image",
                        "format": image.mime,
                        "width": image.width,
                        "height": image.height,
                    },
                }],
                "thumbnail": {
                    "@id": thumbnail.url,
                    "@type": "dctypes:Image",
                    "format": thumbnail_format(&thumbnail.url, &image.mime),
                    "width": thumbnail.width,
                    "height": thumbnail.height,
                },
                "otherContent": [{
                    "@id": base.annotations(),
                    "@type": "sc:AnnotationList",
                    "label": "Things depicted on this canvas",
                }],
            }],
        }],
    });
    if let Some(attribution) = &image.attribution {
        manifest["attribution"] = json!(attribution.text);
        if let Some(license) = &attribution.license_url {
            manifest["license"] = json!(license);
        }
    }
    manifest
}

/// Thumbnails of formats browsers do not show (TIFF, PDF) are JPEG or PNG files.
fn thumbnail_format(url: &str, original: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if lower.ends_with(".png") {
        "image/png".to_owned()
    } else if lower.ends_with(".jpg") || lower.ends_with(".jpeg") {
        "image/jpeg".to_owned()
    } else {
        original.to_owned()
    }
}

/// One thing depicted, for the annotation list.
#[derive(Debug, Clone)]
pub struct Annotated<'a> {
    pub statement_id: &'a str,
    /// The depicted item's concept URI.
    pub item_uri: &'a str,
    pub label: &'a Label,
    pub region: Option<&'a Region>,
}

/// The annotation list: one `identifying` annotation per depicted item, on the part of the
/// canvas its region says (in pixels of the original, `width` × `height`), or on the whole
/// canvas without a region.
pub fn annotation_list(
    base: &Base,
    label: &Label,
    depicted: &[Annotated<'_>],
    width: u64,
    height: u64,
) -> Value {
    let canvas = base.canvas();
    let resources: Vec<Value> = depicted
        .iter()
        .map(|thing| {
            let on = match thing.region {
                Some(region) => {
                    let b = region.pixel_box(width, height);
                    format!("{canvas}#xywh={},{},{},{}", b.x, b.y, b.w, b.h)
                }
                None => canvas.clone(),
            };
            json!({
                "@id": format!("{}#{}", base.annotations(), thing.statement_id),
                "@type": "oa:Annotation",
                "motivation": "oa:identifying",
                "on": on,
                "resource": {
                    "@id": thing.item_uri,
                    "format": "text/plain",
                    "chars": thing.label.value,
                    "language": thing.label.language,
                },
            })
        })
        .collect();
    json!({
        "@context": CONTEXT,
        "@id": base.annotations(),
        "@type": "sc:AnnotationList",
        "label": format!("Annotations for {}", label.value),
        "resources": resources,
    })
}

/// The problems of a Presentation 2.1 manifest, by the shape the specification requires
/// (an empty list: none). Tests check every manifest the tool serves with it.
pub fn manifest_problems(manifest: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |ok: bool, what: &str| {
        if !ok {
            problems.push(what.to_owned());
        }
    };
    let is_url = |value: &Value| {
        value
            .as_str()
            .is_some_and(|url| url.starts_with("http://") || url.starts_with("https://"))
    };
    let is_text = |value: &Value| {
        value.is_string()
            || value["@value"].is_string()
            || value.as_array().is_some_and(|texts| {
                texts
                    .iter()
                    .all(|t| t.is_string() || t["@value"].is_string())
            })
    };
    expect(
        manifest["@context"] == CONTEXT,
        "@context is Presentation 2",
    );
    expect(is_url(&manifest["@id"]), "@id is a URL");
    expect(manifest["@type"] == "sc:Manifest", "@type is sc:Manifest");
    expect(is_text(&manifest["label"]), "label is a text");
    for optional in ["attribution", "description"] {
        if !manifest[optional].is_null() {
            expect(
                is_text(&manifest[optional]),
                "attribution/description are texts",
            );
        }
    }
    if !manifest["license"].is_null() {
        expect(is_url(&manifest["license"]), "license is a URL");
    }
    let sequences = manifest["sequences"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    expect(sequences.len() == 1, "exactly one sequence, embedded");
    for sequence in &sequences {
        expect(
            sequence["@type"] == "sc:Sequence",
            "sequence @type is sc:Sequence",
        );
        let canvases = sequence["canvases"].as_array().cloned().unwrap_or_default();
        expect(!canvases.is_empty(), "a sequence has canvases");
        for canvas in &canvases {
            expect(is_url(&canvas["@id"]), "canvas @id is a URL");
            expect(canvas["@type"] == "sc:Canvas", "canvas @type is sc:Canvas");
            expect(is_text(&canvas["label"]), "canvas label is a text");
            expect(
                canvas["width"].as_u64().is_some_and(|w| w > 0)
                    && canvas["height"].as_u64().is_some_and(|h| h > 0),
                "canvas has a positive integer width and height",
            );
            let images = canvas["images"].as_array().cloned().unwrap_or_default();
            expect(!images.is_empty(), "canvas has images");
            for image in &images {
                expect(
                    image["@type"] == "oa:Annotation",
                    "image @type is oa:Annotation",
                );
                expect(
                    image["motivation"] == "sc:painting",
                    "image motivation is sc:painting",
                );
                expect(image["on"] == canvas["@id"], "image is on its canvas");
                expect(
                    is_url(&image["resource"]["@id"]),
                    "image resource @id is a URL",
                );
                expect(
                    image["resource"]["@type"] == "dctypes:Image",
                    "image resource @type is dctypes:Image",
                );
            }
            if !canvas["thumbnail"].is_null() {
                expect(
                    is_url(&canvas["thumbnail"]["@id"]),
                    "thumbnail @id is a URL",
                );
            }
            for list in canvas["otherContent"].as_array().into_iter().flatten() {
                expect(is_url(&list["@id"]), "otherContent @id is a URL");
                expect(
                    list["@type"] == "sc:AnnotationList",
                    "otherContent @type is sc:AnnotationList",
                );
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::Attribution;
    use crate::commons::Thumbnail;
    use crate::input::FileName;
    use crate::region::Rect;

    fn image(thumbnail_width: u64) -> ImageInfo {
        ImageInfo {
            name: FileName::new("Mona Lisa.tif").expect("name"),
            page_id: 7,
            url: "https://upload.example/Mona_Lisa.tif".to_owned(),
            mime: "image/tiff".to_owned(),
            width: 4000,
            height: 6000,
            thumbnail: Thumbnail {
                url: format!(
                    "https://upload.example/lossy-page1-{thumbnail_width}px-Mona_Lisa.tif.jpg"
                ),
                width: thumbnail_width,
                height: thumbnail_width * 3 / 2,
                srcset: String::new(),
            },
            attribution: Some(Attribution {
                html: "<a href=\"https://x\">Leonardo</a>, Public domain".to_owned(),
                text: "Leonardo, Public domain".to_owned(),
                license_url: Some("https://creativecommons.org/publicdomain/mark/1.0/".to_owned()),
            }),
        }
    }

    fn label() -> Label {
        Label {
            language: "de".to_owned(),
            value: "Mona Lisa".to_owned(),
        }
    }

    #[test]
    fn the_manifest_has_one_canvas_the_size_of_the_original() {
        let base = Base::new("https://wd-image-positions.toolforge.org", "Q12418", "P18");
        let manifest = manifest(&base, &label(), &image(400));
        assert_eq!(manifest_problems(&manifest), Vec::<String>::new());
        assert_eq!(
            manifest["@id"],
            "https://wd-image-positions.toolforge.org/iiif/Q12418/P18/manifest.json"
        );
        assert_eq!(
            manifest["label"],
            json!({"@value": "Mona Lisa", "@language": "de"})
        );
        assert_eq!(manifest["attribution"], "Leonardo, Public domain");
        assert_eq!(
            manifest["license"],
            "https://creativecommons.org/publicdomain/mark/1.0/"
        );
        let canvas = &manifest["sequences"][0]["canvases"][0];
        assert_eq!(
            (canvas["width"].as_u64(), canvas["height"].as_u64()),
            (Some(4000), Some(6000))
        );
        assert_eq!(
            canvas["images"][0]["resource"]["@id"],
            "https://upload.example/Mona_Lisa.tif"
        );
        assert_eq!(canvas["images"][0]["resource"]["format"], "image/tiff");
        assert_eq!(canvas["thumbnail"]["width"], 400);
        assert_eq!(canvas["thumbnail"]["format"], "image/jpeg");
        assert_eq!(
            canvas["otherContent"][0]["@id"],
            "https://wd-image-positions.toolforge.org/iiif/Q12418/P18/list/annotations.json"
        );
    }

    #[test]
    fn a_manifest_without_attribution_has_none() {
        let mut plain = image(400);
        plain.attribution = None;
        let base = Base::new("http://localhost:8000", "Q1", "P18");
        let manifest = manifest(&base, &label(), &plain);
        assert!(manifest.get("attribution").is_none());
        assert!(manifest.get("license").is_none());
        assert_eq!(manifest_problems(&manifest), Vec::<String>::new());
    }

    #[test]
    fn the_shape_check_finds_what_is_wrong() {
        let base = Base::new("http://localhost:8000", "Q1", "P18");
        let mut broken = manifest(&base, &label(), &image(400));
        broken["@type"] = json!("sc:Collection");
        broken["sequences"][0]["canvases"][0]["width"] = json!("4000");
        broken["sequences"][0]["canvases"][0]["images"][0]["on"] = json!("elsewhere");
        assert_eq!(
            manifest_problems(&broken),
            [
                "@type is sc:Manifest",
                "canvas has a positive integer width and height",
                "image is on its canvas"
            ]
        );
    }

    #[test]
    fn annotations_are_in_pixels_of_the_original() {
        let base = Base::new("http://localhost:8000", "Q1", "P18");
        let label = label();
        let person = Label {
            language: "en".to_owned(),
            value: "woman".to_owned(),
        };
        let region = Region::Percent(Rect {
            x: 25.0,
            y: 10.0,
            w: 50.0,
            h: 33.3333,
        });
        let list = annotation_list(
            &base,
            &label,
            &[
                Annotated {
                    statement_id: "Q1$a",
                    item_uri: "http://www.wikidata.org/entity/Q467",
                    label: &person,
                    region: Some(&region),
                },
                Annotated {
                    statement_id: "Q1$b",
                    item_uri: "http://www.wikidata.org/entity/Q8441",
                    label: &person,
                    region: None,
                },
            ],
            4000,
            6000,
        );
        assert_eq!(list["@type"], "sc:AnnotationList");
        assert_eq!(list["label"], "Annotations for Mona Lisa");
        let resources = list["resources"].as_array().expect("resources");
        assert_eq!(
            resources[0]["on"],
            "http://localhost:8000/iiif/Q1/P18/canvas/c0.json#xywh=1000,600,2000,2000"
        );
        assert_eq!(resources[0]["resource"]["chars"], "woman");
        assert_eq!(
            resources[0]["resource"]["@id"],
            "http://www.wikidata.org/entity/Q467"
        );
        assert_eq!(
            resources[1]["on"],
            "http://localhost:8000/iiif/Q1/P18/canvas/c0.json"
        );
    }
}
