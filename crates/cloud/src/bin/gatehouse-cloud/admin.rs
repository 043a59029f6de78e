//! `gatehouse-cloud admin`: the operator sets up a site before anyone can sign in — facilities,
//! occupancies, people, roles, kiosk codes — through the same services as the API, as
//! [`Caller::Operator`] of the facility: allowed what any role could allow there, and a role
//! still goes only to someone who may hold it.

use std::io::BufRead as _;

use anyhow::{Context as _, bail};
use gatehouse_cloud::{
    Caller, Cloud,
    people::{self, NewOccupancy, NewPerson, NewRole},
    store::Facility,
    sync::enrollment,
};
use gatehouse_core::{RoleScope, role::RoleName, text::Text};

use crate::AdminCommand;

pub(crate) async fn admin(cloud: &Cloud, command: AdminCommand) -> anyhow::Result<()> {
    let db = &cloud.database;
    match command {
        AdminCommand::CreateFacility {
            name,
            address,
            time_zone,
            end_of_day,
        } => {
            // Facilities exist before anyone who could ask for one: only the operator makes them.
            let facility = db
                .create_facility(&name, &address, time_zone, end_of_day, cloud.clock.now())
                .await?;
            println!("{}", facility.id);
        }
        AdminCommand::KioskCode {
            facility,
            name,
            valid_hours,
        } => {
            let facility = find_facility(cloud, &facility).await?;
            let valid_for = chrono::TimeDelta::hours(i64::from(valid_hours));
            let code =
                enrollment::issue_code(cloud, Caller::Operator(facility.id), &name, valid_for)
                    .await?;
            println!("{}", code.code);
            eprintln!(
                "enrolls one kiosk called {:?} in {} until {}",
                code.name,
                facility.name,
                code.expires_at.format("%Y-%m-%d %H:%M UTC")
            );
        }
        AdminCommand::CreateOccupancy { facility, name } => {
            let facility = find_facility(cloud, &facility).await?;
            let request = NewOccupancy {
                name: Text::parse(&name).map_err(|e| anyhow::anyhow!("the name {e}"))?,
            };
            let occupancy =
                people::create_occupancy(cloud, Caller::Operator(facility.id), &request).await?;
            println!("{}", occupancy.id);
        }
        AdminCommand::CreateUser {
            facility,
            occupancy,
            name,
            email,
            password_stdin,
        } => {
            let occupancy = occupancy.as_deref();
            let user =
                create_user(cloud, &facility, occupancy, &name, email, password_stdin).await?;
            println!("{user}");
        }
        AdminCommand::CreateRole {
            facility,
            occupancy,
            preset,
            name,
            permissions,
        } => {
            let facility = find_facility(cloud, &facility).await?;
            let scope = match occupancy {
                Some(name) => RoleScope::Occupancy(find_occupancy(cloud, &facility, &name).await?),
                None => RoleScope::Facility(facility.id),
            };
            if preset.is_none() && (name.is_none() || permissions.is_none()) {
                bail!("give either --preset, or --name with --permissions");
            }
            let request = NewRole {
                scope,
                preset,
                name: name.as_deref().map(RoleName::parse).transpose()?,
                permissions,
            };
            let role = people::create_role(cloud, Caller::Operator(facility.id), request).await?;
            println!("{}", role.id);
        }
        AdminCommand::RotateKey => {
            let kid = cloud.keys.rotate(db).await?;
            println!("{kid}");
            tracing::info!(
                kid,
                "new signing key: older credentials verify until they expire"
            );
        }
        AdminCommand::AssignRole { email, role } => {
            let person = db
                .user_by_email(&email)
                .await?
                .with_context(|| format!("there is no person {email}"))?;
            people::assign_role(cloud, Caller::Operator(person.facility_id), person.id, role)
                .await
                .with_context(|| format!("role {role} cannot go to {email}"))?;
        }
    }
    Ok(())
}

/// A person of `facility` (and `occupancy`); with `password_stdin` they can sign in.
async fn create_user(
    cloud: &Cloud,
    facility: &str,
    occupancy: Option<&str>,
    name: &str,
    email: gatehouse_core::Email,
    password_stdin: bool,
) -> anyhow::Result<gatehouse_core::UserId> {
    let facility = find_facility(cloud, facility).await?;
    let occupancy = match occupancy {
        Some(name) => Some(find_occupancy(cloud, &facility, name).await?),
        None => None,
    };
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Some(line.trim_end_matches(['\r', '\n']).to_owned())
    } else {
        None
    };
    let request = NewPerson {
        display_name: Text::parse(name).map_err(|e| anyhow::anyhow!("the name {e}"))?,
        email,
        occupancy_id: occupancy,
        password,
        language: gatehouse_core::Language::En,
    };
    Ok(
        people::add_person(cloud, Caller::Operator(facility.id), request)
            .await?
            .id,
    )
}

async fn find_facility(cloud: &Cloud, name: &str) -> anyhow::Result<Facility> {
    cloud
        .database
        .facility_by_name(name)
        .await?
        .with_context(|| format!("there is no facility named {name:?}"))
}

async fn find_occupancy(
    cloud: &Cloud,
    facility: &Facility,
    name: &str,
) -> anyhow::Result<gatehouse_core::OccupancyId> {
    cloud
        .database
        .occupancies(facility.id)
        .await?
        .into_iter()
        .find(|o| o.name == name)
        .map(|o| o.id)
        .with_context(|| format!("there is no occupancy {name:?} in {}", facility.name))
}
