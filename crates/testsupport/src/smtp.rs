//! A real SMTP server on loopback that keeps what it receives, so tests can read the mail the
//! cloud sends: recipients, subject, links, attachments.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use mail_parser::MimeHeaders as _;
use tokio::{
    io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader},
    net::TcpListener,
};

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl ReceivedMail {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parseable email")
    }

    /// The `Message-ID`, without its angle brackets.
    pub fn message_id(&self) -> String {
        self.parsed().message_id().unwrap_or_default().to_owned()
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    pub fn text(&self) -> String {
        self.parsed().body_text(0).unwrap_or_default().into_owned()
    }

    pub fn html(&self) -> String {
        self.parsed().body_html(0).unwrap_or_default().into_owned()
    }

    /// (file name, content type, bytes) of each attachment.
    pub fn attachments(&self) -> Vec<(String, String, Vec<u8>)> {
        self.parsed()
            .attachments()
            .map(|part| {
                let content_type = part
                    .content_type()
                    .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()))
                    .unwrap_or_default();
                (
                    part.attachment_name().unwrap_or_default().to_owned(),
                    content_type,
                    part.contents().to_vec(),
                )
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct SmtpSink {
    pub address: std::net::SocketAddr,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    sessions: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let address = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let sessions = Arc::new(Mutex::new(Vec::new()));
        let (store, open) = (received.clone(), sessions.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                let task = tokio::spawn(async move {
                    let _ = session(stream, store).await;
                });
                open.lock().unwrap().push(task.abort_handle());
            }
        });
        Self {
            address,
            received,
            sessions,
        }
    }

    /// Closes every open connection, as a mail server does with idle clients.
    pub fn close_connections(&self) {
        for session in self.sessions.lock().unwrap().drain(..) {
            session.abort();
        }
    }

    pub fn all(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().clone()
    }

    /// Mail to `recipient`, waiting up to 10 s for at least `count` to arrive.
    pub async fn wait_for(&self, recipient: &str, count: usize) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let to: Vec<_> = self.to(recipient);
            if to.len() >= count || Instant::now() > deadline {
                return to;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn to(&self, recipient: &str) -> Vec<ReceivedMail> {
        self.all()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == recipient))
            .collect()
    }

    /// Lets the outbox worker finish what it is sending (it polls every half second).
    pub async fn settle(&self) {
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
}

async fn session(
    stream: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<ReceivedMail>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            write
                // As Postfix, Exim and the big providers do: internationalised addresses too.
                .write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                .await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&command[10..]);
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&command[8..]));
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = Vec::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                let content = line.strip_prefix('.').unwrap_or(&line);
                data.extend_from_slice(content.as_bytes());
            }
            store.lock().unwrap().push(ReceivedMail {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            write.write_all(b"250 stored\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            write.write_all(b"250 OK\r\n").await?;
        } else {
            write.write_all(b"502 not implemented\r\n").await?;
        }
    }
}

fn address(raw: &str) -> String {
    raw.split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}
