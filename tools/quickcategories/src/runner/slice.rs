//! A slice of a batch run from the batch page, as the logged-in creator: the same decisions
//! as the background runner (`disposition`), with the user waiting for the page.

use platform::Text;
use platform::i18n::message_syntax::isolated;
use wikimedia::mediawiki::MediaWiki;

use crate::execute;
use crate::preferences::Watchlist;
use crate::reason::RunReason;
use crate::runner::disposition::{Disposition, disposition};
use crate::store::{BatchId, BatchStore, Outcome, Store, StoreError, StoredCommand};
use crate::wikitext::CategoryNamespace;

/// Why a slice ended before its last command.
#[derive(Debug)]
pub enum SliceStop {
    /// The wiki asks everyone to wait (what the user is told); the commands not run are
    /// planned again.
    Wait(Text),
    /// An outcome could not be stored.
    Store(StoreError),
}

/// Runs a slice's commands, in order, storing each outcome. Whatever it does not store is given
/// back (planned again) where the store lets it.
pub async fn run_commands(
    store: Store,
    wiki: MediaWiki,
    namespace: CategoryNamespace,
    domain: String,
    batch: BatchId,
    commands: Vec<StoredCommand>,
    watchlist: Watchlist,
) -> Result<(), SliceStop> {
    let mut commands = commands.into_iter();
    while let Some(command) = commands.next() {
        let tried = execute::run(&wiki, &namespace, batch, &command.command, watchlist).await;
        // The runner's decision, taken where a user waits for the page: the wiki asks everyone
        // to wait, which is not the command's fault, so it stays planned (with the rest of the
        // slice) instead of being marked failed. Anything else is stored as the command's
        // outcome: the user sees it at once and can run the slice again.
        let outcome = match disposition(tried) {
            Disposition::Store(outcome) => outcome,
            Disposition::Wait { reason, .. } => {
                give_back(&store, batch, std::iter::once(command).chain(commands))
                    .await
                    .map_err(SliceStop::Store)?;
                return Err(SliceStop::Wait(wait_message(&domain, &reason)));
            }
            Disposition::Retry(info) => Outcome::Failed {
                code: "http".to_owned(),
                info,
            },
            // The session's own token: logging in again renews it.
            Disposition::Reauthorize(info) => Outcome::Failed {
                code: "assertuserfailed".to_owned(),
                info,
            },
            Disposition::Blocked(info) => Outcome::Blocked { info },
        };
        if let Err(error) = store.finish_command(command.id, &outcome).await {
            // Logged here as well as on the error page: the request may be gone already.
            tracing::warn!(%error, batch, command = command.id, "could not store an outcome");
            // The command whose outcome was lost goes back too: running it again changes
            // nothing more on the wiki and stores an outcome this time. A failure to give back
            // is logged by `give_back`; the user is told about the first error.
            let _ = give_back(&store, batch, std::iter::once(command).chain(commands)).await;
            return Err(SliceStop::Store(error));
        }
    }
    Ok(())
}

/// Plans `commands` again, in order. Stops at the first failure: the database is most likely
/// down, and each further attempt would only wait for it again; the rest stay pending until the
/// next `take_planned` of the batch plans them again (`WEB_CLAIM_TIMEOUT_SECONDS`).
async fn give_back(
    store: &Store,
    batch: BatchId,
    mut commands: impl Iterator<Item = StoredCommand>,
) -> Result<(), StoreError> {
    while let Some(command) = commands.next() {
        if let Err(error) = store.release_command(command.id).await {
            tracing::warn!(
                %error,
                batch,
                command = command.id,
                left_pending = 1 + commands.count(),
                "could not plan the rest of a slice again; it stays pending until its web claims time out"
            );
            return Err(error);
        }
    }
    Ok(())
}

/// What the user is told when the wiki asks everyone to wait.
fn wait_message(domain: &str, reason: &RunReason) -> Text {
    match reason {
        RunReason::Lagged(info) => Text::new("quickcategories-error-slice-lagged")
            .arg(domain)
            .html(isolated(info, None)),
        RunReason::ReadOnly(info) => Text::new("quickcategories-error-slice-read-only")
            .arg(domain)
            .html(isolated(info, None)),
        other => Text::new("quickcategories-error-slice-lagged")
            .arg(domain)
            .html(isolated(&other.stored(), None)),
    }
}
