//! Where a redirect may send the browser back to: a path of this tool, never another site.
//!
//! Every parameter that becomes a `Location` (the login's and the language menu's `return_to`)
//! goes through [`safe_return_path`].

/// Accepts only a path inside this tool: `/…`, but not `//host` or `/\host` (browsers read
/// both as another site), and nothing with a control character: browsers drop tab, CR and LF
/// from URLs, so `/<tab>/evil.example` arrives as `//evil.example`, and a CR or LF cannot be put
/// into a header at all. Anything else means the start page.
pub fn safe_return_path(candidate: Option<&str>) -> String {
    match candidate {
        Some(path)
            if path.starts_with('/')
                && !path.chars().any(char::is_control)
                && !starts_another_site(path) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// `//` and `/\` (and `\\`, `\/`) after the first character start an authority for a browser.
fn starts_another_site(path: &str) -> bool {
    matches!(path.as_bytes().get(1), Some(b'/' | b'\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_the_tool_are_kept() {
        for path in [
            "/",
            "/diff/123/?a=b",
            "/batch/4/#commands",
            "/a\\b",
            "/%2F/x",
        ] {
            assert_eq!(safe_return_path(Some(path)), path);
        }
    }

    #[test]
    fn other_sites_and_control_characters_mean_the_start_page() {
        for target in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "/\t/evil.example",
            "/\r/evil.example",
            "/\n/evil.example",
            "/x\r\nSet-Cookie: a",
            "/\u{7f}/evil.example",
            "\\\\evil.example",
            "evil",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_return_path(Some(target)), "/", "{target:?}");
        }
        assert_eq!(safe_return_path(None), "/");
    }
}
