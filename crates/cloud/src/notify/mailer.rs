//! Sending email: over SMTP when one is configured, else as `.eml` files in a folder.

use std::path::PathBuf;

use base64::{Engine as _, engine::general_purpose::STANDARD};
use image::{
    ExtendedColorType, ImageEncoder as _,
    codecs::png::{CompressionType, FilterType, PngEncoder},
};
use lettre::{
    Message,
    message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType},
};
use serde::{Deserialize, Serialize};

use super::smtp::{Server, SmtpClient};

/// An email as the outbox keeps it: complete, so sending needs nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingEmail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    #[serde(default)]
    pub attachments: Vec<EmailAttachment>,
}

/// A file attached to an email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EmailAttachment {
    File {
        filename: String,
        content_type: String,
        /// Base64 of the bytes.
        content: String,
    },
    /// A QR code of `text`, drawn as a PNG when the email is sent — not while the request that
    /// caused it waits.
    QrCode { filename: String, text: String },
}

impl EmailAttachment {
    pub fn file(filename: &str, content_type: &str, bytes: &[u8]) -> Self {
        Self::File {
            filename: filename.to_owned(),
            content_type: content_type.to_owned(),
            content: STANDARD.encode(bytes),
        }
    }

    fn part(&self) -> Result<SinglePart, MailError> {
        let (filename, content_type, bytes) = match self {
            Self::File {
                filename,
                content_type,
                content,
            } => {
                let bytes = STANDARD
                    .decode(content)
                    .map_err(|e| MailError::Build(format!("attachment {filename}: {e}")))?;
                (filename, content_type.as_str(), bytes)
            }
            Self::QrCode { filename, text } => (filename, "image/png", qr_png(text)?),
        };
        let content_type = ContentType::parse(content_type)
            .map_err(|e| MailError::Build(format!("attachment {filename}: {e}")))?;
        Ok(Attachment::new(filename.clone()).body(bytes, content_type))
    }
}

/// The white margin around a QR code, in modules, as the standard asks.
const QUIET_ZONE: usize = 4;
/// The least width of a QR code image: large enough to scan from a phone screen.
const QR_PIXELS: usize = 360;

/// `text` as a QR code PNG: whole pixels per module, at least [`QR_PIXELS`] wide. Drawn for
/// every guest invitation, so it is kept cheap: `fast_qr` encodes the invitation code in
/// 0.2–0.3 ms where the `qrcode` crate took 1.7–2.0 ms (choosing the mask), and the PNG is
/// compressed quickly (a flat image squeezes well anyway: about 4 kB).
pub(crate) fn qr_png(text: &str) -> Result<Vec<u8>, MailError> {
    let failed = |e: &dyn std::fmt::Display| MailError::Build(format!("QR code: {e}"));
    let code = fast_qr::QRBuilder::new(text)
        .ecl(fast_qr::ECL::M)
        .build()
        .map_err(|e| failed(&e))?;
    let width = code.size + 2 * QUIET_ZONE;
    let scale = QR_PIXELS.div_ceil(width);
    let side = width * scale;
    let mut pixels = vec![u8::MAX; side * side];
    for (row, modules) in code.data[..code.size * code.size]
        .chunks(code.size)
        .enumerate()
    {
        for (column, _) in modules.iter().enumerate().filter(|(_, m)| m.value()) {
            for line in 0..scale {
                let start =
                    ((row + QUIET_ZONE) * scale + line) * side + (column + QUIET_ZONE) * scale;
                pixels[start..start + scale].fill(0);
            }
        }
    }
    let side = u32::try_from(side).expect("a QR code is at most 185 modules of a few pixels");
    let mut png = Vec::new();
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Adaptive)
        .write_image(&pixels, side, side, ExtendedColorType::L8)
        .map_err(|e| failed(&e))?;
    Ok(png)
}

/// Where mail goes: `GATEHOUSE_SMTP_URL` (e.g. `smtp://127.0.0.1:2525`,
/// `smtps://user:pass@mail.example.com`) or, without one, `.eml` files in `GATEHOUSE_MAIL_DIR`.
#[derive(Clone)]
pub struct MailSettings {
    pub smtp_url: Option<String>,
    pub folder: PathBuf,
    pub from: Mailbox,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp", &self.smtp_url.as_ref().map(|_| "(configured)"))
            .field("folder", &self.folder)
            .field("from", &self.from.to_string())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the email could not be built: {0}")]
    Build(String),
    #[error("invalid SMTP server URL ({0})")]
    Url(String),
    #[error("cannot connect to the SMTP server {server}: {source}")]
    Connect {
        server: String,
        #[source]
        source: std::io::Error,
    },
    #[error("TLS with the SMTP server failed: {0}")]
    Tls(String),
    #[error("the SMTP server did not answer within {0:?}")]
    Timeout(std::time::Duration),
    #[error("the SMTP server refused or could not be reached: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("the email could not be written to {path}: {source}")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        client: std::sync::Arc<SmtpClient>,
        from: Mailbox,
    },
    Folder {
        path: PathBuf,
        from: Mailbox,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp { .. } => f.write_str("Mailer::Smtp"),
            Self::Folder { path, .. } => write!(f, "Mailer::Folder({})", path.display()),
        }
    }
}

impl Mailer {
    pub fn new(settings: &MailSettings) -> Result<Self, MailError> {
        match &settings.smtp_url {
            Some(url) => Ok(Self::Smtp {
                client: std::sync::Arc::new(SmtpClient::new(Server::from_url(url)?)),
                from: settings.from.clone(),
            }),
            None => Ok(Self::Folder {
                path: settings.folder.clone(),
                from: settings.from.clone(),
            }),
        }
    }

    /// Sends `email`, the outbox message `id`. Its `Message-ID` is made of `id`, so a message
    /// sent again (a process that died between the server's yes and recording it) is the same
    /// message to everyone downstream.
    pub async fn send(&self, email: &OutgoingEmail, id: &str) -> Result<(), MailError> {
        let from = match self {
            Self::Smtp { from, .. } | Self::Folder { from, .. } => from.clone(),
        };
        let message = build(email, id, from)?;
        match self {
            Self::Smtp { client, .. } => {
                client
                    .send(message.envelope(), &message.formatted())
                    .await?;
            }
            Self::Folder { path, .. } => {
                let file = path.join(format!("{id}.eml"));
                let write = async {
                    tokio::fs::create_dir_all(path).await?;
                    tokio::fs::write(&file, message.formatted()).await
                };
                write.await.map_err(|source| MailError::Folder {
                    path: file.clone(),
                    source,
                })?;
            }
        }
        Ok(())
    }
}

/// The `Message-ID` of the outbox message `id`: `<id@sender's domain>`.
pub fn message_id(id: &str, from: &Mailbox) -> String {
    format!("<{id}@{}>", from.email.domain())
}

fn build(email: &OutgoingEmail, id: &str, from: Mailbox) -> Result<Message, MailError> {
    let mut builder = Message::builder()
        .message_id(Some(message_id(id, &from)))
        .from(from)
        .subject(&email.subject);
    for to in &email.to {
        builder = builder.to(to
            .parse()
            .map_err(|e| MailError::Build(format!("recipient {to}: {e}")))?);
    }
    let body = MultiPart::alternative_plain_html(email.text.clone(), email.html.clone());
    let message = if email.attachments.is_empty() {
        builder.multipart(body)
    } else {
        let mut mixed = MultiPart::mixed().multipart(body);
        for attachment in &email.attachments {
            mixed = mixed.singlepart(attachment.part()?);
        }
        builder.multipart(mixed)
    };
    message.map_err(|e| MailError::Build(e.to_string()))
}
