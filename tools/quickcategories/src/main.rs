//! QuickCategories: the web service (no arguments), or `preview` on the command line.

use std::io::Write;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("preview") {
        let output = quickcategories::cli::preview(&args[1..], &mut std::io::stdin())?;
        std::io::stdout().write_all(output.as_bytes())?;
        return Ok(());
    }
    platform::telemetry::init();
    let config = platform::config::load::<quickcategories::Settings>()?;
    let platform = quickcategories::platform(&config)?;
    let store = quickcategories::store(&config.tool)?;
    quickcategories::migrate_in_background(&store);
    let app = quickcategories::app(&platform, &config.tool, store);
    platform.serve(app).await?;
    Ok(())
}
