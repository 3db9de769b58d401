//! A real MediaWiki for the tests: Debian's `mediawiki` package (1.39 LTS) on SQLite, served by
//! PHP's built-in web server on a free local port, with users a test can pick by [`Role`].
//!
//! Fakes answer what a test tells them; this wiki answers what MediaWiki answers: namespace names
//! in the wiki's language, `mustpostparams` for a write sent by GET, `nochange`, tokens per type,
//! real blocks, rights and rate limits. Tests use it through [`RealWiki::start`], and tools reach
//! it through an [`OAuthBridge`](crate::OAuthBridge), since the package has no OAuth extension.
//!
//! Where the wiki comes from:
//!
//! 1. `TEST_MEDIAWIKI_DIR` (default `/usr/share/mediawiki`, where Debian's package puts it) holds
//!    `maintenance/install.php` and `php` runs with SQLite → a fresh wiki per test;
//! 2. otherwise the test says why it is skipped, and passes — except where
//!    `TEST_MEDIAWIKI_REQUIRED=1` (`.ci/run` sets it), where a missing wiki fails the test.
//!
//! A wiki per test costs a copy of a template: the template (installed, users created, bot
//! passwords set, the localisation cache built) is made once per machine and language and kept
//! in the temporary directory under a name that changes when its setup changes; each test copies
//! its 1 MB of SQLite files and starts `php -S` on them.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The wiki's language: its namespace names, aliases and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    English,
    German,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::German => "de",
        }
    }

    /// The database name, which MediaWiki also uses as the wiki's id.
    pub fn dbname(self) -> String {
        format!("{}wiki", self.code())
    }
}

/// The users every wiki has, one per kind of account the tools meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Registered, no edits, so not autoconfirmed (`$wgAutoConfirmCount` is 10 here): cannot
    /// edit semi-protected pages and meets the newbie rate limits.
    New,
    /// In the `confirmed` group, which has the autoconfirmed rights, as on Wikimedia's wikis.
    Autoconfirmed,
    /// Autoconfirmed and `rollbacker` (the `rollback` right).
    Rollbacker,
    /// Autoconfirmed and `patroller` (`patrol`, `autopatrol`).
    Patroller,
    /// Autoconfirmed and `bot`.
    Bot,
    /// Autoconfirmed, and blocked from editing everywhere on the wiki.
    Blocked,
    /// The installer's account: `sysop` and `bureaucrat`.
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::New,
        Role::Autoconfirmed,
        Role::Rollbacker,
        Role::Patroller,
        Role::Bot,
        Role::Blocked,
        Role::Admin,
    ];

    /// The account's name on every wiki.
    pub fn username(self) -> &'static str {
        match self {
            Role::New => "New Editor",
            Role::Autoconfirmed => "Confirmed Editor",
            Role::Rollbacker => "Rollback Editor",
            Role::Patroller => "Patrol Editor",
            Role::Bot => "Bot Editor",
            Role::Blocked => "Blocked Editor",
            Role::Admin => "Wiki Admin",
        }
    }

    pub fn from_username(username: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|role| role.username() == username)
    }

    /// Groups beyond `user` (and the implicit `autoconfirmed` none of them reach by edits).
    fn groups(self) -> &'static str {
        match self {
            Role::New => "",
            Role::Autoconfirmed | Role::Blocked => "confirmed",
            Role::Rollbacker => "confirmed,rollbacker",
            Role::Patroller => "confirmed,patroller",
            Role::Bot => "confirmed,bot",
            Role::Admin => "sysop,bureaucrat",
        }
    }
}

/// The account passwords (never used to log in: the tests log in with bot passwords).
const ACCOUNT_PASSWORD: &str = "account-password-for-tests";
/// Bot passwords are 32 characters of `[0-9a-w]` (`BotPassword::canonicalizeLoginData`).
const BOT_PASSWORD: &str = "0123456789abcdefghijklmnopqrstuv";
const BOT_APP: &str = "tests";
/// Everything an OAuth consumer of these tools may be granted, and more.
const BOT_GRANTS: &str = "basic,highvolume,editpage,editprotected,createeditmovepage,patrol,\
    rollback,delete,protect,blockusers,editmywatchlist,viewmywatchlist,editmyoptions";
/// Where a template is installed: the server address is replaced in each copy.
const TEMPLATE_SERVER: &str = "http://127.0.0.1:1";

/// What the tests need beyond the installer's settings. Changing it changes the template's name,
/// so a machine never uses a template made with other settings.
const TEST_SETTINGS: &str = r#"
# Settings for the tests (test-support's real_wiki.rs).
# Sessions must outlive a request: the installer's CACHE_NONE would lose every login.
$wgMainCacheType = CACHE_DB;
$wgSessionCacheType = CACHE_DB;
$wgEnableBotPasswords = true;
# Recent changes patrolling, as on Wikidata.
$wgUseRCPatrol = true;
$wgUseNPPatrol = true;
# No one is autoconfirmed by edits in a test; the `confirmed` group grants it, as on Wikimedia.
$wgAutoConfirmAge = 0;
$wgAutoConfirmCount = 10;
$wgGroupPermissions['confirmed'] = $wgGroupPermissions['autoconfirmed'];
$wgGroupPermissions['rollbacker']['rollback'] = true;
$wgGroupPermissions['patroller']['patrol'] = true;
$wgGroupPermissions['patroller']['autopatrol'] = true;
# The localisation cache as PHP files built once in the template, shared by its copies.
$wgLocalisationCacheConf['store'] = 'array';
$wgShowExceptionDetails = true;
$wgJobRunRate = 0;
"#;

/// Routes `/w/<entry point>.php` to MediaWiki's entry points under `php -S`.
const ROUTER: &str = r#"<?php
// test-support's real_wiki.rs: php -S serves MediaWiki's entry points under /w/.
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if (preg_match('#^/w/(api|index|load|rest)\.php(/.*)?$#', $path, $m)) {
    $root = getenv('MW_INSTALL_PATH');
    $_SERVER['SCRIPT_NAME'] = "/w/{$m[1]}.php";
    $_SERVER['SCRIPT_FILENAME'] = "$root/{$m[1]}.php";
    $_SERVER['PHP_SELF'] = "/w/{$m[1]}.php" . ($m[2] ?? '');
    if (isset($m[2]) && $m[2] !== '') {
        $_SERVER['PATH_INFO'] = $m[2];
    }
    chdir($root);
    require "$root/{$m[1]}.php";
    return true;
}
http_response_code(404);
echo "Not found\n";
return true;
"#;

/// Why there is no real wiki here, or the MediaWiki installation to use.
fn installation() -> Result<PathBuf, String> {
    let dir = std::env::var_os("TEST_MEDIAWIKI_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/mediawiki"));
    if !dir.join("maintenance/install.php").is_file() {
        return Err(format!(
            "no MediaWiki at {} (install Debian's packages: apt-get install mediawiki php-sqlite3 \
             php-cli php-intl php-mbstring php-xml; or set TEST_MEDIAWIKI_DIR)",
            dir.display()
        ));
    }
    let sqlite = Command::new("php")
        .args(["-r", "exit(extension_loaded('pdo_sqlite') ? 0 : 1);"])
        .status();
    match sqlite {
        Ok(status) if status.success() => Ok(dir),
        Ok(_) => Err("php has no SQLite driver (apt-get install php-sqlite3)".to_owned()),
        Err(error) => Err(format!(
            "php cannot be run ({error}; apt-get install php-cli)"
        )),
    }
}

/// Whether a missing wiki fails the test instead of skipping it.
fn required() -> bool {
    std::env::var("TEST_MEDIAWIKI_REQUIRED").is_ok_and(|value| value == "1")
}

/// Runs a maintenance script of `mediawiki` with `settings` as its LocalSettings.php.
fn maintenance(mediawiki: &Path, settings: &Path, script: &str, args: &[&str], stdin: &str) {
    use std::io::Write;
    let mut child = Command::new("php")
        .arg(mediawiki.join("maintenance").join(script))
        .args(args)
        .env("MW_CONFIG_FILE", settings)
        .env("MW_INSTALL_PATH", mediawiki)
        .current_dir(mediawiki)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("php {script} could not start: {error}"));
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("php reads its input");
    let output = child.wait_with_output().expect("php finishes");
    assert!(
        output.status.success(),
        "php {script} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The template's directory, made once per machine, language and setup.
fn template(mediawiki: &Path, language: Language) -> PathBuf {
    // One process at a time makes templates; others wait for it and then find it made.
    static MAKING: Mutex<()> = Mutex::new(());
    let _making = MAKING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut hash = Sha256::new();
    hash.update(mediawiki.to_string_lossy().as_bytes());
    hash.update(TEST_SETTINGS);
    hash.update(BOT_GRANTS);
    for role in Role::ALL {
        hash.update(role.username());
        hash.update(role.groups());
    }
    let version: String = hash
        .finalize()
        .iter()
        .take(6)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let root = std::env::temp_dir().join("toolforge-tests-mediawiki");
    let done = root.join(format!("{}-{version}", language.code()));
    if done.join("LocalSettings.php").is_file() {
        return done;
    }
    std::fs::create_dir_all(&root).expect("template root");
    // Made under a name of its own and renamed when complete, so another test process (the
    // tools' test binaries run one after another, but a developer may run two) never finds a
    // half-made template.
    let making = root.join(format!(
        "{}-{version}.making-{}",
        language.code(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&making);
    std::fs::create_dir_all(making.join("data")).expect("template directory");
    let started = Instant::now();
    let settings = making.join("LocalSettings.php");
    let install = Command::new("php")
        .arg(mediawiki.join("maintenance/install.php"))
        .args(["--dbtype", "sqlite", "--dbpath"])
        .arg(making.join("data"))
        .args(["--dbname", &language.dbname(), "--server", TEMPLATE_SERVER])
        .args(["--scriptpath", "/w", "--lang", language.code()])
        .args(["--pass", ACCOUNT_PASSWORD, "--confpath"])
        .arg(&making)
        .args([
            &format!("Test wiki ({})", language.code()),
            Role::Admin.username(),
        ])
        .current_dir(mediawiki)
        .stdout(Stdio::null())
        .output()
        .expect("php runs the installer");
    assert!(
        install.status.success(),
        "MediaWiki's installer failed: {}",
        String::from_utf8_lossy(&install.stderr)
    );
    let mut text = std::fs::read_to_string(&settings).expect("the installer wrote settings");
    text.push_str(TEST_SETTINGS);
    text.push_str(&format!(
        "$wgCacheDirectory = '{}';\n",
        making.join("cache").display()
    ));
    std::fs::write(&settings, text).expect("settings written");
    for role in Role::ALL {
        if role != Role::Admin {
            let mut args = vec!["--force"];
            if !role.groups().is_empty() {
                args.extend(["--custom-groups", role.groups()]);
            }
            args.extend([role.username(), ACCOUNT_PASSWORD]);
            maintenance(mediawiki, &settings, "createAndPromote.php", &args, "");
        }
        maintenance(
            mediawiki,
            &settings,
            "createBotPassword.php",
            &[
                "--grants",
                BOT_GRANTS,
                "--appid",
                BOT_APP,
                role.username(),
                BOT_PASSWORD,
            ],
            "",
        );
    }
    maintenance(
        mediawiki,
        &settings,
        "blockUsers.php",
        &[
            "--performer",
            Role::Admin.username(),
            "--reason",
            "Blocked for the tests",
        ],
        &format!("{}\n", Role::Blocked.username()),
    );
    maintenance(
        mediawiki,
        &settings,
        "rebuildLocalisationCache.php",
        &["--lang", &format!("{},en", language.code()), "--force"],
        "",
    );
    std::fs::write(making.join("router.php"), ROUTER).expect("router written");
    // The cache directory's path is written into the copied settings, so it must not move:
    // the finished template is the same directory under its final name, settings mended.
    let text = std::fs::read_to_string(&settings).expect("settings");
    std::fs::write(
        &settings,
        text.replace(
            &making.to_string_lossy().into_owned(),
            &done.to_string_lossy(),
        ),
    )
    .expect("settings written");
    // Another process may have finished the same template meanwhile: then its copy is used.
    if std::fs::rename(&making, &done).is_err() {
        assert!(
            done.join("LocalSettings.php").is_file(),
            "the template could not be moved to {}",
            done.display()
        );
        let _ = std::fs::remove_dir_all(&making);
    }
    eprintln!(
        "real wiki: made the {} template in {:.1} s",
        language.code(),
        started.elapsed().as_secs_f64()
    );
    done
}

/// A running wiki, for one test. Dropping it stops the server and deletes its files.
#[derive(Debug, Clone)]
pub struct RealWiki {
    inner: Arc<Running>,
}

#[derive(Debug)]
struct Running {
    url: String,
    language: Language,
    dir: PathBuf,
    server: Mutex<Child>,
    /// Each role's session cookies, logged in on first use.
    sessions: tokio::sync::Mutex<BTreeMap<Role, Cookies>>,
    http: reqwest::Client,
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut server = self
            .server
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let _ = server.kill();
        let _ = server.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

impl RealWiki {
    /// A fresh wiki in `language`, or `None` (with the reason on stderr) when this machine has
    /// none and `TEST_MEDIAWIKI_REQUIRED` is not `1`.
    pub async fn start(language: Language) -> Option<RealWiki> {
        let mediawiki = match installation() {
            Ok(dir) => dir,
            Err(reason) if required() => {
                panic!("TEST_MEDIAWIKI_REQUIRED=1, but there is no real wiki: {reason}")
            }
            Err(reason) => {
                eprintln!("skipped: no real wiki for this test: {reason}");
                return None;
            }
        };
        let wiki = tokio::task::spawn_blocking(move || Self::launch(&mediawiki, language))
            .await
            .expect("the wiki starts without panicking");
        wiki.wait_until_serving().await;
        Some(wiki)
    }

    fn launch(mediawiki: &Path, language: Language) -> RealWiki {
        static COPIES: AtomicU64 = AtomicU64::new(0);
        let template = template(mediawiki, language);
        let dir = std::env::temp_dir().join(format!(
            "toolforge-tests-mediawiki-run-{}-{}",
            std::process::id(),
            COPIES.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("data")).expect("wiki directory");
        for entry in std::fs::read_dir(template.join("data")).expect("template data") {
            let path = entry.expect("template file").path();
            if path.extension().is_some_and(|ext| ext == "sqlite") {
                std::fs::copy(
                    &path,
                    dir.join("data").join(path.file_name().expect("name")),
                )
                .expect("database copied");
            }
        }
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}");
        let settings = std::fs::read_to_string(template.join("LocalSettings.php"))
            .expect("template settings")
            .replace(
                &template.join("data").to_string_lossy().into_owned(),
                &dir.join("data").to_string_lossy(),
            )
            .replace(TEMPLATE_SERVER, &url);
        std::fs::write(dir.join("LocalSettings.php"), settings).expect("settings written");
        let log = std::fs::File::create(dir.join("server.log")).expect("server log");
        let server = Command::new("php")
            .args(["-S", &format!("127.0.0.1:{port}"), "-t"])
            .arg(mediawiki)
            .arg(template.join("router.php"))
            .env("MW_CONFIG_FILE", dir.join("LocalSettings.php"))
            .env("MW_INSTALL_PATH", mediawiki)
            // Several requests at once, as a tool sends them (php -S serves one by default).
            .env("PHP_CLI_SERVER_WORKERS", "4")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("php -S starts");
        RealWiki {
            inner: Arc::new(Running {
                url,
                language,
                dir,
                server: Mutex::new(server),
                sessions: tokio::sync::Mutex::new(BTreeMap::new()),
                http: reqwest::Client::builder()
                    .user_agent("test-support real wiki (tests)")
                    .timeout(Duration::from_secs(60))
                    .build()
                    .expect("HTTP client"),
            }),
        }
    }

    async fn wait_until_serving(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let answer = self
                .inner
                .http
                .get(self.api_url())
                .query(&[
                    ("action", "query"),
                    ("meta", "siteinfo"),
                    ("format", "json"),
                ])
                .send()
                .await;
            if answer.is_ok_and(|response| response.status().is_success()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the real wiki did not answer within 30 s; its log: {}",
                std::fs::read_to_string(self.inner.dir.join("server.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `http://127.0.0.1:<port>`; pages under `/wiki/`… are not served, the API is at
    /// [`api_url`](Self::api_url).
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    pub fn api_url(&self) -> String {
        format!("{}/w/api.php", self.inner.url)
    }

    pub fn language(&self) -> Language {
        self.inner.language
    }

    /// An Action API session as `role`, for a test to set up pages and read results.
    pub async fn session(&self, role: Role) -> WikiSession {
        WikiSession {
            wiki: self.clone(),
            cookies: self.cookies(role).await,
        }
    }

    /// An anonymous session (no cookies): what a client without a login gets.
    pub fn anonymous(&self) -> WikiSession {
        WikiSession {
            wiki: self.clone(),
            cookies: Cookies::default(),
        }
    }

    /// The session cookies of `role`, logged in with its bot password on first use.
    pub(crate) async fn cookies(&self, role: Role) -> Cookies {
        let mut sessions = self.inner.sessions.lock().await;
        if let Some(cookies) = sessions.get(&role) {
            return cookies.clone();
        }
        let mut cookies = Cookies::default();
        let tokens = self
            .send(
                reqwest::Method::GET,
                &[("action", "query"), ("meta", "tokens"), ("type", "login")],
                &mut cookies,
            )
            .await;
        let login_token = tokens["query"]["tokens"]["logintoken"]
            .as_str()
            .unwrap_or_else(|| panic!("no login token: {tokens}"))
            .to_owned();
        let name = format!("{}@{BOT_APP}", role.username());
        let login = self
            .send(
                reqwest::Method::POST,
                &[
                    ("action", "login"),
                    ("lgname", &name),
                    ("lgpassword", BOT_PASSWORD),
                    ("lgtoken", &login_token),
                ],
                &mut cookies,
            )
            .await;
        assert_eq!(
            login["login"]["result"], "Success",
            "{name} logs in with its bot password: {login}"
        );
        sessions.insert(role, cookies.clone());
        cookies
    }

    /// One Action API request with `cookies`, which it updates from the answer.
    async fn send(
        &self,
        method: reqwest::Method,
        params: &[(&str, &str)],
        cookies: &mut Cookies,
    ) -> Value {
        let mut all: Vec<(&str, &str)> = vec![("format", "json"), ("formatversion", "2")];
        all.extend_from_slice(params);
        let request = self.inner.http.request(method.clone(), self.api_url());
        let request = if method == reqwest::Method::GET {
            request.query(&all)
        } else {
            request.form(&all)
        };
        let response = cookies
            .attach(request)
            .send()
            .await
            .expect("the real wiki answers");
        cookies.update(response.headers());
        let status = response.status();
        let text = response.text().await.expect("the real wiki's answer");
        serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("the real wiki answered {status} with no JSON: {text}"))
    }

    /// Forwards a request as it came (for the bridge): `path_and_query` under the wiki's
    /// address, the body as it is; the answer's status, content type and body.
    pub(crate) async fn forward(
        &self,
        method: reqwest::Method,
        path_and_query: &str,
        headers: &[(reqwest::header::HeaderName, String)],
        body: Vec<u8>,
        cookies: &Cookies,
    ) -> (reqwest::StatusCode, Option<String>, Vec<u8>) {
        let mut request = self
            .inner
            .http
            .request(method, format!("{}{path_and_query}", self.inner.url));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = cookies
            .attach(request.body(body))
            .send()
            .await
            .expect("the real wiki answers");
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.expect("the real wiki's answer");
        (status, content_type, body.to_vec())
    }
}

/// Cookies of one session, kept by hand: MediaWiki's are few and the session needs no more
/// than their names and values (and reqwest's cookie store is a feature no tool builds with).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cookies(BTreeMap<String, String>);

impl Cookies {
    fn attach(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if self.0.is_empty() {
            return request;
        }
        let header: Vec<String> = self
            .0
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        request.header(reqwest::header::COOKIE, header.join("; "))
    }

    fn update(&mut self, headers: &reqwest::header::HeaderMap) {
        for value in headers.get_all(reqwest::header::SET_COOKIE) {
            let Some((pair, _attributes)) = value
                .to_str()
                .ok()
                .map(|text| text.split_once(';').unwrap_or((text, "")))
            else {
                continue;
            };
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            // MediaWiki removes a cookie by setting it to "deleted", expired.
            if value == "deleted" {
                self.0.remove(name.trim());
            } else {
                self.0
                    .insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
    }
}

/// A test's own session on the wiki, logged in as a [`Role`] or anonymous.
#[derive(Debug, Clone)]
pub struct WikiSession {
    wiki: RealWiki,
    cookies: Cookies,
}

impl WikiSession {
    /// An Action API GET (`format=json`, `formatversion=2` added).
    pub async fn get(&mut self, params: &[(&str, &str)]) -> Value {
        self.wiki
            .send(reqwest::Method::GET, params, &mut self.cookies)
            .await
    }

    /// An Action API POST (`format=json`, `formatversion=2` added), with no token added.
    pub async fn post(&mut self, params: &[(&str, &str)]) -> Value {
        self.wiki
            .send(reqwest::Method::POST, params, &mut self.cookies)
            .await
    }

    /// A token of `kind` (`csrf`, `patrol`, `rollback`, …) for this session.
    pub async fn token(&mut self, kind: &str) -> String {
        let answer = self
            .get(&[("action", "query"), ("meta", "tokens"), ("type", kind)])
            .await;
        answer["query"]["tokens"][format!("{kind}token")]
            .as_str()
            .unwrap_or_else(|| panic!("no {kind} token: {answer}"))
            .to_owned()
    }

    /// Saves `text` as `title` (with a summary), POSTed with a CSRF token; the API's answer.
    pub async fn edit(&mut self, title: &str, text: &str) -> Value {
        let token = self.token("csrf").await;
        self.post(&[
            ("action", "edit"),
            ("title", title),
            ("text", text),
            ("summary", "test setup"),
            ("token", &token),
        ])
        .await
    }

    /// The page's current wikitext, `None` if it does not exist.
    pub async fn wikitext(&mut self, title: &str) -> Option<String> {
        let answer = self
            .get(&[
                ("action", "query"),
                ("prop", "revisions"),
                ("rvprop", "content"),
                ("rvslots", "main"),
                ("titles", title),
            ])
            .await;
        answer["query"]["pages"][0]["revisions"][0]["slots"]["main"]["content"]
            .as_str()
            .map(str::to_owned)
    }
}
