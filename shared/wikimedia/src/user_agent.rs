//! The user agent every outgoing request carries, per the Wikimedia User-Agent policy:
//! `<tool>/<version> (https://<tool>.toolforge.org/; <contact>) <http library>/<version>`.

use std::fmt;

/// The HTTP library named at the end of the user agent. reqwest does not export its version,
/// so this names the minor series the workspace pins in `Cargo.toml`.
pub const HTTP_LIBRARY: &str = "reqwest/0.12";

/// Name and version of the running tool; build one with [`crate::tool_info!`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolInfo {
    /// The tool's Toolforge name, which is also its crate and binary name.
    pub name: &'static str,
    pub version: &'static str,
    /// Where the source code lives, linked from every page.
    pub repository: &'static str,
}

/// The calling crate's name and version, taken from its `Cargo.toml`.
#[macro_export]
macro_rules! tool_info {
    () => {{
        // Every page links to the source code (the AGPL asks for it): a crate without
        // `repository.workspace = true` would link to nothing, so it does not compile.
        const _: () = assert!(
            !env!("CARGO_PKG_REPOSITORY").is_empty(),
            "set `repository.workspace = true` in the tool's Cargo.toml: pages link to the source"
        );
        $crate::ToolInfo {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            repository: env!("CARGO_PKG_REPOSITORY"),
        }
    }};
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAgent(String);

impl UserAgent {
    /// `contact` defaults to the tool account's mail address, which reaches its maintainers.
    pub fn new(tool: ToolInfo, contact: Option<&str>) -> Self {
        let default_contact = format!("tools.{}@toolforge.org", tool.name);
        let contact = contact
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or(&default_contact);
        Self(format!(
            "{name}/{version} (https://{name}.toolforge.org/; {contact}) {HTTP_LIBRARY}",
            name = tool.name,
            version = tool.version,
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserAgent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An HTTP client builder with the user agent and sane timeouts already set; every outgoing
/// HTTP client in a tool starts here, so none can forget the user agent.
pub fn http_client_builder(user_agent: &UserAgent) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(user_agent.as_str())
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(20))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOOL: ToolInfo = ToolInfo {
        name: "translate-link",
        version: "1.2.3",
        repository: "https://example.org/repo",
    };

    #[test]
    fn default_contact_is_the_tool_mail_address() {
        assert_eq!(
            UserAgent::new(TOOL, None).as_str(),
            "translate-link/1.2.3 (https://translate-link.toolforge.org/; tools.translate-link@toolforge.org) reqwest/0.12"
        );
    }

    #[test]
    fn configured_contact_replaces_the_default() {
        assert_eq!(
            UserAgent::new(TOOL, Some("User:Example")).as_str(),
            "translate-link/1.2.3 (https://translate-link.toolforge.org/; User:Example) reqwest/0.12"
        );
    }

    #[test]
    fn blank_contact_falls_back_to_the_default() {
        assert!(
            UserAgent::new(TOOL, Some("  "))
                .as_str()
                .contains("tools.translate-link@toolforge.org")
        );
    }
}
