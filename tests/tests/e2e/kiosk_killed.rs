//! A kiosk killed with SIGKILL in the middle of checking visitors in: on restart nothing is
//! lost (every check-in the visitor saw succeed is there, with its report for the cloud) and
//! nothing is doubled (no visit has two reports, none is checked in without one).

use std::{
    collections::HashMap,
    io::{BufRead as _, BufReader},
    path::Path,
    process::{Command, Stdio},
};

use anyhow::Context as _;
use chrono::{TimeDelta, Utc};
use gatehouse_core::{
    ApprovalStatus, CategoryKind, InvitationId, UserId, VisitStatus, visit::VisitEvent,
    wire::KioskInvitation,
};
use gatehouse_kiosk::store::LocalStore;
use nix::{sys::signal, unistd::Pid};

/// This test's full name in the test binary, to run it alone in the child.
const TEST: &str = "kiosk_killed::kiosk_killed_mid_check_in_loses_nothing_and_doubles_nothing";
/// Set in the child: the store it checks visitors into until it is killed.
const WRITER: &str = "GATEHOUSE_KILLED_KIOSK_STORE";
const VISITORS: usize = 400;
const KILL_AFTER: usize = 60;

fn invitation(n: usize) -> KioskInvitation {
    let now = Utc::now();
    KioskInvitation {
        id: InvitationId::from(uuid::Uuid::now_v7()),
        host: UserId::from(uuid::Uuid::now_v7()),
        host_name: "Ada Lindqvist".into(),
        category: CategoryKind::Guest,
        visitor_name: format!("Visitor {n}"),
        visitor_company: String::new(),
        starts_at: now - TimeDelta::hours(1),
        ends_at: now + TimeDelta::hours(4),
        approval: ApprovalStatus::Approved,
        visit: VisitStatus::Expected,
        documents: Vec::new(),
        token: format!("GH1.test-{n}"),
        email_proof: String::new(),
        awaiting_host: false,
        held: false,
        checked_in_at: None,
        credential: None,
    }
}

/// The child's part: check everyone in, one transaction each, saying so after each commit.
async fn check_in_until_killed(path: &Path) -> anyhow::Result<()> {
    let store = LocalStore::open(path).await?;
    let now = Utc::now();
    for invitation in store
        .invitations_between(now - TimeDelta::days(1), now + TimeDelta::days(1))
        .await?
    {
        store
            .check_in(invitation.id, Utc::now(), None)
            .await?
            .ok()
            .context("admitted")?;
        println!("checked in {}", invitation.id);
    }
    Ok(())
}

#[tokio::test]
async fn kiosk_killed_mid_check_in_loses_nothing_and_doubles_nothing() -> anyhow::Result<()> {
    if let Ok(path) = std::env::var(WRITER) {
        return check_in_until_killed(Path::new(&path)).await;
    }
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("kiosk.db");
    let store = LocalStore::open(&path).await?;
    for n in 0..VISITORS {
        store.keep(&invitation(n)).await?;
    }
    drop(store);

    // This test binary again, running only this test, as the kiosk that gets killed.
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env(WRITER, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut confirmed = Vec::new();
    for line in BufReader::new(child.stdout.take().context("stdout")?).lines() {
        if let Some(id) = line?.strip_prefix("checked in ") {
            confirmed.push(id.parse::<uuid::Uuid>()?);
            if confirmed.len() == KILL_AFTER {
                signal::kill(
                    Pid::from_raw(i32::try_from(child.id())?),
                    signal::Signal::SIGKILL,
                )?;
                break;
            }
        }
    }
    child.wait()?;

    // Restarted: the store opens, and it is whole.
    let store = LocalStore::open(&path).await?;
    let now = Utc::now();
    let everyone = store
        .invitations_between(now - TimeDelta::days(1), now + TimeDelta::days(1))
        .await?;
    assert_eq!(everyone.len(), VISITORS);
    let mut reports: HashMap<InvitationId, usize> = HashMap::new();
    for queued in store.due(now + TimeDelta::days(1), 1000).await? {
        assert_eq!(queued.report.kind, VisitEvent::CheckIn);
        *reports.entry(queued.report.invitation).or_default() += 1;
    }
    let checked_in: Vec<&KioskInvitation> = everyone
        .iter()
        .filter(|i| i.visit == VisitStatus::CheckedIn)
        .collect();
    for id in &confirmed {
        let id = InvitationId::from(*id);
        assert_eq!(
            reports.get(&id),
            Some(&1),
            "a check-in the visitor saw succeed is kept, once"
        );
    }
    for invitation in &everyone {
        let expected = usize::from(invitation.visit == VisitStatus::CheckedIn);
        assert_eq!(
            reports.get(&invitation.id).copied().unwrap_or(0),
            expected,
            "{}",
            invitation.visitor_name
        );
    }
    assert!(
        checked_in.len() >= KILL_AFTER && checked_in.len() < VISITORS,
        "killed part-way: {}",
        checked_in.len()
    );

    // Carrying on after the restart: those already in are refused, the rest check in, once each.
    for invitation in &everyone {
        let outcome = store.check_in(invitation.id, Utc::now(), None).await?;
        assert_eq!(outcome.is_ok(), invitation.visit == VisitStatus::Expected);
    }
    let total = store.due(now + TimeDelta::days(1), 1000).await?.len();
    assert_eq!(total, VISITORS);
    Ok(())
}
