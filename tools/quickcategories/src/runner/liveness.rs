//! Proof of life for Toolforge's health check: the runner touches a file on every turn of its
//! loop, and the check (`quickcategories check-runner`) removes it. If the check finds no file,
//! the loop has not turned since the previous check (every 10 s on Toolforge), and after three
//! such checks Kubernetes restarts the runner.

use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Liveness {
    path: PathBuf,
}

impl Liveness {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Marks the runner alive. A failure is logged, not fatal: the health check will tell.
    pub fn touch(&self) {
        if let Err(error) = std::fs::write(&self.path, b"alive\n") {
            tracing::warn!(%error, path = %self.path.display(), "cannot write the liveness file");
        }
    }

    /// A runner that stops leaves no proof of life behind (for the next process's first check).
    pub fn clear(&self) {
        let _ = std::fs::remove_file(&self.path);
    }

    /// The health check: `Ok` if the runner touched the file since the last check (and removes
    /// it, so the next check needs a new touch).
    pub fn check(&self) -> Result<(), io::Error> {
        std::fs::remove_file(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_touch_passes_one_check() {
        let dir = std::env::temp_dir().join(format!("liveness-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let liveness = Liveness::new(dir.join("alive"));
        assert!(liveness.check().is_err(), "nothing touched yet");
        liveness.touch();
        assert!(liveness.check().is_ok());
        assert!(liveness.check().is_err(), "a check consumes the touch");
        liveness.touch();
        liveness.clear();
        assert!(liveness.check().is_err(), "cleared when the runner stops");
        let _ = std::fs::remove_dir_all(dir);
    }
}
