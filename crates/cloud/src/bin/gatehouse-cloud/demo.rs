//! `gatehouse-cloud demo`: replace the demo facility with today's demo, through the same
//! services as the API.

use std::path::Path;

use anyhow::Context as _;
use gatehouse_cloud::demo;

use crate::DatabaseArg;

pub(crate) async fn demo(
    database: &DatabaseArg,
    data: &Path,
    public_url: String,
    codes: Option<&Path>,
) -> anyhow::Result<()> {
    let json = std::fs::read_to_string(data)
        .with_context(|| format!("cannot read demo data {}", data.display()))?;
    let demo_data = demo::DemoData::parse(&json)?;
    let cloud = database.cloud(public_url).await?;
    let db = cloud.database.clone();
    let today = demo_data.day_at(cloud.clock.now());
    let summary = demo::seed(&cloud, &demo_data, today).await?;
    if let Some(folder) = codes {
        let written = demo::write_codes(&cloud, &demo_data, folder).await?;
        tracing::info!(written, folder = %folder.display(), "demo invitation QR codes written");
    }
    db.close().await;
    tracing::info!(?summary, database = %database.url, "demo data in place");
    Ok(())
}
