//! Translate Link web service: read configuration, build the app, serve it.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _logging = platform::telemetry::init();
    let config = platform::config::load::<translate_link::Settings>()?;
    let platform = translate_link::platform(&config)?;
    let app = translate_link::app(&platform, &config.tool).await?;
    platform.serve(app).await?;
    Ok(())
}
