//! The building as access control sees it (seed "access control integration": spatial modeling
//! that ops teams change themselves): zones with a security level, the doors in each (named as
//! the building's access-control system knows them), and the rooms in each, some for the
//! building's own people only.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::ZoneId;

/// How closely a zone is guarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecurityLevel {
    /// The lobby, the café, reception.
    Public,
    /// Open offices, standard meeting rooms.
    General,
    /// Server rooms, executive offices, labs.
    Secure,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Door {
    pub name: String,
    /// The door's id in the building's access-control system, if it has one there.
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Room {
    pub name: String,
    /// For the building's own people: no visitor is invited to it.
    #[serde(default)]
    pub internal_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub id: ZoneId,
    pub name: String,
    pub level: SecurityLevel,
    #[serde(default)]
    pub doors: Vec<Door>,
    #[serde(default)]
    pub rooms: Vec<Room>,
}

/// A facility's zones, doors and rooms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ZoneMap {
    pub zones: Vec<Zone>,
}

/// A building has at most this many zones, and a zone this many doors and rooms each.
pub const MOST_ZONES: usize = 200;
pub const MOST_PER_ZONE: usize = 500;
const LONGEST_NAME: usize = 100;

fn named(what: &str, name: &str) -> Result<(), String> {
    let length = name.trim().chars().count();
    if length == 0 || length > LONGEST_NAME || name.trim() != name {
        return Err(format!(
            "{what} needs a name of 1 to {LONGEST_NAME} characters without surrounding spaces (got {name:?})"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(format!(
            "{what} {name:?} has control characters in its name"
        ));
    }
    Ok(())
}

impl ZoneMap {
    /// Why this map cannot be the building's, naming the zone, door or room; `Ok` if it can.
    /// Names are unique (zones in the building, doors and rooms across it, compared without
    /// case), as are zone ids and external door ids.
    pub fn check(&self) -> Result<(), String> {
        if self.zones.len() > MOST_ZONES {
            return Err(format!("a building has at most {MOST_ZONES} zones"));
        }
        let (mut ids, mut zones, mut doors, mut rooms, mut external) = (
            HashSet::new(),
            HashSet::new(),
            HashSet::new(),
            HashSet::new(),
            HashSet::new(),
        );
        for zone in &self.zones {
            named("a zone", &zone.name)?;
            if !ids.insert(zone.id) {
                return Err(format!("two zones have the id {}", zone.id));
            }
            if !zones.insert(zone.name.to_lowercase()) {
                return Err(format!("two zones are called {:?}", zone.name));
            }
            if zone.doors.len() > MOST_PER_ZONE || zone.rooms.len() > MOST_PER_ZONE {
                return Err(format!(
                    "zone {:?} has more than {MOST_PER_ZONE} doors or rooms",
                    zone.name
                ));
            }
            for door in &zone.doors {
                named(&format!("a door in zone {:?}", zone.name), &door.name)?;
                if !doors.insert(door.name.to_lowercase()) {
                    return Err(format!("two doors are called {:?}", door.name));
                }
                if let Some(id) = &door.external_id {
                    named(&format!("door {:?}'s external id", door.name), id)?;
                    if !external.insert(id.clone()) {
                        return Err(format!("two doors have the external id {id:?}"));
                    }
                }
            }
            for room in &zone.rooms {
                named(&format!("a room in zone {:?}", zone.name), &room.name)?;
                if !rooms.insert(room.name.to_lowercase()) {
                    return Err(format!("two rooms are called {:?}", room.name));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn zone(n: u128, name: &str, level: SecurityLevel) -> Zone {
        Zone {
            id: ZoneId(Uuid::from_u128(n)),
            name: name.into(),
            level,
            doors: Vec::new(),
            rooms: Vec::new(),
        }
    }

    fn harbour_point() -> ZoneMap {
        let mut lobby = zone(1, "Lobby", SecurityLevel::Public);
        lobby.doors.push(Door {
            name: "Main entrance".into(),
            external_id: Some("unifi-door-1".into()),
        });
        let mut lab = zone(2, "Lab B", SecurityLevel::Secure);
        lab.rooms.push(Room {
            name: "Clean room".into(),
            internal_only: true,
        });
        ZoneMap {
            zones: vec![lobby, lab, zone(3, "Level 3", SecurityLevel::General)],
        }
    }

    #[test]
    fn a_building_s_zone_map_passes() {
        assert_eq!(harbour_point().check(), Ok(()));
        assert_eq!(ZoneMap::default().check(), Ok(()));
    }

    #[test]
    fn a_bad_zone_map_is_refused_naming_what_is_wrong() {
        let mut twice = harbour_point();
        twice.zones[2].name = "lobby".into();
        assert!(twice.check().unwrap_err().contains("two zones are called"));
        let mut same_id = harbour_point();
        same_id.zones[2].id = same_id.zones[0].id;
        assert!(same_id.check().unwrap_err().contains("the id"));
        let mut blank = harbour_point();
        blank.zones[1].rooms[0].name = "  ".into();
        assert!(
            blank
                .check()
                .unwrap_err()
                .contains("a room in zone \"Lab B\"")
        );
        let mut door = harbour_point();
        door.zones[2].doors.push(Door {
            name: "Stairs".into(),
            external_id: Some("unifi-door-1".into()),
        });
        assert!(
            door.check()
                .unwrap_err()
                .contains("external id \"unifi-door-1\"")
        );
        let mut control = harbour_point();
        control.zones[0].name = "Lob\u{0}by".into();
        assert!(control.check().unwrap_err().contains("control characters"));
    }
}
