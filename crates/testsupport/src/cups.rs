//! A private CUPS scheduler for one test: Debian's `cupsd` with its own configuration, spool and
//! port, a `cups-pdf` queue called `PDF`, stopped (with its whole process group) when dropped.
//!
//! Jobs come from the user "gatehouse-print", which is not a local account, so cups-pdf writes them to
//! its anonymous folder (Debian's `/etc/cups/cups-pdf.conf`); tests find their output there by
//! the job's unique title.

use std::{
    net::TcpListener,
    os::unix::process::CommandExt as _,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

#[derive(Debug)]
pub struct Cupsd {
    pub server: String,
    child: Child,
    _dir: tempfile::TempDir,
}

const PPD: &str = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd";

impl Cupsd {
    pub fn start() -> Self {
        assert!(
            Path::new("/usr/sbin/cupsd").exists() && Path::new(PPD).exists(),
            "cupsd and cups-pdf are installed by scripts/test.sh"
        );
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        for sub in ["spool/tmp", "cache", "state", "log", "ppd"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        std::fs::write(
            root.join("cupsd.conf"),
            format!(
                "Listen 127.0.0.1:{port}\nLogLevel warn\nWebInterface No\nBrowsing No\n\
                 DefaultAuthType None\nJobRetryLimit 0\n\
                 <Location />\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
            ),
        )
        .unwrap();
        let r = root.display();
        std::fs::write(
            root.join("cups-files.conf"),
            format!(
                "ServerRoot {r}\nRequestRoot {r}/spool\nTempDir {r}/spool/tmp\nCacheDir {r}/cache\n\
                 StateDir {r}/state\nServerBin /usr/lib/cups\nDataDir /usr/share/cups\n\
                 ErrorLog {r}/log/error_log\nAccessLog {r}/log/access_log\nPageLog {r}/log/page_log\n\
                 Sandboxing Relaxed\n"
            ),
        )
        .unwrap();
        let child = Command::new("/usr/sbin/cupsd")
            .arg("-f")
            .arg("-c")
            .arg(root.join("cupsd.conf"))
            .arg("-s")
            .arg(root.join("cups-files.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let cupsd = Self {
            server: format!("127.0.0.1:{port}"),
            child,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(&cupsd.server).is_err() {
            assert!(Instant::now() < deadline, "cupsd did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        cupsd.admin(
            "lpadmin",
            &["-p", "PDF", "-v", "cups-pdf:/", "-E", "-P", PPD],
        );
        cupsd
    }

    /// Runs one of CUPS' admin tools against this scheduler.
    pub fn admin(&self, tool: &str, args: &[&str]) {
        let output = Command::new(tool)
            .args(["-h", &self.server])
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{tool} {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Stops the scheduler now (as a crashed or stopped CUPS would be).
    pub fn stop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            kill_group(&self.child);
            let _ = self.child.wait();
        }
    }
}

impl Drop for Cupsd {
    fn drop(&mut self) {
        self.stop();
    }
}

fn kill_group(child: &Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .status();
    }
}

/// Where cups-pdf puts the output of anonymous jobs.
pub const OUTPUT: &str = "/var/spool/cups-pdf/ANONYMOUS";

/// The PDF cups-pdf wrote for the job titled `title`, waiting up to `wait` for it; removed from
/// the output folder so runs do not pile up.
pub fn printed(title: &str, wait: Duration) -> Option<Vec<u8>> {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        let found = std::fs::read_dir(OUTPUT)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .find(|path| {
                path.file_name()
                    .is_some_and(|name| name.to_string_lossy().contains(title))
            });
        if let Some(path) = found {
            let bytes = std::fs::read(&path).ok()?;
            let _ = std::fs::remove_file(&path);
            return Some(bytes);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}
