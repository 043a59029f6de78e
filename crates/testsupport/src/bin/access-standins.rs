//! The access-control stand-ins as a process, for the portal's browser tests: a UniFi Access
//! console and a Verkada organisation on loopback whose doors are the demo building's, until
//! killed. Prints one line of JSON: where each listens and what it is called with.
//!
//! `access-standins`

use gatehouse_testsupport::{unifi::UnifiConsole, verkada::VerkadaOrg};
use serde_json::json;

/// The demo building's doors (`assets/demo/demo.json`), as each system names them.
const DOORS: [(&str, &str); 7] = [
    ("main-entrance", "Main entrance"),
    ("turnstiles", "Lobby turnstiles"),
    ("meeting-floor", "Meeting floor door"),
    ("hr-floor", "HR floor door"),
    ("service-corridor", "Service corridor door"),
    ("freight-elevator", "Freight elevator"),
    ("server-room", "Server room door"),
];

#[tokio::main]
async fn main() {
    let ids = |prefix: &str| -> Vec<(String, &str)> {
        DOORS
            .iter()
            .map(|(id, name)| (format!("{prefix}-{id}"), *name))
            .collect()
    };
    let unifi_doors = ids("unifi");
    let unifi = UnifiConsole::start(
        &unifi_doors
            .iter()
            .map(|(id, name)| (id.as_str(), *name))
            .collect::<Vec<_>>(),
    )
    .await;
    let verkada_doors = ids("vk-door");
    let verkada_groups: Vec<(String, String)> = DOORS
        .iter()
        .map(|(id, name)| (format!("vk-group-{id}"), format!("{name} visitors")))
        .collect();
    let verkada = VerkadaOrg::start(
        &verkada_doors
            .iter()
            .map(|(id, name)| (id.as_str(), *name))
            .collect::<Vec<_>>(),
        &verkada_groups
            .iter()
            .map(|(id, name)| (id.as_str(), name.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    println!(
        "{}",
        json!({"unifi": {"url": unifi.url, "token": unifi.token},
            "verkada": {"url": verkada.url, "api_key": verkada.api_key}})
    );
    std::future::pending::<()>().await;
}
