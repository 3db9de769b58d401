//! Serving a tool on Toolforge: the `Platform` built from the configuration, the one request
//! pipeline, the health check and the server with its graceful shutdown.

pub mod app;
pub mod health;
pub mod pipeline;
pub mod serve;
