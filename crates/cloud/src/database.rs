//! The cloud's storage: one SQLite file by default, PostgreSQL in production, the same schema
//! (each with its own migrations) and the same tests on both.

use std::{fmt, path::PathBuf, str::FromStr, time::Duration};

use gatehouse_core::wire::DatabaseKind;
use sqlx::{
    PgPool, SqlitePool,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions},
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error(
        "unsupported database URL {0:?}: use sqlite:PATH (or a plain file path) or postgres://USER@HOST/DB"
    )]
    UnsupportedUrl(String),
    #[error("invalid PostgreSQL URL: {0}")]
    InvalidPostgresUrl(#[source] sqlx::Error),
    #[error("cannot open the database {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Query(#[from] sqlx::Error),
    #[error("cannot chain the audit log: {0}")]
    Chain(#[from] crate::store::StoreError),
}

/// Where the cloud keeps its data, parsed once from `--database` / `DATABASE_URL`.
///
/// `Debug` and `Display` never show a PostgreSQL password.
#[derive(Clone)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(Box<PgConnectOptions>),
}

impl DatabaseUrl {
    pub fn kind(&self) -> DatabaseKind {
        match self {
            Self::Sqlite(_) => DatabaseKind::Sqlite,
            Self::Postgres(_) => DatabaseKind::Postgres,
        }
    }
}

impl FromStr for DatabaseUrl {
    type Err = DatabaseError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return PgConnectOptions::from_str(url)
                .map(|options| Self::Postgres(Box::new(options)))
                .map_err(DatabaseError::InvalidPostgresUrl);
        }
        let path = if let Some(rest) = url.strip_prefix("sqlite:") {
            rest.trim_start_matches("//")
                .split('?')
                .next()
                .unwrap_or_default()
        } else if url.contains("://") || url.is_empty() {
            return Err(DatabaseError::UnsupportedUrl(url.to_owned()));
        } else {
            url
        };
        if path.is_empty() {
            return Err(DatabaseError::UnsupportedUrl(url.to_owned()));
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            Self::Postgres(options) => write!(
                f,
                "postgres://{}@{}:{}/{}",
                options.get_username(),
                options.get_host(),
                options.get_port(),
                options.get_database().unwrap_or_default()
            ),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// A connection pool to the cloud's database.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Database {
    /// Opens the database, creating the SQLite file if it does not exist yet.
    pub async fn connect(url: &DatabaseUrl) -> Result<Self, DatabaseError> {
        let connect_error = |source| DatabaseError::Connect {
            url: url.to_string(),
            source,
        };
        match url {
            DatabaseUrl::Sqlite(path) => {
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // In WAL mode NORMAL still survives a crashed process; only a power cut can
                    // lose the last commits. FULL would fsync every commit.
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                    // Read pages through a memory map and keep more of them per connection:
                    // without, every page read is a syscall and a copy.
                    .pragma("mmap_size", "268435456")
                    .pragma("cache_size", "-16384")
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await
                    .map(Self::Sqlite)
                    .map_err(connect_error)
            }
            DatabaseUrl::Postgres(options) => PgPoolOptions::new()
                .max_connections(16)
                // During an outage a request answers 503 within a second instead of waiting.
                .acquire_timeout(Duration::from_secs(1))
                .connect_with((**options).clone())
                .await
                .map(Self::Postgres)
                .map_err(connect_error),
        }
    }

    /// Brings the schema up to date; running it again changes nothing.
    pub async fn migrate(&self) -> Result<(), DatabaseError> {
        match self {
            Self::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Self::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        self.chain_unchained_history().await?;
        Ok(())
    }

    /// Proves the database answers a query.
    pub async fn ping(&self) -> Result<(), DatabaseError> {
        match self {
            Self::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop)?,
            Self::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop)?,
        }
        Ok(())
    }

    pub fn kind(&self) -> DatabaseKind {
        match self {
            Self::Sqlite(_) => DatabaseKind::Sqlite,
            Self::Postgres(_) => DatabaseKind::Postgres,
        }
    }

    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_and_sqlite_urls_mean_a_sqlite_file() {
        for (input, path) in [
            ("gatehouse.db", "gatehouse.db"),
            ("sqlite:gatehouse.db", "gatehouse.db"),
            ("sqlite://var/lib/gh.db?mode=rwc", "var/lib/gh.db"),
            ("/tmp/x.sqlite3", "/tmp/x.sqlite3"),
        ] {
            match input.parse::<DatabaseUrl>().unwrap() {
                DatabaseUrl::Sqlite(p) => assert_eq!(p, PathBuf::from(path), "{input}"),
                DatabaseUrl::Postgres(_) => panic!("{input} parsed as PostgreSQL"),
            }
        }
    }

    #[test]
    fn postgres_url_never_shows_its_password() {
        let url: DatabaseUrl = "postgres://gate:s3cret@db.internal:5433/gatehouse"
            .parse()
            .unwrap();
        assert_eq!(url.kind(), DatabaseKind::Postgres);
        let shown = format!("{url} {url:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("db.internal:5433/gatehouse"), "{shown}");
    }

    #[test]
    fn other_schemes_are_refused_with_a_hint() {
        for input in ["mysql://root@localhost/db", "", "sqlite:"] {
            let err = input.parse::<DatabaseUrl>().unwrap_err().to_string();
            assert!(err.contains("use sqlite:PATH"), "{input}: {err}");
        }
    }
}
