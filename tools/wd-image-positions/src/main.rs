//! Wikidata Image Positions web service: read configuration, build the app, serve it.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _logging = platform::telemetry::init();
    let config = platform::config::load::<wd_image_positions::Settings>()?;
    let platform = wd_image_positions::platform(&config)?;
    let app = wd_image_positions::app(&platform, &config.tool)?;
    platform.serve(app).await?;
    Ok(())
}
