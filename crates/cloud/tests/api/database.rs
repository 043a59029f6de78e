//! Migrations and demo data on both databases.

use crate::support::TestDatabase;
use chrono::NaiveDate;
use gatehouse_cloud::{Clock, Cloud, Database, demo};
use gatehouse_testsupport::on_both_databases;

async fn count(database: &Database, table: &'static str) -> i64 {
    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
    match database {
        Database::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Database::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

/// The context the demo command builds: the cloud's services over `database`, its keys sealed
/// under the same secret each run (as the command's key file).
fn demo_cloud(database: &Database) -> Cloud {
    static SECRET: std::sync::LazyLock<gatehouse_cloud::keys::KeySecret> =
        std::sync::LazyLock::new(gatehouse_cloud::keys::KeySecret::generate);
    Cloud::new(
        database.clone(),
        Clock::System,
        "https://gatehouse.test".into(),
        SECRET.clone(),
    )
}

fn shipped_demo() -> demo::DemoData {
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/demo/demo.json"
    ))
    .unwrap();
    demo::DemoData::parse(&json).unwrap()
}

on_both_databases! {
    async fn migrating_twice_changes_nothing(backend: Backend) {
        let Some(test_database) = TestDatabase::create(backend).await else { return };
        let database = test_database.open().await;
        database.migrate().await.expect("a second migration run is a no-op");
        assert_eq!(count(&database, "invitations").await, 0);
        database.close().await;
    }
}

on_both_databases! {
    async fn demo_data_is_replaced_not_duplicated(backend: Backend) {
        let Some(test_database) = TestDatabase::create(backend).await else { return };
        let database = test_database.open().await;
        let data = shipped_demo();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let first = demo::seed(&demo_cloud(&database), &data, monday).await.unwrap();
        let second = demo::seed(&demo_cloud(&database), &data, monday.succ_opt().unwrap()).await.unwrap();
        assert_eq!(first, second);
        assert_eq!(first.occupancies, 2);
        assert_eq!(count(&database, "facilities").await, 1);
        assert_eq!(count(&database, "occupancies").await, 2);
        assert_eq!(count(&database, "users").await, i64::try_from(first.people).unwrap());
        assert_eq!(count(&database, "invitations").await, i64::try_from(first.invitations).unwrap());
        database.close().await;
    }
}

on_both_databases! {
    async fn demo_invitations_went_through_the_rules(backend: Backend) {
        let Some(test_database) = TestDatabase::create(backend).await else { return };
        let database = test_database.open().await;
        demo::seed(&demo_cloud(&database), &shipped_demo(), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
            .await
            .unwrap();
        let statuses: Vec<String> = match &database {
            Database::Sqlite(pool) => sqlx::query_scalar("SELECT approval_status FROM invitations ORDER BY approval_status").fetch_all(pool).await.unwrap(),
            Database::Postgres(pool) => sqlx::query_scalar("SELECT approval_status FROM invitations ORDER BY approval_status").fetch_all(pool).await.unwrap(),
        };
        assert_eq!(statuses, ["approved", "approved", "approved", "approved", "pending", "rejected"]);
        assert!(count(&database, "invitation_events").await >= 8, "every step is in the history");
        assert!(count(&database, "outbox").await > 0, "notifications are queued");
        database.close().await;
    }
}

on_both_databases! {
    async fn racing_outbox_workers_send_every_message_exactly_once(backend: Backend) {
        use gatehouse_cloud::notify::{MailSettings, Mailer, worker};
        let Some(test_database) = TestDatabase::create(backend).await else { return };
        let database = test_database.open().await;
        demo::seed(&demo_cloud(&database), &shipped_demo(), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
            .await
            .unwrap();
        let queued = count(&database, "outbox").await;
        assert!(queued >= 5, "the demo queues notifications");
        let folder = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(&MailSettings {
            smtp_url: None,
            folder: folder.path().to_path_buf(),
            from: "Gatehouse <gatehouse@test>".parse().unwrap(),
        })
        .unwrap();
        let race = |_| {
            let (database, mailer) = (database.clone(), mailer.clone());
            tokio::spawn(async move {
                // Each a process of its own, with its own invitation writer.
                let writer = gatehouse_cloud::store::InvitationWriter::start(&database);
                let mut sent = 0;
                loop {
                    let now = worker::send_due(&database, &writer, &mailer, &Clock::System).await;
                    if now == 0 { break sent; }
                    sent += now;
                }
            })
        };
        let workers: Vec<_> = (0..4).map(race).collect();
        let mut sent = 0;
        for worker in workers {
            sent += worker.await.unwrap();
        }
        assert_eq!(i64::try_from(sent).unwrap(), queued, "every message sent once, none twice");
        let files = std::fs::read_dir(folder.path()).unwrap().count();
        assert_eq!(i64::try_from(files).unwrap(), queued);
        let unsent = database.outbox_backlog().await.unwrap();
        assert_eq!(unsent, 0);
        database.close().await;
    }
}
