//! Thumbnails of Commons files: `prop=imageinfo` with a 250 px bounding box, 50 titles a
//! request (the API's limit for anonymous clients), several requests in flight, in the pile's
//! order.

use std::collections::HashMap;

use futures_util::{Stream, StreamExt, stream};
use serde_json::Value;
use wikimedia::mediawiki::{MediaWiki, MediaWikiError};

/// Titles per `imageinfo` request.
pub const TITLES_PER_REQUEST: usize = 50;

/// Width and height of the box thumbnails are scaled into.
pub const BOUNDING_BOX: u32 = 250;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// `url 1.5x, url 2x` from the API's responsive URLs, for sharp thumbnails on dense screens.
    pub srcset: String,
}

/// One page of the pile as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub title: String,
    pub thumbnail: Option<Thumbnail>,
    /// The thumbnail could not be asked for (the wiki failed); not the same as a page that has
    /// none (not a file, or missing).
    pub unavailable: bool,
}

/// The thumbnails of up to [`TITLES_PER_REQUEST`] titles, by the title asked for. Titles
/// without one (not a file, missing) are absent.
pub async fn load(
    commons: &MediaWiki,
    titles: &[String],
) -> Result<HashMap<String, Thumbnail>, MediaWikiError> {
    let joined = titles.join("|");
    let width = BOUNDING_BOX.to_string();
    let mut found = HashMap::new();
    let mut continuation: Vec<(String, String)> = Vec::new();
    loop {
        let mut params: Vec<(&str, &str)> = vec![
            ("action", "query"),
            ("titles", &joined),
            ("prop", "imageinfo"),
            ("iiprop", "url"),
            ("iiurlwidth", &width),
            ("iiurlheight", &width),
            ("formatversion", "2"),
        ];
        params.extend(continuation.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let answer: Value = commons.get(&params).await?;
        collect(&answer, titles, &mut found);
        continuation = match answer["continue"].as_object() {
            Some(next) => next
                .iter()
                .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
                .collect(),
            None => break,
        };
        if continuation.is_empty() {
            break;
        }
    }
    Ok(found)
}

/// Adds the thumbnails of one answer to `found`, under the titles as asked (the API answers
/// with normalised titles: `File:a b.jpg` for `File:a_b.jpg`).
fn collect(answer: &Value, asked: &[String], found: &mut HashMap<String, Thumbnail>) {
    let mut asked_as: HashMap<&str, &str> = asked
        .iter()
        .map(|title| (title.as_str(), title.as_str()))
        .collect();
    for normalized in answer["query"]["normalized"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let (Some(from), Some(to)) = (normalized["from"].as_str(), normalized["to"].as_str())
            && let Some(&original) = asked_as.get(from)
        {
            asked_as.insert(to, original);
        }
    }
    for page in answer["query"]["pages"].as_array().into_iter().flatten() {
        let (Some(title), Some(info)) = (page["title"].as_str(), page["imageinfo"].get(0)) else {
            continue;
        };
        let (Some(url), Some(width), Some(height)) = (
            info["thumburl"].as_str(),
            info["thumbwidth"].as_u64(),
            info["thumbheight"].as_u64(),
        ) else {
            continue;
        };
        let mut responsive: Vec<(f64, &str)> = info["responsiveUrls"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(factor, url)| Some((factor.parse().ok()?, url.as_str()?)))
            .collect();
        responsive.sort_by(|a, b| a.0.total_cmp(&b.0));
        let srcset = responsive
            .iter()
            .map(|(factor, url)| format!("{url} {factor}x"))
            .collect::<Vec<_>>()
            .join(", ");
        let key = asked_as.get(title).copied().unwrap_or(title);
        found.insert(
            key.to_owned(),
            Thumbnail {
                url: url.to_owned(),
                width: u32::try_from(width).unwrap_or(BOUNDING_BOX),
                height: u32::try_from(height).unwrap_or(BOUNDING_BOX),
                srcset,
            },
        );
    }
}

/// The pile's pages with their thumbnails, [`TITLES_PER_REQUEST`] at a time and in order, with
/// at most `concurrency` requests in flight. A failed request leaves its pages without
/// thumbnails (marked unavailable) instead of failing the page: every file can still be
/// chosen.
pub fn entries(
    commons: MediaWiki,
    titles: Vec<String>,
    concurrency: usize,
) -> impl Stream<Item = Vec<FileEntry>> {
    let chunks: Vec<Vec<String>> = titles
        .chunks(TITLES_PER_REQUEST)
        .map(<[String]>::to_vec)
        .collect();
    stream::iter(chunks)
        .map(move |chunk| {
            let commons = commons.clone();
            async move {
                let loaded = load(&commons, &chunk).await;
                if let Err(error) = &loaded {
                    tracing::warn!(%error, "thumbnails could not be loaded");
                }
                let unavailable = loaded.is_err();
                let mut thumbnails = loaded.unwrap_or_default();
                chunk
                    .into_iter()
                    .map(|title| FileEntry {
                        thumbnail: thumbnails.remove(&title),
                        title,
                        unavailable,
                    })
                    .collect::<Vec<_>>()
            }
        })
        .buffered(concurrency.max(1))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn thumbnails_are_found_under_the_titles_asked_for() {
        let asked = vec![
            "File:A_b.jpg".to_owned(),
            "File:C.png".to_owned(),
            "Main Page".to_owned(),
        ];
        let answer = json!({"query": {
            "normalized": [{"from": "File:A_b.jpg", "to": "File:A b.jpg"}],
            "pages": [
                {"title": "File:A b.jpg", "imageinfo": [{
                    "thumburl": "https://upload.example/a-250.jpg", "thumbwidth": 250, "thumbheight": 188,
                    "responsiveUrls": {"2": "https://upload.example/a-500.jpg", "1.5": "https://upload.example/a-375.jpg"},
                }]},
                {"title": "File:C.png", "imageinfo": [{
                    "thumburl": "https://upload.example/c.png", "thumbwidth": 120, "thumbheight": 250,
                }]},
                {"title": "Main Page", "ns": 0},
            ],
        }});
        let mut found = HashMap::new();
        collect(&answer, &asked, &mut found);
        assert_eq!(
            found.get("File:A_b.jpg"),
            Some(&Thumbnail {
                url: "https://upload.example/a-250.jpg".to_owned(),
                width: 250,
                height: 188,
                srcset:
                    "https://upload.example/a-375.jpg 1.5x, https://upload.example/a-500.jpg 2x"
                        .to_owned(),
            })
        );
        assert_eq!(found["File:C.png"].srcset, "", "no responsive URLs");
        assert!(!found.contains_key("Main Page"), "not a file");
    }
}
