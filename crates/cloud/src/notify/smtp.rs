//! Sending over SMTP on connections kept open between messages, with Nagle's algorithm off.
//!
//! lettre's own pooled transport (0.11.23) leaves `TCP_NODELAY` unset. It writes a message's
//! body and the closing `.` as two writes, so the second waits for the server's delayed
//! acknowledgement: 40 ms a message, 22 messages a second measured against a loopback server
//! (the fix, lettre pull request 1159, is not released yet). Here lettre still speaks SMTP, over
//! connections this module opens itself.

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll},
    time::Duration,
};

use lettre::{
    address::Envelope,
    transport::smtp::{
        authentication::{Credentials, Mechanism},
        client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters},
        extension::ClientId,
    },
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
};

use super::MailError;

/// How long connecting, or one message, may take before the attempt counts as failed.
const TIMEOUT: Duration = Duration::from_secs(60);

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain text (`smtp://`): a relay on the same host or network.
    None,
    /// `STARTTLS` after connecting (`smtp://…?tls=required`, or `?tls=opportunistic` to go on
    /// without it where the server offers none).
    StartTls { required: bool },
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// Where mail is submitted, read from an `smtp://` or `smtps://` URL.
#[derive(Clone, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    credentials: Option<Credentials>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("credentials", &self.credentials.as_ref().map(|_| "(set)"))
            .finish()
    }
}

impl Server {
    /// `smtp://[user:password@]host[:port][?tls=required|opportunistic]` or
    /// `smtps://[user:password@]host[:port]`; the ports default to 25, 587 and 465.
    pub fn from_url(raw: &str) -> Result<Self, MailError> {
        let invalid = |why: &str| {
            MailError::Url(format!(
                "{why}: use smtp://host:port or smtps://user:password@host"
            ))
        };
        let url = url::Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
        let host = url
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| invalid("no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let (security, port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::None, 25),
            ("smtp", Some("required")) => (Security::StartTls { required: true }, 587),
            ("smtp", Some("opportunistic")) => (Security::StartTls { required: false }, 587),
            ("smtp", Some(other)) => return Err(invalid(&format!("unknown tls={other}"))),
            ("smtps", _) => (Security::Implicit, 465),
            (other, _) => return Err(invalid(&format!("unknown scheme {other}"))),
        };
        let decode = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = (!url.username().is_empty()).then(|| {
            Credentials::new(
                decode(url.username()),
                decode(url.password().unwrap_or_default()),
            )
        });
        Ok(Self {
            port: url.port().unwrap_or(port),
            host,
            security,
            credentials,
        })
    }
}

/// An SMTP client that keeps its connections open between messages: each message goes over an
/// idle one, or a new one when none is idle (so as many connections are open as messages are
/// sent at once), and a connection the server has closed is replaced.
pub struct SmtpClient {
    server: Server,
    hello: ClientId,
    idle: Mutex<Vec<AsyncSmtpConnection>>,
}

impl std::fmt::Debug for SmtpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpClient")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl SmtpClient {
    pub fn new(server: Server) -> Self {
        Self {
            server,
            hello: ClientId::default(),
            idle: Mutex::default(),
        }
    }

    /// Submits `message` (formatted, with headers) to the envelope's recipients.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), MailError> {
        let idle = self.idle.lock().expect("SMTP connections lock").pop();
        if let Some(mut connection) = idle {
            match within(connection.send(envelope, message)).await {
                Ok(_) => {
                    self.keep(connection);
                    return Ok(());
                }
                // The server answered: this message's own problem (a refused recipient, say).
                // lettre has closed the connection.
                Err(MailError::Smtp(error)) if error.is_response() => {
                    return Err(MailError::Smtp(error));
                }
                // The connection went away while idle (servers close them): open another.
                Err(error) => tracing::debug!(%error, "SMTP connection lost; reconnecting"),
            }
        }
        let mut connection = within(self.connect()).await?;
        within(connection.send(envelope, message)).await?;
        self.keep(connection);
        Ok(())
    }

    fn keep(&self, connection: AsyncSmtpConnection) {
        self.idle
            .lock()
            .expect("SMTP connections lock")
            .push(connection);
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, MailError> {
        let server = &self.server;
        let tcp = TcpStream::connect((server.host.as_str(), server.port))
            .await
            .map_err(|source| MailError::Connect {
                server: format!("{}:{}", server.host, server.port),
                source,
            })?;
        // Every step of SMTP is a write, then a wait for the answer: nothing to coalesce.
        tcp.set_nodelay(true).map_err(|source| MailError::Connect {
            server: format!("{}:{}", server.host, server.port),
            source,
        })?;
        let stream: Box<dyn AsyncTokioStream> = if server.security == Security::Implicit {
            Box::new(TlsStream::connect(&server.host, tcp).await?)
        } else {
            Box::new(tcp)
        };
        let mut connection =
            AsyncSmtpConnection::connect_with_transport(stream, &self.hello).await?;
        if let Security::StartTls { required } = server.security {
            if connection.can_starttls() {
                connection
                    .starttls(TlsParameters::new(server.host.clone())?, &self.hello)
                    .await?;
            } else if required {
                return Err(MailError::Url(format!(
                    "{} offers no STARTTLS, and tls=required was asked for",
                    server.host
                )));
            }
        }
        if let Some(credentials) = &server.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await?;
        }
        Ok(connection)
    }
}

/// `step`, or [`MailError::Timeout`] if it takes longer than [`TIMEOUT`].
async fn within<T, E: Into<MailError>>(
    step: impl Future<Output = Result<T, E>>,
) -> Result<T, MailError> {
    tokio::time::timeout(TIMEOUT, step)
        .await
        .map_err(|_| MailError::Timeout(TIMEOUT))?
        .map_err(Into::into)
}

/// A TLS connection as lettre reads and writes it.
#[derive(Debug)]
struct TlsStream(tokio_rustls::client::TlsStream<TcpStream>);

impl TlsStream {
    /// TLS over `tcp`, the server's certificate checked against the web's root authorities.
    async fn connect(host: &str, tcp: TcpStream) -> Result<Self, MailError> {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| MailError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from(host.to_owned())
            .map_err(|e| MailError::Tls(format!("{host}: {e}")))?;
        let stream = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .map_err(|e| MailError::Tls(format!("{host}: {e}")))?;
        Ok(Self(stream))
    }
}

impl AsyncTokioStream for TlsStream {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_name_the_server_its_security_and_default_port() {
        let plain = Server::from_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (plain.host.as_str(), plain.port, plain.security),
            ("127.0.0.1", 2525, Security::None)
        );
        assert!(plain.credentials.is_none());
        let submission = Server::from_url("smtp://mail.example.com?tls=required").unwrap();
        assert_eq!(
            (submission.port, submission.security),
            (587, Security::StartTls { required: true })
        );
        let implicit = Server::from_url("smtps://gate%40house:p%3As+s@mail.example.com").unwrap();
        assert_eq!(
            (implicit.port, implicit.security),
            (465, Security::Implicit)
        );
        assert_eq!(
            implicit.credentials,
            Some(Credentials::new("gate@house".into(), "p:s+s".into()))
        );
        assert_eq!(
            Server::from_url("smtp://mail.example.com").unwrap().port,
            25
        );
    }

    #[test]
    fn smtp_url_without_host_or_with_unknown_scheme_or_tls_is_refused() {
        for bad in [
            "mail.example.com",
            "http://mail.example.com",
            "smtp://",
            "smtp://mail.example.com?tls=sometimes",
        ] {
            assert!(
                matches!(Server::from_url(bad), Err(MailError::Url(_))),
                "{bad} was accepted"
            );
        }
    }

    #[test]
    fn smtp_password_is_not_shown_in_debug_output() {
        let server = Server::from_url("smtps://user:secret@mail.example.com").unwrap();
        assert!(!format!("{server:?}").contains("secret"));
    }
}
