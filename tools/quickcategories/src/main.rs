//! QuickCategories: the web service (no arguments), the background runner (`runner`), its
//! health check (`check-runner`), or `preview` on the command line.

use std::io::Write;

use anyhow::bail;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => {
            let _logging = platform::telemetry::init();
            quickcategories::processes::web().await?;
        }
        Some("runner") => {
            let _logging = platform::telemetry::init();
            quickcategories::processes::runner().await?;
        }
        Some("check-runner") => {
            if let Err(problem) = quickcategories::processes::check_runner() {
                eprintln!("{problem}");
                std::process::exit(1);
            }
        }
        Some("preview") => {
            let output = quickcategories::cli::preview(&args[1..], &mut std::io::stdin())?;
            std::io::stdout().write_all(output.as_bytes())?;
        }
        Some(other) => bail!(
            "unknown command {other:?}; use no argument (web service), runner, check-runner or preview"
        ),
    }
    Ok(())
}
