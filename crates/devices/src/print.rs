//! Printing PDFs through CUPS over IPP.
//!
//! IPP rather than CUPS' `lp`/`lpstat`: the printer's state, its media and a job's progress come
//! back as typed attributes instead of localised text to parse, every request has a deadline of
//! our own, and nothing depends on a client tool being installed on the kiosk. The scheduler is
//! `CUPS_SERVER` (`host:port`) or `localhost:631`.
//!
//! A printer that is missing, paused, not accepting jobs or behind a scheduler that does not
//! answer is reported within `Cups::REQUEST_TIMEOUT`; [`print_or_keep`] then saves the PDF for
//! reception to print later, and [`spawn`] does all of it off the caller's thread.

use std::{
    path::{Path, PathBuf},
    sync::mpsc,
    time::{Duration, Instant},
};

use ipp::{operation::IppOperation, prelude::*};

/// The longest any single request to the scheduler may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(4);
const POLL: Duration = Duration::from_millis(200);
/// Who the queue shows as the job's owner: the kiosk's printing, not a local account (the
/// packages' users `gatehouse` and `gatehouse-kiosk` are accounts, and cups-pdf, for one, files
/// a job under its owner's home).
const USER_NAME: &str = "gatehouse-print";

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("the print server {server} does not answer: {reason}")]
    Unreachable { server: String, reason: String },
    #[error("there is no printer called {0:?}")]
    UnknownPrinter(String),
    #[error("printer {printer:?} is paused{}", message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    Paused {
        printer: String,
        message: Option<String>,
    },
    #[error("printer {0:?} does not accept jobs")]
    NotAccepting(String),
    #[error("the print server refused the job: {0}")]
    Refused(String),
    #[error("job {job} on {printer:?} ended {state} without printing")]
    Failed {
        printer: String,
        job: i32,
        state: &'static str,
    },
    #[error("job {job} on {printer:?} did not finish within {seconds} s and was cancelled")]
    TimedOut {
        printer: String,
        job: i32,
        seconds: u64,
    },
}

/// A print queue as the scheduler describes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Printer {
    pub name: String,
    pub state: PrinterState,
    pub accepting: bool,
    pub reasons: Vec<String>,
    /// What the operator or the printer said about its state ("Out of labels").
    pub message: Option<String>,
    pub media: Vec<String>,
    pub default_media: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PrinterState {
    Idle,
    Printing,
    Paused,
}

/// A PDF to print.
#[derive(Debug, Clone)]
pub struct Job {
    pub printer: String,
    /// Shown in the queue, and the file name when kept for later.
    pub title: String,
    pub pdf: Vec<u8>,
    /// A CUPS media keyword such as `Custom.85.6x54mm`; the printer's default if none.
    pub media: Option<String>,
    pub copies: u32,
    /// How long the job may take from submission to completion before it is cancelled.
    pub timeout: Duration,
}

/// A job the printer finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub printer: String,
    pub job: i32,
}

/// A job that could not be printed, and where its PDF was kept instead.
#[derive(Debug, thiserror::Error)]
#[error("{error}; the PDF is kept at {}", kept.as_ref().map_or_else(|| "nowhere (it could not be saved)".to_owned(), |p| p.display().to_string()))]
pub struct Unprinted {
    pub error: PrintError,
    pub kept: Option<PathBuf>,
}

/// A CUPS scheduler.
#[derive(Debug, Clone)]
pub struct Cups {
    server: String,
}

impl Cups {
    /// The scheduler at `host:port`.
    pub fn new(server: impl Into<String>) -> Self {
        Self {
            server: server.into(),
        }
    }

    /// The scheduler named by `CUPS_SERVER`, else `localhost:631`.
    pub fn from_env() -> Self {
        let server = std::env::var("CUPS_SERVER")
            .ok()
            .filter(|s| !s.is_empty() && !s.starts_with('/'));
        Self::new(server.unwrap_or_else(|| "localhost:631".into()))
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    fn uri(&self, path: &str) -> Result<Uri, PrintError> {
        format!("ipp://{}/{path}", self.server)
            .parse()
            .map_err(|_| PrintError::Unreachable {
                server: self.server.clone(),
                reason: "not a host:port".into(),
            })
    }

    fn send(&self, uri: Uri, request: impl IppOperation) -> Result<IppRequestResponse, PrintError> {
        let client = IppClient::builder(uri)
            .request_timeout(REQUEST_TIMEOUT)
            .build();
        client
            .send(request)
            .map_err(|error| PrintError::Unreachable {
                server: self.server.clone(),
                reason: error.to_string(),
            })
    }

    /// Every queue on the scheduler, by name.
    ///
    /// # Errors
    /// The scheduler does not answer in time.
    pub fn printers(&self) -> Result<Vec<Printer>, PrintError> {
        let response = self.send(self.uri("")?, IppOperationBuilder::cups().get_printers())?;
        let mut printers: Vec<Printer> = response
            .attributes()
            .groups_of(DelimiterTag::PrinterAttributes)
            .filter_map(printer)
            .collect();
        printers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(printers)
    }

    /// One queue.
    ///
    /// # Errors
    /// No such queue, or the scheduler does not answer in time.
    pub fn printer(&self, name: &str) -> Result<Printer, PrintError> {
        let uri = self.printer_uri(name)?;
        let request = built(IppOperationBuilder::get_printer_attributes(uri.clone()).build())?;
        let response = self.send(uri, request)?;
        if response.header().status_code() == StatusCode::ClientErrorNotFound {
            return Err(PrintError::UnknownPrinter(name.to_owned()));
        }
        response
            .attributes()
            .groups_of(DelimiterTag::PrinterAttributes)
            .find_map(printer)
            .ok_or_else(|| PrintError::UnknownPrinter(name.to_owned()))
    }

    fn printer_uri(&self, name: &str) -> Result<Uri, PrintError> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(PrintError::UnknownPrinter(name.to_owned()));
        }
        self.uri(&format!("printers/{name}"))
    }

    /// Prints `job` and waits for the printer to finish it, cancelling it after `job.timeout`.
    /// Blocks; see [`spawn`].
    ///
    /// # Errors
    /// The printer is missing, paused or refuses the job; the job fails or times out.
    pub fn print(&self, job: &Job) -> Result<Printed, PrintError> {
        let started = Instant::now();
        let printer = self.printer(&job.printer)?;
        if printer.state == PrinterState::Paused {
            return Err(PrintError::Paused {
                printer: printer.name,
                message: printer.message,
            });
        }
        if !printer.accepting {
            return Err(PrintError::NotAccepting(printer.name));
        }
        let uri = self.printer_uri(&job.printer)?;
        let id = self.submit(&uri, job)?;
        self.follow(&uri, id, job, started)
    }

    /// Sends the Print-Job request; returns the job's id.
    fn submit(&self, uri: &Uri, job: &Job) -> Result<i32, PrintError> {
        let copies = IppValue::Integer(i32::try_from(job.copies.clamp(1, 100)).unwrap_or(1));
        let mut attributes = vec![built(IppAttribute::with_name("copies", copies))?];
        if let Some(media) = &job.media {
            let keyword = IppValue::new_keyword(media.as_str())
                .map_err(|error| PrintError::Refused(format!("media {media:?}: {error}")))?;
            attributes.push(built(IppAttribute::with_name("media", keyword))?);
        }
        let request = IppOperationBuilder::print_job(
            uri.clone(),
            IppPayload::new(std::io::Cursor::new(job.pdf.clone())),
        )
        .user_name(USER_NAME)
        .job_title(&job.title)
        .document_format("application/pdf")
        .attributes(attributes)
        .build();
        let response = self.send(uri.clone(), built(request)?)?;
        let status = response.header().status_code();
        if !status.is_success() {
            return Err(PrintError::Refused(status.to_string()));
        }
        job_id(&response).ok_or_else(|| PrintError::Refused("no job id in the answer".into()))
    }

    /// Polls the job until it ends, or cancels it once `job.timeout` has passed since `started`.
    fn follow(
        &self,
        uri: &Uri,
        id: i32,
        job: &Job,
        started: Instant,
    ) -> Result<Printed, PrintError> {
        let failed = |state| PrintError::Failed {
            printer: job.printer.clone(),
            job: id,
            state,
        };
        loop {
            match self.job_state(uri, id)? {
                9 => {
                    return Ok(Printed {
                        printer: job.printer.clone(),
                        job: id,
                    });
                }
                7 => return Err(failed("cancelled")),
                8 => return Err(failed("aborted")),
                _ if started.elapsed() >= job.timeout => {
                    let cancel = IppOperationBuilder::cancel_job(uri.clone(), id)
                        .user_name(USER_NAME)
                        .build();
                    if let Ok(cancel) = built(cancel) {
                        let _ = self.send(uri.clone(), cancel);
                    }
                    return Err(PrintError::TimedOut {
                        printer: job.printer.clone(),
                        job: id,
                        seconds: job.timeout.as_secs(),
                    });
                }
                _ => std::thread::sleep(POLL),
            }
        }
    }

    fn job_state(&self, uri: &Uri, id: i32) -> Result<i32, PrintError> {
        let response = self.send(
            uri.clone(),
            built(IppOperationBuilder::get_job_attributes(uri.clone(), id).build())?,
        )?;
        Ok(response
            .attributes()
            .groups_of(DelimiterTag::JobAttributes)
            .find_map(|group| group.get("job-state"))
            .and_then(|attribute| match attribute.value() {
                IppValue::Enum(state) | IppValue::Integer(state) => Some(*state),
                _ => None,
            })
            .unwrap_or(3))
    }
}

/// A request or attribute the IPP library would not encode (a value too long, say).
fn built<T>(result: Result<T, ipp::parser::IppParseError>) -> Result<T, PrintError> {
    result.map_err(|error| PrintError::Refused(error.to_string()))
}

fn job_id(response: &IppRequestResponse) -> Option<i32> {
    response
        .attributes()
        .groups_of(DelimiterTag::JobAttributes)
        .find_map(|group| group.get("job-id"))
        .and_then(|attribute| match attribute.value() {
            IppValue::Integer(id) => Some(*id),
            _ => None,
        })
}

fn printer(group: &IppAttributeGroup) -> Option<Printer> {
    let text = |name: &str| group.get(name).map(|a| a.value().to_string());
    let list = |name: &str| match group.get(name).map(IppAttribute::value) {
        Some(IppValue::Array(values)) => values.iter().map(ToString::to_string).collect(),
        Some(value) => vec![value.to_string()],
        None => Vec::new(),
    };
    let state = match group.get("printer-state").map(IppAttribute::value) {
        Some(IppValue::Enum(5)) => PrinterState::Paused,
        Some(IppValue::Enum(4)) => PrinterState::Printing,
        _ => PrinterState::Idle,
    };
    Some(Printer {
        name: text("printer-name")?,
        state,
        accepting: !matches!(
            group
                .get("printer-is-accepting-jobs")
                .map(IppAttribute::value),
            Some(IppValue::Boolean(false))
        ),
        reasons: list("printer-state-reasons"),
        message: text("printer-state-message").filter(|message| !message.is_empty()),
        media: list("media-supported"),
        default_media: text("media-default"),
        description: text("printer-info").filter(|info| !info.is_empty()),
    })
}

/// Prints `job`; if that fails, saves its PDF in `keep` (created if need be) for reception.
///
/// # Errors
/// Why it was not printed, and where the PDF went.
pub fn print_or_keep(cups: &Cups, job: &Job, keep: &Path) -> Result<Printed, Unprinted> {
    cups.print(job).map_err(|error| Unprinted {
        error,
        kept: keep_pdf(job, keep),
    })
}

/// [`print_or_keep`] on a thread of its own: returns at once; the outcome arrives on the channel.
pub fn spawn(cups: Cups, job: Job, keep: PathBuf) -> mpsc::Receiver<Result<Printed, Unprinted>> {
    let (sender, outcome) = mpsc::channel();
    std::thread::Builder::new()
        .name("print".into())
        .spawn(move || {
            let _ = sender.send(print_or_keep(&cups, &job, &keep));
        })
        .expect("a thread can be started");
    outcome
}

/// Writes the PDF as `<title>-<time>.pdf`, never overwriting; `None` if the folder is unusable.
fn keep_pdf(job: &Job, folder: &Path) -> Option<PathBuf> {
    std::fs::create_dir_all(folder).ok()?;
    let title: String = job
        .title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f");
    for n in 0..1000 {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let path = folder.join(format!("{title}-{stamp}{suffix}.pdf"));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        if let Ok(mut file) = file {
            use std::io::Write as _;
            return (file
                .write_all(&job.pdf)
                .and_then(|()| file.sync_all())
                .is_ok())
            .then_some(path);
        }
    }
    None
}
