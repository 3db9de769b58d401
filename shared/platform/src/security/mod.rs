//! What keeps one user's session theirs: the sealed cookie, the CSRF token, the cross-origin
//! check in front of them, the response headers that deny framing, redirects that stay on the
//! tool, and the sealing of secrets kept at rest.

pub mod cross_origin;
pub mod csrf;
pub mod headers;
pub mod redirect;
pub mod sealing;
pub mod session;
