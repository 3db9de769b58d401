//! The page of a pile, sent in pieces: the page around the file list first, then the files 50
//! at a time as their thumbnails arrive, then the rest. A pile of 5,000 files needs 100
//! thumbnail requests; the first files show while the others load, and every file is on one
//! page, so one form ticks and unticks them all.

use askama::Template;

use crate::thumbnails::FileEntry;

/// Where the files go in the rendered page.
pub const FILES_MARKER: &str = "<!--files-->";

/// The rendered page before and after the file list; `None` without the marker.
pub fn split(page: &str) -> Option<(&str, &str)> {
    page.split_once(FILES_MARKER)
}

/// The texts of file entries, in the page's language.
#[derive(Debug, Clone)]
pub struct EntryTexts {
    pub no_thumbnail: String,
    pub unavailable: String,
}

#[derive(Template)]
#[template(path = "files.html")]
struct Files<'a> {
    files: &'a [FileEntry],
    texts: &'a EntryTexts,
}

/// The list items of `files`.
pub fn render_files(files: &[FileEntry], texts: &EntryTexts) -> String {
    Files { files, texts }.render().unwrap_or_else(|error| {
        tracing::error!(%error, "file entries could not be rendered");
        String::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thumbnails::Thumbnail;

    fn texts() -> EntryTexts {
        EntryTexts {
            no_thumbnail: "no thumbnail".to_owned(),
            unavailable: "could not be loaded".to_owned(),
        }
    }

    #[test]
    fn each_file_is_a_ticked_checkbox_with_its_thumbnail_or_why_there_is_none() {
        let files = [
            FileEntry {
                title: "File:A \"b\".jpg".to_owned(),
                thumbnail: Some(Thumbnail {
                    url: "https://upload.example/a.jpg".to_owned(),
                    width: 250,
                    height: 100,
                    srcset: "https://upload.example/a2.jpg 2x".to_owned(),
                }),
                unavailable: false,
            },
            FileEntry {
                title: "Main Page".to_owned(),
                thumbnail: None,
                unavailable: false,
            },
            FileEntry {
                title: "File:C.jpg".to_owned(),
                thumbnail: None,
                unavailable: true,
            },
        ];
        let html = render_files(&files, &texts());
        assert_eq!(html.matches("type=\"checkbox\" name=\"file\"").count(), 3);
        assert_eq!(html.matches(" checked").count(), 3);
        assert!(
            html.contains("value=\"File:A &#34;b&#34;.jpg\""),
            "escaped: {html}"
        );
        assert!(html.contains(
            "src=\"https://upload.example/a.jpg\" srcset=\"https://upload.example/a2.jpg 2x\" width=\"250\" height=\"100\""
        ));
        assert!(html.contains("no thumbnail"));
        assert!(html.contains("could not be loaded"));
    }

    #[test]
    fn a_page_splits_at_the_marker() {
        assert_eq!(split("<ul><!--files--></ul>"), Some(("<ul>", "</ul>")));
        assert_eq!(split("<ul></ul>"), None);
    }
}
