//! Wikidata Lexeme Forms web service: read configuration, build the app, serve it.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _logging = platform::telemetry::init();
    let config = platform::config::load::<lexeme_forms::Settings>()?;
    let platform = lexeme_forms::platform(&config)?;
    let app = lexeme_forms::app(&platform, &config.tool)?;
    platform.serve(app).await?;
    Ok(())
}
