//! Typed ids: a host's id cannot be passed where an occupancy's is expected.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        pub struct $name(pub Uuid);

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

ids! {
    /// A building or site.
    FacilityId,
    /// A tenant inside a facility.
    OccupancyId,
    /// A person who signs in: a host, an assistant, a receptionist, a manager.
    UserId,
    RoleId,
    InvitationId,
    /// A reception kiosk enrolled in a facility.
    KioskId,
    /// A part of a facility with one security level: the lobby, a floor, a lab.
    ZoneId,
    /// One visit's door credential.
    CredentialId,
}
