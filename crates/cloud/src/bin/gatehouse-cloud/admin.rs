//! `gatehouse-cloud admin`: the operator sets up a site before anyone can sign in — facilities,
//! occupancies, people, roles, kiosk codes. The operator is not a person with roles, so these
//! write through the store; what a role may go to is still `core::access::may_hold`'s to say.

use std::io::BufRead as _;

use anyhow::{Context as _, bail};
use gatehouse_cloud::{
    Clock, Database, auth,
    store::{Facility, NewUser},
    sync::enrollment,
};
use gatehouse_core::{Email, RoleId, RoleScope, role::RoleName};

use crate::AdminCommand;

pub(crate) async fn admin(db: &Database, command: AdminCommand) -> anyhow::Result<()> {
    let now = Clock::System.now();
    match command {
        AdminCommand::CreateFacility {
            name,
            address,
            time_zone,
            end_of_day,
        } => {
            let facility = db
                .create_facility(&name, &address, time_zone, end_of_day, now)
                .await?;
            println!("{}", facility.id);
        }
        AdminCommand::KioskCode {
            facility,
            name,
            valid_hours,
        } => {
            let facility = find_facility(db, &facility).await?;
            let valid_for = chrono::TimeDelta::hours(i64::from(valid_hours));
            let code = enrollment::store_code(db, facility.id, &name, None, valid_for, now).await?;
            println!("{}", code.code);
            eprintln!(
                "enrolls one kiosk called {:?} in {} until {}",
                code.name,
                facility.name,
                code.expires_at.format("%Y-%m-%d %H:%M UTC")
            );
        }
        AdminCommand::CreateOccupancy { facility, name } => {
            let facility = find_facility(db, &facility).await?;
            println!("{}", db.create_occupancy(facility.id, &name).await?.id);
        }
        AdminCommand::CreateUser {
            facility,
            occupancy,
            name,
            email,
            password_stdin,
        } => {
            let facility = find_facility(db, &facility).await?;
            let occupancy = match occupancy {
                Some(name) => Some(find_occupancy(db, &facility, &name).await?),
                None => None,
            };
            let password_hash = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                Some(auth::hash_password(line.trim_end_matches(['\r', '\n']))?)
            } else {
                None
            };
            let user = db
                .create_user(
                    NewUser {
                        facility: facility.id,
                        occupancy,
                        display_name: &name,
                        email: &email,
                        password_hash,
                    },
                    now,
                )
                .await?;
            println!("{}", user.id);
        }
        AdminCommand::CreateRole {
            facility,
            occupancy,
            preset,
            name,
            permissions,
        } => {
            let facility = find_facility(db, &facility).await?;
            let scope = match occupancy {
                Some(name) => RoleScope::Occupancy(find_occupancy(db, &facility, &name).await?),
                None => RoleScope::Facility(facility.id),
            };
            let (name, permissions) = match (preset, name, permissions) {
                (Some(preset), None, None) => (preset.name(), preset.permissions()),
                (None, Some(name), Some(permissions)) if !permissions.is_empty() => {
                    (RoleName::parse(&name)?, permissions)
                }
                _ => bail!("give either --preset, or --name with --permissions"),
            };
            println!(
                "{}",
                db.create_role(facility.id, &name, scope, permissions, None, now)
                    .await?
                    .id
            );
        }
        AdminCommand::AssignRole { email, role } => assign_role(db, &email, role, now).await?,
    }
    Ok(())
}

/// Gives a person a role, refusing one of another facility or occupancy.
async fn assign_role(
    db: &Database,
    email: &Email,
    role: RoleId,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let user = db
        .user_by_email(email)
        .await?
        .with_context(|| format!("there is no person {email}"))?;
    let (facility, role) = db
        .role(role)
        .await?
        .with_context(|| format!("there is no role {role}"))?;
    // The bootstrap CLI acts for the operator, who may assign anything a person may hold.
    gatehouse_core::access::may_hold(facility, &role, &user.member())
        .with_context(|| format!("role {} cannot go to {email}", role.id))?;
    db.assign_role(user.id, role.id, None, now).await?;
    Ok(())
}

async fn find_facility(db: &Database, name: &str) -> anyhow::Result<Facility> {
    db.facility_by_name(name)
        .await?
        .with_context(|| format!("there is no facility named {name:?}"))
}

async fn find_occupancy(
    db: &Database,
    facility: &Facility,
    name: &str,
) -> anyhow::Result<gatehouse_core::OccupancyId> {
    db.occupancies(facility.id)
        .await?
        .into_iter()
        .find(|o| o.name == name)
        .map(|o| o.id)
        .with_context(|| format!("there is no occupancy {name:?} in {}", facility.name))
}
