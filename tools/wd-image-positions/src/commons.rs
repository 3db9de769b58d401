//! A file of Commons as the pages and IIIF need it: its page id (its MediaInfo entity is
//! `M<page id>`), the original's URL, type and size, a thumbnail with its larger versions, and
//! the attribution.

use serde_json::Value;
use wikimedia::mediawiki::{MediaWiki, MediaWikiError};

use crate::attribution::{self, Attribution};
use crate::input::FileName;

/// How wide the page shows an image; the `srcset` adds Commons' 1.5× and 2× versions.
pub const PAGE_WIDTH: u32 = 960;
/// How wide the thumbnail of an IIIF canvas is.
pub const IIIF_THUMBNAIL_WIDTH: u32 = 400;

/// The `extmetadata` fields the attribution is made of.
const METADATA_FIELDS: &str = "Artist|Credit|LicenseShortName|LicenseUrl|AttributionRequired";

#[derive(Debug, Clone)]
pub struct Thumbnail {
    pub url: String,
    pub width: u64,
    pub height: u64,
    /// `url 1.5x, url 2x`, empty when Commons has no larger versions.
    pub srcset: String,
}

#[derive(Debug, Clone)]
pub struct ImageInfo {
    /// The name as Commons has it (normalised).
    pub name: FileName,
    pub page_id: u64,
    pub url: String,
    pub mime: String,
    pub width: u64,
    pub height: u64,
    pub thumbnail: Thumbnail,
    pub attribution: Option<Attribution>,
}

impl ImageInfo {
    /// The file's page on Commons.
    pub fn page_url(&self) -> String {
        let title: String = url::form_urlencoded::byte_serialize(
            format!("File:{}", self.name.url_form()).as_bytes(),
        )
        .collect();
        format!(
            "https://commons.wikimedia.org/wiki/{}",
            title.replace("%3A", ":").replace("%2F", "/")
        )
    }

    /// The file's MediaInfo entity.
    pub fn media_info_id(&self) -> String {
        format!("M{}", self.page_id)
    }
}

/// The file `name` with a thumbnail `thumbnail_width` wide and the attribution in `language`;
/// `None` when Commons has no such file.
pub async fn image_info(
    wiki: &MediaWiki,
    name: &FileName,
    thumbnail_width: u32,
    language: &str,
) -> Result<Option<ImageInfo>, MediaWikiError> {
    let title = name.title();
    let width = thumbnail_width.to_string();
    let response: Value = wiki
        .get(&[
            ("action", "query"),
            ("titles", &title),
            ("prop", "imageinfo"),
            ("iiprop", "url|size|mime|extmetadata"),
            ("iiurlwidth", &width),
            ("iiextmetadatalanguage", language),
            ("iiextmetadatafilter", METADATA_FIELDS),
        ])
        .await?;
    Ok(read_image_info(&response))
}

fn read_image_info(response: &Value) -> Option<ImageInfo> {
    let page = &response["query"]["pages"][0];
    if page.get("missing").is_some() || page.get("invalid").is_some() {
        return None;
    }
    let info = &page["imageinfo"][0];
    let name = FileName::new(page["title"].as_str()?.strip_prefix("File:")?)?;
    let srcset = ["1.5", "2"]
        .iter()
        .filter_map(|density| {
            info["responsiveUrls"][*density]
                .as_str()
                .map(|url| format!("{url} {density}x"))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let url = info["url"].as_str()?.to_owned();
    let (width, height) = (info["width"].as_u64()?, info["height"].as_u64()?);
    Some(ImageInfo {
        name,
        page_id: page["pageid"].as_u64()?,
        thumbnail: Thumbnail {
            url: info["thumburl"].as_str().unwrap_or(&url).to_owned(),
            width: info["thumbwidth"].as_u64().unwrap_or(width),
            height: info["thumbheight"].as_u64().unwrap_or(height),
            srcset,
        },
        url,
        mime: info["mime"].as_str().unwrap_or("image/jpeg").to_owned(),
        width,
        height,
        attribution: attribution::from_extmetadata(&info["extmetadata"]),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_file_with_its_thumbnail_and_attribution() {
        let response = json!({"query": {"normalized": [{"from": "File:A_b.jpg", "to": "File:A b.jpg"}],
        "pages": [{"pageid": 42, "ns": 6, "title": "File:A b.jpg", "imageinfo": [{
            "url": "https://upload.example/A_b.jpg", "mime": "image/jpeg", "width": 4000, "height": 3000,
            "thumburl": "https://upload.example/960px-A_b.jpg", "thumbwidth": 960, "thumbheight": 720,
            "responsiveUrls": {"1.5": "https://upload.example/1440px-A_b.jpg", "2": "https://upload.example/1920px-A_b.jpg"},
            "extmetadata": {"LicenseShortName": {"value": "CC0"}},
        }]}]}});
        let info = read_image_info(&response).expect("a file");
        assert_eq!(info.name.as_str(), "A b.jpg");
        assert_eq!(info.media_info_id(), "M42");
        assert_eq!((info.width, info.height), (4000, 3000));
        assert_eq!(info.thumbnail.url, "https://upload.example/960px-A_b.jpg");
        assert_eq!(
            info.thumbnail.srcset,
            "https://upload.example/1440px-A_b.jpg 1.5x, https://upload.example/1920px-A_b.jpg 2x"
        );
        assert_eq!(info.attribution.as_ref().expect("attribution").text, "CC0");
        assert_eq!(
            info.page_url(),
            "https://commons.wikimedia.org/wiki/File:A_b.jpg"
        );
    }

    #[test]
    fn missing_and_invalid_titles_are_no_file() {
        for page in [
            json!({"ns": 6, "title": "File:Gone.jpg", "missing": true}),
            json!({"title": "File:<", "invalid": true}),
        ] {
            assert!(read_image_info(&json!({"query": {"pages": [page]}})).is_none());
        }
    }
}
