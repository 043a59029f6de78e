//! A database that exists for one test only — a new SQLite file, or a new PostgreSQL database
//! dropped again afterwards — and [`on_both_databases!`], which runs a test on each.

use std::str::FromStr;

use gatehouse_cloud::{Database, DatabaseUrl};
use sqlx::{Connection as _, PgConnection, postgres::PgConnectOptions};

pub const DEFAULT_TEST_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test only.
#[derive(Debug)]
pub struct TestDatabase {
    pub url: DatabaseUrl,
    _sqlite_dir: Option<tempfile::TempDir>,
    postgres: Option<(PgConnectOptions, String)>,
}

impl TestDatabase {
    /// A fresh database, or `None` when PostgreSQL is not reachable outside CI (under `CI=true`
    /// an unreachable PostgreSQL fails the test).
    pub async fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary folder");
                let url = DatabaseUrl::Sqlite(dir.path().join("cloud.db"));
                Some(Self {
                    url,
                    _sqlite_dir: Some(dir),
                    postgres: None,
                })
            }
            Backend::Postgres => {
                let admin_url = std::env::var("GATEHOUSE_TEST_DATABASE_URL")
                    .unwrap_or_else(|_| DEFAULT_TEST_POSTGRES.to_owned());
                let admin = PgConnectOptions::from_str(&admin_url)
                    .expect("GATEHOUSE_TEST_DATABASE_URL is a PostgreSQL URL");
                let mut connection = match PgConnection::connect_with(&admin).await {
                    Ok(connection) => connection,
                    Err(error) if std::env::var("CI").as_deref() != Ok("true") => {
                        eprintln!("PostgreSQL at {admin_url} is not reachable ({error}); skipped");
                        return None;
                    }
                    Err(error) => panic!("PostgreSQL at {admin_url} is required under CI: {error}"),
                };
                let name = format!("gatehouse_test_{}", uuid::Uuid::now_v7().simple());
                // The name is ours: a fixed prefix and a UUID's hex digits.
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut connection)
                    .await
                    .expect("the test database can be created");
                let url = DatabaseUrl::Postgres(Box::new(admin.clone().database(&name)));
                Some(Self {
                    url,
                    _sqlite_dir: None,
                    postgres: Some((admin, name)),
                })
            }
        }
    }

    /// PostgreSQL only: takes the database away (no new connection is accepted, the open ones
    /// are ended), as an outage would, or (`false`) brings it back. `false` on SQLite.
    pub async fn outage(&self, down: bool) -> bool {
        let Some((admin, name)) = &self.postgres else {
            return false;
        };
        let mut connection = PgConnection::connect_with(admin)
            .await
            .expect("the admin connection opens");
        // The name is ours: a fixed prefix and a UUID's hex digits.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS {}",
            !down
        )))
        .execute(&mut connection)
        .await
        .expect("the test database can be altered");
        if down {
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            )
            .bind(name)
            .execute(&mut connection)
            .await
            .expect("its connections can be ended");
        }
        true
    }

    /// The database as the command line's `--database` takes it.
    pub fn command_line_url(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite(path) => path.display().to_string(),
            DatabaseUrl::Postgres(options) => format!(
                "postgres://{}@{}:{}/{}",
                options.get_username(),
                options.get_host(),
                options.get_port(),
                options.get_database().unwrap_or_default()
            ),
        }
    }

    pub async fn open(&self) -> Database {
        let database = Database::connect(&self.url)
            .await
            .expect("the test database opens");
        database.migrate().await.expect("migrations run");
        database
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside any async context (and on panics); use a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut connection = PgConnection::connect_with(&admin).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut connection)
                .await?;
                Ok::<_, anyhow::Error>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: a test database could not be dropped");
        }
    }
}

/// Declares one test per database backend: `mod name { sqlite(), postgres() }`. PostgreSQL is
/// the server at `GATEHOUSE_TEST_DATABASE_URL`; outside CI a test skips it when it is down.
#[macro_export]
macro_rules! on_both_databases {
    ($(#[$meta:meta])* async fn $name:ident($backend:ident: Backend) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($backend: $crate::Backend) $body

            #[tokio::test]
            async fn sqlite() {
                run($crate::Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn postgres() {
                run($crate::Backend::Postgres).await;
            }
        }
    };
}
