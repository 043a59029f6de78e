//! `gatehouse-cloud credential verify TOKEN`: the check a door makes, from the command line.

use clap::Subcommand;
use gatehouse_cloud::{
    Cloud,
    credentials::{self, VerifyRequest},
};

#[derive(Debug, Subcommand)]
pub(crate) enum CredentialCommand {
    /// Say whether a credential (a badge's QR code, `GHC2.…`) opens doors now, and which zones;
    /// exits 0 if it does, 1 if not.
    Verify {
        /// The credential's text.
        token: String,
    },
}

pub(crate) async fn credential(cloud: &Cloud, command: CredentialCommand) -> anyhow::Result<()> {
    match command {
        CredentialCommand::Verify { token } => {
            let request = VerifyRequest { token, door: None };
            let verification = credentials::verify(cloud, None, &request).await?;
            println!("{}", serde_json::to_string_pretty(&verification)?);
            if !verification.granted {
                anyhow::bail!("refused: {}", verification.message);
            }
            Ok(())
        }
    }
}
