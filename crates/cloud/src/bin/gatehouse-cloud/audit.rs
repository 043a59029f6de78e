//! `gatehouse-cloud audit verify|export`: the tamper-evident audit log, checked and handed to a
//! compliance review.

use std::io::Write as _;

use clap::{Subcommand, ValueEnum};
use gatehouse_cloud::{Database, store::AuditEntry};
use gatehouse_core::FacilityId;

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Check every facility's chain (or one's): prints each break with the entry it concerns;
    /// exits 0 if all chains are whole, 1 if not.
    Verify {
        /// Only this facility (its id).
        #[arg(long)]
        facility: Option<String>,
    },
    /// Write a facility's log with its chain (place, previous hash, hash) to standard output.
    Export {
        /// The facility (its id).
        #[arg(long)]
        facility: String,
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Csv,
    /// JSON lines: one entry per line.
    Json,
}

fn facility_id(raw: &str) -> anyhow::Result<FacilityId> {
    raw.parse()
        .map_err(|_| anyhow::anyhow!("{raw:?} is not a facility id (a UUID)"))
}

pub(crate) async fn audit(database: &Database, command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify { facility } => {
            let facility = facility.as_deref().map(facility_id).transpose()?;
            let reports = database.verify_audit_log(facility).await?;
            let mut broken = 0;
            for report in &reports {
                if report.breaks.is_empty() {
                    println!(
                        "facility {}: {} entries, chain intact",
                        report.facility_id, report.entries
                    );
                }
                for problem in &report.breaks {
                    broken += 1;
                    println!("facility {}: {problem}", report.facility_id);
                }
            }
            if broken > 0 {
                anyhow::bail!("the audit log was tampered with: {broken} break(s)");
            }
            Ok(())
        }
        AuditCommand::Export { facility, format } => {
            let facility = facility_id(&facility)?;
            let stdout = std::io::stdout().lock();
            match format {
                Format::Csv => {
                    let mut out = csv::Writer::from_writer(stdout);
                    let mut failed = None;
                    database
                        .each_audit_entry(facility.0, |entry| {
                            if failed.is_none() {
                                failed = out.serialize(&entry).err();
                            }
                        })
                        .await?;
                    if let Some(error) = failed {
                        return Err(error.into());
                    }
                    out.flush()?;
                }
                Format::Json => {
                    let mut out = std::io::BufWriter::new(stdout);
                    let mut failed = None;
                    database
                        .each_audit_entry(facility.0, |entry: AuditEntry| {
                            if failed.is_none() {
                                failed = serde_json::to_writer(&mut out, &entry)
                                    .map_err(std::io::Error::from)
                                    .and_then(|()| out.write_all(b"\n"))
                                    .err();
                            }
                        })
                        .await?;
                    if let Some(error) = failed {
                        return Err(error.into());
                    }
                    out.flush()?;
                }
            }
            Ok(())
        }
    }
}
