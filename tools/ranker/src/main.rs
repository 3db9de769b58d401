//! Ranker web service: read configuration, build the app, serve it.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _logging = platform::telemetry::init();
    let config = platform::config::load::<ranker::Settings>()?;
    let platform = ranker::platform(&config)?;
    let app = ranker::app(&platform, &config.tool)?;
    platform.serve(app).await?;
    Ok(())
}
