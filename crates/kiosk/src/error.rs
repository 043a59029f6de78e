//! The kiosk's one error type. Nothing internal (paths, stack traces, SQL) is meant for the
//! screen: the shell turns each into a stable code the UI puts into plain words.

#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    #[error("setting {setting} is not valid: {problem}")]
    Config {
        setting: &'static str,
        problem: String,
    },
    #[error("the Gatehouse cloud cannot be reached")]
    CloudUnreachable(#[source] reqwest::Error),
    #[error("the Gatehouse cloud answered {status}: {message}")]
    CloudRefused {
        status: u16,
        code: String,
        message: String,
    },
    /// The visitor has not shown (QR code, code or full name and address) that the invitation
    /// is theirs.
    #[error("the visitor has not shown that this invitation is theirs")]
    NotShown,
    #[error("this kiosk is not enrolled yet")]
    NotEnrolled,
    #[error("the kiosk's store cannot be used: {0}")]
    Store(#[from] sqlx::Error),
    #[error("the kiosk's store holds something it cannot read: {0}")]
    Corrupt(String),
    /// A request from the screen that cannot be carried out as asked.
    #[error("{0}")]
    Invalid(String),
    /// A camera or printer problem.
    #[error("{0}")]
    Device(String),
    #[error("cannot write {0}")]
    Disk(String),
    /// Staff sign-in: the email and PIN or password do not match.
    #[error("the email and PIN or password do not match")]
    WrongSecret,
    /// Staff sign-in: too many wrong tries; the next may come in this many seconds.
    #[error("too many wrong tries; try again in {0} seconds")]
    StaffLocked(i64),
    /// Staff sign-in: the person neither admits visitors nor approves invitations here.
    #[error("this person does not work at the kiosk: {0}")]
    NotStaff(String),
    /// No staff session: it ended (idle, Lock) or never began.
    #[error("no one from staff is signed in")]
    StaffSignedOut,
    /// A staff task that must reach the cloud at once (an approval is never queued).
    #[error("this needs the Gatehouse cloud, which cannot be reached now")]
    NeedsCloud,
}

impl KioskError {
    /// For a staff task that must be authoritative (an approval, a revoked door pass): offline,
    /// it is refused and said so, not queued.
    pub(crate) fn offline_is_needs_cloud(self) -> Self {
        match self {
            Self::CloudUnreachable(_) => Self::NeedsCloud,
            other => other,
        }
    }
}

impl From<serde_json::Error> for KioskError {
    fn from(error: serde_json::Error) -> Self {
        Self::Corrupt(error.to_string())
    }
}
