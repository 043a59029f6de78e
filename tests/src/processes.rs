//! Child processes that cannot outlive the test: each starts in a process group of its own, and
//! dropping it terminates the whole group (its children too), then kills what is left.

use std::{
    os::unix::process::CommandExt as _,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use anyhow::Context as _;
use nix::{
    sys::signal::{Signal, killpg},
    unistd::Pid,
};

#[derive(Debug)]
pub struct Reaped {
    name: &'static str,
    child: Child,
}

impl Reaped {
    pub fn spawn(name: &'static str, mut command: Command) -> anyhow::Result<Self> {
        let child = command
            .process_group(0)
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| {
                format!("cannot start {name}: is it installed? (scripts/test installs it)")
            })?;
        Ok(Self { name, child })
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        let group = Pid::from_raw(i32::try_from(self.child.id()).expect("pids fit in i32"));
        let _ = killpg(group, Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
        // Whatever ignored SIGTERM, or was left behind by the group leader, goes now.
        if killpg(group, Signal::SIGKILL).is_ok() {
            eprintln!("{} needed SIGKILL", self.name);
        }
        let _ = self.child.wait();
    }
}
