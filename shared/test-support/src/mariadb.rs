//! A fresh, empty MariaDB database for each test, from whichever server this machine offers:
//!
//! 1. `TEST_MARIADB_URL` (e.g. `mysql://root@mariadb:3306`, a GitLab CI service) → that server;
//! 2. else a Docker engine that answers → a container started with testcontainers, image
//!    `TEST_MARIADB_IMAGE` (default `mariadb:10.6`, the version ToolsDB runs; with no registry,
//!    `ci/build-mariadb-image.sh` builds one from Debian packages);
//! 3. else `mariadbd` installed → a throwaway server on a free port in a temporary directory.
//!
//! None of these is a test failure that names the three options, never a silent skip.
//! Each test's database has a random name and is dropped afterwards; the server is shared by the
//! tests of a binary while any of them runs, and stopped when the last one ends.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use sqlx::{Connection, MySqlConnection};
use testcontainers::core::IntoContainerPort;
use testcontainers::runners::SyncRunner;
use testcontainers::{Container, ImageExt};
use testcontainers_modules::mariadb::Mariadb;

const DEFAULT_IMAGE: &str = "mariadb:10.6";
const NO_SERVER: &str = "no MariaDB server for the database tests. Provide one of: \
    (1) TEST_MARIADB_URL=mysql://user:password@host:port of a server where the user may create databases; \
    (2) a running Docker engine (image from TEST_MARIADB_IMAGE, default mariadb:10.6; without a registry, \
    build one with `bash ci/build-mariadb-image.sh` and set TEST_MARIADB_IMAGE=toolforge-tests/mariadb:bookworm); \
    (3) the mariadbd binary (`apt-get install mariadb-server`)";

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    name: String,
    server: Option<Arc<Server>>,
}

impl TestDatabase {
    /// `mysql://…/<database>`, for the code under test.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Host and port of the server, for tests that put a proxy in between.
    pub fn server_address(&self) -> String {
        let server = self
            .server
            .as_ref()
            .map(|s| s.admin_url.clone())
            .unwrap_or_default();
        url::Url::parse(&server)
            .ok()
            .map(|u| {
                format!(
                    "{}:{}",
                    u.host_str().unwrap_or("127.0.0.1"),
                    u.port().unwrap_or(3306)
                )
            })
            .unwrap_or_default()
    }

    /// Which of the three ways the server came from, for the test log.
    pub fn mode(&self) -> &'static str {
        self.server.as_ref().map_or("?", |s| s.mode)
    }
}

/// Creates a fresh database for the calling test.
pub async fn test_database() -> TestDatabase {
    let server = tokio::task::spawn_blocking(shared_server)
        .await
        .expect("server start does not panic")
        .unwrap_or_else(|error| panic!("{error}"));
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = format!(
        "test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        Instant::now().elapsed().subsec_nanos() ^ (std::process::id() << 8)
    );
    let mut admin = MySqlConnection::connect(&server.admin_url)
        .await
        .unwrap_or_else(|error| {
            panic!(
                "cannot connect to the test MariaDB ({}): {error}",
                server.mode
            )
        });
    sqlx::query(&format!(
        "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    ))
    .execute(&mut admin)
    .await
    .unwrap_or_else(|error| panic!("cannot create a test database: {error}"));
    let _ = admin.close().await;
    let mut url = url::Url::parse(&server.admin_url).expect("admin URL parses");
    url.set_path(&format!("/{name}"));
    TestDatabase {
        url: url.into(),
        name,
        server: Some(server),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let server = self.server.take();
        let name = self.name.clone();
        // Dropping happens inside the test's runtime, where blocking is not allowed: drop the
        // database (and maybe the server) on a thread of its own, and wait for it.
        let cleanup = std::thread::spawn(move || {
            if let Some(server) = &server {
                let admin_url = server.admin_url.clone();
                if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    runtime.block_on(async move {
                        if let Ok(mut admin) = MySqlConnection::connect(&admin_url).await {
                            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS `{name}`"))
                                .execute(&mut admin)
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                }
            }
            drop(server);
        });
        let _ = cleanup.join();
    }
}

#[derive(Debug)]
struct Server {
    /// `mysql://user[:password]@host:port`, allowed to create and drop databases.
    admin_url: String,
    mode: &'static str,
    _running: Running,
}

enum Running {
    External,
    // Held so that the container runs until the last test using it ends.
    Container { _container: Box<Container<Mariadb>> },
    Process { child: Child, dir: PathBuf },
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::External => "External",
            Self::Container { .. } => "Container",
            Self::Process { .. } => "Process",
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Self::Process { child, dir } = self {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn shared_server() -> Result<Arc<Server>, String> {
    static SERVER: Mutex<Weak<Server>> = Mutex::new(Weak::new());
    let mut shared = SERVER.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(server) = shared.upgrade() {
        return Ok(server);
    }
    let server = Arc::new(start_server()?);
    *shared = Arc::downgrade(&server);
    Ok(server)
}

fn start_server() -> Result<Server, String> {
    if let Ok(url) = std::env::var("TEST_MARIADB_URL") {
        let mut url =
            url::Url::parse(&url).map_err(|e| format!("TEST_MARIADB_URL is not a URL: {e}"))?;
        url.set_path("");
        return Ok(Server {
            admin_url: url.as_str().trim_end_matches('/').to_owned(),
            mode: "TEST_MARIADB_URL",
            _running: Running::External,
        });
    }
    if docker_answers() {
        return start_container();
    }
    if let Some(mariadbd) = find_mariadbd() {
        return start_process(&mariadbd);
    }
    Err(NO_SERVER.to_owned())
}

fn docker_answers() -> bool {
    Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn start_container() -> Result<Server, String> {
    let image = std::env::var("TEST_MARIADB_IMAGE").unwrap_or_else(|_| DEFAULT_IMAGE.to_owned());
    let (name, tag) = image.rsplit_once(':').unwrap_or((image.as_str(), "latest"));
    let container = Mariadb::default()
        .with_name(name)
        .with_tag(tag)
        .with_startup_timeout(Duration::from_secs(120))
        .start()
        .map_err(|error| {
            format!("cannot start MariaDB container {image}: {error} ({NO_SERVER})")
        })?;
    let host = container.get_host().map_err(|e| e.to_string())?;
    let port = container
        .get_host_port_ipv4(3306.tcp())
        .map_err(|e| e.to_string())?;
    Ok(Server {
        admin_url: format!("mysql://root@{host}:{port}"),
        mode: "container",
        _running: Running::Container {
            _container: Box::new(container),
        },
    })
}

fn find_mariadbd() -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .chain(["/usr/sbin", "/usr/local/sbin"])
        .map(|dir| PathBuf::from(dir).join("mariadbd"))
        .find(|candidate| candidate.is_file())
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| e.to_string())
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}

fn start_process(mariadbd: &std::path::Path) -> Result<Server, String> {
    let dir = std::env::temp_dir().join(format!(
        "test-mariadb-{}-{}",
        std::process::id(),
        free_port()?
    ));
    let data = dir.join("data");
    std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    let install_db = mariadbd.with_file_name("mariadb-install-db");
    let install_db = if install_db.is_file() {
        install_db
    } else {
        PathBuf::from("mariadb-install-db")
    };
    let mut install = Command::new(&install_db);
    install.args([
        "--no-defaults",
        "--skip-test-db",
        "--auth-root-authentication-method=normal",
    ]);
    install.arg(format!("--datadir={}", data.display()));
    if running_as_root() {
        install.arg("--user=root");
    }
    let status = install
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", install_db.display()))?;
    if !status.success() {
        return Err(format!("{} failed: {status}", install_db.display()));
    }
    let port = free_port()?;
    let mut server = Command::new(mariadbd);
    server
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--socket={}", dir.join("mysqld.sock").display()))
        .arg(format!("--port={port}"))
        .args([
            "--bind-address=127.0.0.1",
            "--skip-grant-tables",
            "--skip-log-bin",
        ])
        .arg(format!("--pid-file={}", dir.join("mysqld.pid").display()));
    if running_as_root() {
        server.arg("--user=root");
    }
    let child = server
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", mariadbd.display()))?;
    let running = Running::Process { child, dir };
    let admin_url = format!("mysql://root@127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    loop {
        if runtime
            .block_on(MySqlConnection::connect(&admin_url))
            .is_ok()
        {
            break;
        }
        if Instant::now() > deadline {
            return Err("the throwaway mariadbd did not accept connections within 60 s".to_owned());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(Server {
        admin_url,
        mode: "mariadbd",
        _running: running,
    })
}
