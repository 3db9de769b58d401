//! SpeedPatrolling web service: read configuration, build the app, serve it.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _logging = platform::telemetry::init();
    let config = platform::config::load::<speedpatrolling::Settings>()?;
    let platform = speedpatrolling::platform(&config)?;
    let app = speedpatrolling::app(&platform, &config.tool);
    platform.serve(app).await?;
    Ok(())
}
