//! The wiki's diff rows made safe to show: `action=compare` answers with HTML the page puts
//! inside its `<table class="diff">`, and a wiki (or whoever answers in its place) could put
//! anything there. Only the diff table's own markup stays: rows and cells with their classes
//! (`diff-marker`, `diff-addedline`, `diffchange`, …), `data-marker`, the inline `<ins>` and
//! `<del>` of changed words, and plain inline formatting. Scripts, event handlers, styles,
//! images and forms go.

use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(
            [
                "table", "tbody", "tr", "td", "th", "div", "span", "ins", "del", "br", "b", "i",
                "strong", "em", "sub", "sup", "code", "bdi", "a",
            ]
            .into_iter()
            .collect(),
        )
        .generic_attributes(["class", "dir", "lang"].into_iter().collect())
        .generic_attribute_prefixes(["data-"].into_iter().collect())
        .add_tag_attributes("td", ["colspan"].iter())
        .add_tag_attributes("a", ["href", "title"].iter());
    builder
});

/// The rows wrap themselves in a table for the parser (rows outside a table are not rows to
/// an HTML parser), which is taken off again: what is left is rows, as the wiki sent them.
const WRAPPER_START: &str = "<table><tbody>";
const WRAPPER_END: &str = "</tbody></table>";

/// `rows` (the `<tr>`s of a diff) with everything but the diff table's markup removed; nothing
/// if they close the table they are put in.
pub fn sanitized_rows(rows: &str) -> String {
    let cleaned = CLEANER
        .clean(&format!("{WRAPPER_START}{rows}{WRAPPER_END}"))
        .to_string();
    cleaned
        .strip_prefix(WRAPPER_START)
        .and_then(|inner| inner.strip_suffix(WRAPPER_END))
        // A table of its own inside: the rows closed the page's table (a layout of their own).
        .filter(|inner| !inner.contains("table>") && !inner.contains("<table"))
        .map_or_else(String::new, str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows as MediaWiki 1.39's `DifferenceEngine` makes them (`TableDiffFormatter`).
    const ROWS: &str = concat!(
        "<tr><td colspan=\"2\" class=\"diff-lineno\">Line 1:</td>",
        "<td colspan=\"2\" class=\"diff-lineno\">Line 1:</td></tr>",
        "<tr><td class=\"diff-marker\" data-marker=\"−\"></td>",
        "<td class=\"diff-deletedline diff-side-deleted\"><div>Old <del class=\"diffchange diffchange-inline\">word</del></div></td>",
        "<td class=\"diff-marker\" data-marker=\"+\"></td>",
        "<td class=\"diff-addedline diff-side-added\"><div>Old <ins class=\"diffchange diffchange-inline\">words</ins></div></td></tr>"
    );

    #[test]
    fn the_diff_tables_own_markup_stays() {
        assert_eq!(sanitized_rows(ROWS), ROWS);
    }

    #[test]
    fn scripts_handlers_and_foreign_elements_go() {
        let hostile = concat!(
            "<tr><td class=\"diff-context\" onclick=\"steal()\" style=\"position:fixed\">",
            "<div>a<script>alert(1)</script><img src=x onerror=alert(2)>",
            "<a href=\"javascript:alert(3)\">b</a>",
            "<form action=\"https://evil.example/\"><input name=csrf_token></form></div></td></tr>"
        );
        let cleaned = sanitized_rows(hostile);
        for gone in [
            "onclick",
            "style",
            "<script",
            "alert(1)",
            "<img",
            "onerror",
            "javascript:",
            "<form",
            "<input",
        ] {
            assert!(!cleaned.contains(gone), "{gone}: {cleaned}");
        }
        assert!(
            cleaned.starts_with("<tr><td class=\"diff-context\"><div>a"),
            "{cleaned}"
        );
    }

    #[test]
    fn rows_that_break_out_of_the_table_are_not_shown() {
        let breaking =
            "<tr><td>a</td></tr></table><script>alert(4)</script><table><tr><td>b</td></tr>";
        let cleaned = sanitized_rows(breaking);
        assert_eq!(cleaned, "");
    }
}
