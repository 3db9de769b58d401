//! PagePile Visual Filter web service: read configuration, build the app, serve it.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _logging = platform::telemetry::init();
    let config = platform::config::load::<pagepile_visual_filter::Settings>()?;
    let platform = pagepile_visual_filter::platform(&config)?;
    let app = pagepile_visual_filter::app(&platform, &config.tool)?;
    platform.serve(app).await?;
    Ok(())
}
