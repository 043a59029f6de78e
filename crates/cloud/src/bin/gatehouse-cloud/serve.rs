//! `gatehouse-cloud serve`: the HTTP API and the email outbox, until SIGTERM or Ctrl-C.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context as _;
use gatehouse_cloud::{Clock, Settings, notify::MailSettings};

use crate::{DatabaseArg, MailArgs, shutdown_signal};

pub(crate) async fn serve(
    bind: SocketAddr,
    database: &DatabaseArg,
    public_url: Option<String>,
    mail: MailArgs,
    ui_dir: PathBuf,
) -> anyhow::Result<()> {
    let settings = Settings {
        public_url: public_url.unwrap_or_else(|| format!("http://{bind}")),
        mail: MailSettings {
            smtp_url: mail.smtp_url,
            folder: mail.mail_dir,
            from: mail.mail_from,
        },
        ui_dir,
        key_secret: database.key_secret()?,
    };
    let db = database.open().await?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!(%bind, database = %database.url, mail = ?settings.mail, "gatehouse cloud listening");
    gatehouse_cloud::serve(
        listener,
        db.clone(),
        settings,
        Clock::System,
        shutdown_signal(),
    )
    .await?;
    db.close().await;
    tracing::info!("gatehouse cloud stopped");
    Ok(())
}
