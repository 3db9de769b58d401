//! What users type or link: an entity of Wikidata (an id or any of its URLs) or a file of
//! Commons (a name, a `File:` title, a file page URL, a `Special:FilePath` URL, an upload URL),
//! parsed into the ids and names the rest of the tool works with.

use percent_encoding::percent_decode_str;
use url::Url;
use wikimedia::title;

/// Wikidata, whose items (and properties and lexemes) have an image property.
pub const WIKIDATA: &str = "www.wikidata.org";
/// Commons, whose files have structured data (MediaInfo entities `M<page id>`).
pub const COMMONS: &str = "commons.wikimedia.org";

/// Why the input names no entity or file: the text the user typed, to show it back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("no Wikidata entity in {0:?}")]
    NoEntity(String),
    #[error("no Commons file in {0:?}")]
    NoFile(String),
}

fn is_number(digits: &str) -> bool {
    // Wikibase ids have no leading zeros.
    !digits.is_empty() && !digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The id of an entity of Wikidata: an item (`Q1`), a property (`P18`), a lexeme (`L1`), or a
/// lexeme's form or sense (`L1-F2`, `L1-S1`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(String);

impl EntityId {
    /// Exactly an id, as in a route (`Q42`); anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let valid = match text.split_once('-') {
            Some((lexeme, sub)) => {
                lexeme.strip_prefix('L').is_some_and(is_number)
                    && (sub.strip_prefix('F').is_some_and(is_number)
                        || sub.strip_prefix('S').is_some_and(is_number))
            }
            None => ["Q", "P", "L"]
                .iter()
                .any(|letter| text.strip_prefix(letter).is_some_and(is_number)),
        };
        valid.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EntityId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A property's id (`P18`), the image property of an item page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyId(String);

impl PropertyId {
    pub fn parse(text: &str) -> Option<Self> {
        text.strip_prefix('P')
            .is_some_and(is_number)
            .then(|| Self(text.to_owned()))
    }

    /// The default image property, "image" (P18).
    pub fn image() -> Self {
        Self("P18".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PropertyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `text` is a MediaInfo id of Commons (`M123`).
pub fn is_media_info_id(text: &str) -> bool {
    text.strip_prefix('M').is_some_and(is_number)
}

/// The entity an input names: an id (`Q1`, `q1`), or a Wikidata URL: the concept URI
/// (`http://www.wikidata.org/entity/Q1`), a page (`/wiki/Q1`, `/wiki/Property:P18`,
/// `/wiki/Lexeme:L1`), `Special:EntityPage/Q1`, `Special:EntityData/Q1.json`, or
/// `index.php?title=Q1&action=history`.
pub fn entity_from_input(input: &str) -> Result<EntityId, InputError> {
    let text = input.trim();
    let refused = || InputError::NoEntity(input.to_owned());
    if let Some(id) = id_from_title(text) {
        return Ok(id);
    }
    let url = Url::parse(text).map_err(|_| refused())?;
    let on_wikidata = matches!(url.scheme(), "http" | "https")
        && matches!(
            url.host_str(),
            Some("www.wikidata.org" | "wikidata.org" | "m.wikidata.org")
        );
    if !on_wikidata {
        return Err(refused());
    }
    let path = decode(url.path());
    let title = if let Some(id) = path.strip_prefix("/entity/") {
        id.to_owned()
    } else if let Some(title) = path.strip_prefix("/wiki/") {
        title.to_owned()
    } else if path == "/w/index.php" {
        url.query_pairs()
            .filter(|(name, _)| name == "title")
            .map(|(_, value)| value.into_owned())
            .last()
            .ok_or_else(refused)?
    } else {
        return Err(refused());
    };
    id_from_title(&title).ok_or_else(refused)
}

/// An id from a page title: the id itself, or with its namespace or special page before it.
fn id_from_title(title: &str) -> Option<EntityId> {
    let title = title.replace(' ', "_");
    let mut rest = title.as_str();
    for prefix in [
        "Special:EntityPage/",
        "Special:EntityData/",
        "Property:",
        "Lexeme:",
        "Item:",
    ] {
        if let Some(after) = rest.strip_prefix(prefix) {
            rest = after;
            break;
        }
    }
    // `Special:EntityData/Q1.json` names the entity in a format.
    let rest = rest.split_once('.').map_or(rest, |(id, _)| id);
    let mut id = rest.to_owned();
    if let Some(first) = id.get(..1) {
        let upper = first.to_ascii_uppercase();
        id.replace_range(..1, &upper);
    }
    EntityId::parse(&id)
}

/// The name of a file on Commons, without `File:`, with spaces (as MediaWiki shows titles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    /// A name as it is, with underscores read as spaces; `None` if it cannot be a file name.
    pub fn new(name: &str) -> Option<Self> {
        let name = name.replace('_', " ").trim().to_owned();
        // The name is part of a title, and uploads refuse `/` in a name besides.
        let possible =
            !name.is_empty() && title::forbidden_character(&name).is_none() && !name.contains('/');
        possible.then_some(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `File:Name.jpg`, the page title.
    pub fn title(&self) -> String {
        format!("File:{}", self.0)
    }

    /// The name as it is written in URLs, with underscores (`A_b.jpg`).
    pub fn url_form(&self) -> String {
        self.0.replace(' ', "_")
    }
}

/// The file an input names: a name with an extension (`Mona Lisa.jpg`), a title
/// (`File:Mona Lisa.jpg`), a file page URL (`/wiki/File:…`, `index.php?title=File:…`), a
/// `Special:FilePath/…` URL, or an upload URL (the original or one of its thumbnails).
pub fn file_from_input(input: &str) -> Result<FileName, InputError> {
    let text = input.trim();
    let refused = || InputError::NoFile(input.to_owned());
    if let Some(name) = strip_file_namespace(text) {
        return FileName::new(name).ok_or_else(refused);
    }
    if !text.contains(':') {
        return if text.contains('.') {
            FileName::new(text).ok_or_else(refused)
        } else {
            Err(refused())
        };
    }
    let url = Url::parse(text).map_err(|_| refused())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refused());
    }
    let segments: Vec<String> = url
        .path_segments()
        .map(|segments| segments.map(decode).collect())
        .unwrap_or_default();
    let name = match url.host_str() {
        Some("commons.wikimedia.org" | "commons.m.wikimedia.org") => {
            let path = decode(url.path());
            if let Some(title) = path.strip_prefix("/wiki/") {
                title
                    .strip_prefix("Special:FilePath/")
                    .map(str::to_owned)
                    .or_else(|| strip_file_namespace(title).map(str::to_owned))
            } else if path == "/w/index.php" {
                url.query_pairs()
                    .filter(|(name, _)| name == "title")
                    .map(|(_, value)| value.into_owned())
                    .last()
                    .and_then(|title| strip_file_namespace(&title).map(str::to_owned))
            } else {
                None
            }
        }
        // /wikipedia/commons/a/ab/Name.jpg, or /wikipedia/commons/thumb/a/ab/Name.jpg/220px-…
        Some("upload.wikimedia.org") => match segments.as_slice() {
            [wikipedia, commons, thumb, _, _, name, ..]
                if wikipedia == "wikipedia" && commons == "commons" && thumb == "thumb" =>
            {
                Some(name.clone())
            }
            [wikipedia, commons, _, _, name]
                if wikipedia == "wikipedia" && commons == "commons" =>
            {
                Some(name.clone())
            }
            _ => None,
        },
        _ => None,
    };
    name.and_then(|name| FileName::new(&name))
        .ok_or_else(refused)
}

/// The name after `File:` (or its alias `Image:`), in any case.
fn strip_file_namespace(title: &str) -> Option<&str> {
    let (namespace, name) = title.split_once(':')?;
    matches!(namespace.to_ascii_lowercase().as_str(), "file" | "image").then_some(name)
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_an_entity_gives_its_id() {
        let cases = [
            ("Q42", "Q42"),
            ("  q42 ", "Q42"),
            ("P18", "P18"),
            ("L7", "L7"),
            ("L7-F2", "L7-F2"),
            ("L7-S1", "L7-S1"),
            ("http://www.wikidata.org/entity/Q42", "Q42"),
            ("https://www.wikidata.org/entity/L7-F2", "L7-F2"),
            ("https://www.wikidata.org/wiki/Q42", "Q42"),
            ("https://www.wikidata.org/wiki/Q42#P18", "Q42"),
            ("https://www.wikidata.org/wiki/Q42?uselang=de", "Q42"),
            ("https://m.wikidata.org/wiki/Q42", "Q42"),
            ("https://www.wikidata.org/wiki/Property:P18", "P18"),
            ("https://www.wikidata.org/wiki/Lexeme:L7", "L7"),
            (
                "https://www.wikidata.org/wiki/Special:EntityPage/Q42",
                "Q42",
            ),
            (
                "https://www.wikidata.org/wiki/Special:EntityData/Q42",
                "Q42",
            ),
            (
                "https://www.wikidata.org/wiki/Special:EntityData/Q42.json",
                "Q42",
            ),
            (
                "https://www.wikidata.org/w/index.php?title=Q42&action=history",
                "Q42",
            ),
            (
                "https://www.wikidata.org/w/index.php?action=edit&title=Property:P18",
                "P18",
            ),
            (
                "https://www.wikidata.org/w/index.php?title=Special%3AEntityPage%2FQ42",
                "Q42",
            ),
        ];
        for (input, id) in cases {
            assert_eq!(
                entity_from_input(input).map(|id| id.to_string()),
                Ok(id.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn junk_is_no_entity() {
        for input in [
            "",
            "Q",
            "Q0",
            "Q042",
            "Q1x",
            "X1",
            "M5",
            "L1-X1",
            "Douglas Adams",
            "https://example.org/wiki/Q42",
            "https://en.wikipedia.org/wiki/Q42",
            "https://www.wikidata.org/wiki/Talk:Q42",
            "https://www.wikidata.org/w/index.php?action=history",
            "ftp://www.wikidata.org/entity/Q42",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                entity_from_input(input),
                Err(InputError::NoEntity(input.to_owned())),
                "{input}"
            );
        }
    }

    #[test]
    fn every_form_of_a_file_gives_its_name() {
        let cases = [
            ("Mona Lisa.jpg", "Mona Lisa.jpg"),
            ("Mona_Lisa.jpg", "Mona Lisa.jpg"),
            ("File:Mona Lisa.jpg", "Mona Lisa.jpg"),
            ("file:Mona_Lisa.jpg", "Mona Lisa.jpg"),
            ("Image:Mona Lisa.jpg", "Mona Lisa.jpg"),
            (
                "https://commons.wikimedia.org/wiki/File:Mona_Lisa.jpg",
                "Mona Lisa.jpg",
            ),
            (
                "https://commons.wikimedia.org/wiki/File:Caf%C3%A9_de_Flore.jpg?uselang=fr#Licensing",
                "Café de Flore.jpg",
            ),
            (
                "https://commons.m.wikimedia.org/wiki/File:Mona_Lisa.jpg",
                "Mona Lisa.jpg",
            ),
            (
                "https://commons.wikimedia.org/wiki/Special:FilePath/Mona_Lisa.jpg",
                "Mona Lisa.jpg",
            ),
            (
                "https://commons.wikimedia.org/wiki/Special:FilePath/Mona_Lisa.jpg?width=300",
                "Mona Lisa.jpg",
            ),
            (
                "https://commons.wikimedia.org/w/index.php?title=File:Mona_Lisa.jpg&action=history",
                "Mona Lisa.jpg",
            ),
            (
                "https://upload.wikimedia.org/wikipedia/commons/e/ec/Mona_Lisa.jpg",
                "Mona Lisa.jpg",
            ),
            (
                "https://upload.wikimedia.org/wikipedia/commons/thumb/e/ec/Mona_Lisa.jpg/220px-Mona_Lisa.jpg",
                "Mona Lisa.jpg",
            ),
            (
                "https://upload.wikimedia.org/wikipedia/commons/thumb/a/ab/Plan.tif/lossy-page1-800px-Plan.tif.jpg",
                "Plan.tif",
            ),
        ];
        for (input, name) in cases {
            assert_eq!(
                file_from_input(input).map(|name| name.as_str().to_owned()),
                Ok(name.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn junk_is_no_file() {
        for input in [
            "",
            "Mona Lisa",
            "File:",
            "File:a|b.jpg",
            "File:a/b.jpg",
            "File:a\tb.jpg",
            "https://en.wikipedia.org/wiki/File:Mona_Lisa.jpg",
            "https://commons.wikimedia.org/wiki/Category:Paintings",
            "https://commons.wikimedia.org/w/index.php?title=Main_Page",
            "https://upload.wikimedia.org/wikipedia/en/a/ab/Local.jpg",
            "https://example.org/Mona_Lisa.jpg",
            "mailto:someone@example.org",
        ] {
            assert_eq!(
                file_from_input(input),
                Err(InputError::NoFile(input.to_owned())),
                "{input}"
            );
        }
    }

    #[test]
    fn file_names_have_a_title_and_a_url_form() {
        let name = FileName::new("Mona_Lisa.jpg").expect("a name");
        assert_eq!(name.as_str(), "Mona Lisa.jpg");
        assert_eq!(name.title(), "File:Mona Lisa.jpg");
        assert_eq!(name.url_form(), "Mona_Lisa.jpg");
    }

    #[test]
    fn route_ids_are_exact() {
        assert!(EntityId::parse("Q1").is_some());
        assert!(EntityId::parse("q1").is_none());
        assert!(PropertyId::parse("P18").is_some());
        assert!(PropertyId::parse("Q18").is_none());
        assert!(is_media_info_id("M123"));
        assert!(!is_media_info_id("M0"));
    }
}
