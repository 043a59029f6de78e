//! The permissions a role can hold (seed "roles and permissions"), and sets of them.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One thing a person may do. The names on the wire are the snake-case ones below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(rename_all = "snake_case")
)]
pub enum Permission {
    /// Create visitor invitations and view the ones you created or host.
    VisitorInvitation,
    /// Name somebody else as the host of an invitation (assistants).
    InviteForOthers,
    /// See every invitation in the role's scope, not only your own.
    AllVisitorRequests,
    /// Admit (check in) visitors at the desk.
    VisitorAdmission,
    /// Vendor invitations and visitor import.
    VisitorVendorConfiguration,
    /// A visit window may run past the site's end of day.
    CanExceedEndOfDay,
    /// Approve or reject invitations (admins).
    ApproveInvitations,
    /// Assign roles and create sub-roles.
    RoleAdministrator,
}

impl Permission {
    pub const ALL: [Self; 8] = [
        Self::VisitorInvitation,
        Self::InviteForOthers,
        Self::AllVisitorRequests,
        Self::VisitorAdmission,
        Self::VisitorVendorConfiguration,
        Self::CanExceedEndOfDay,
        Self::ApproveInvitations,
        Self::RoleAdministrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::VisitorInvitation => "visitor_invitation",
            Self::InviteForOthers => "invite_for_others",
            Self::AllVisitorRequests => "all_visitor_requests",
            Self::VisitorAdmission => "visitor_admission",
            Self::VisitorVendorConfiguration => "visitor_vendor_configuration",
            Self::CanExceedEndOfDay => "can_exceed_end_of_day",
            Self::ApproveInvitations => "approve_invitations",
            Self::RoleAdministrator => "role_administrator",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a permission (known: visitor_invitation, invite_for_others, all_visitor_requests, visitor_admission, visitor_vendor_configuration, can_exceed_end_of_day, approve_invitations, role_administrator)"
)]
pub struct UnknownPermission(pub String);

impl FromStr for Permission {
    type Err = UnknownPermission;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownPermission(s.chars().take(60).collect()))
    }
}

impl Serialize for Permission {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// A set of permissions. On the wire: a list of names, sorted.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PermissionSet(u16);

impl PermissionSet {
    pub const EMPTY: Self = Self(0);

    pub fn all() -> Self {
        Self::ALL_BITS
    }

    const ALL_BITS: Self = Self((1 << Permission::ALL.len()) - 1);

    pub fn contains(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }

    #[must_use]
    pub fn with(self, permission: Permission) -> Self {
        Self(self.0 | permission.bit())
    }

    #[must_use]
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    pub fn is_subset_of(self, other: Self) -> bool {
        self.0 & !other.0 == 0
    }

    /// What `self` holds that `other` does not.
    #[must_use]
    pub fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }

    /// The bits as stored in the database.
    pub fn bits(self) -> i64 {
        i64::from(self.0)
    }

    /// Reads stored bits, refusing any that name no permission.
    pub fn from_bits(bits: i64) -> Option<Self> {
        let bits = u16::try_from(bits).ok()?;
        (bits & !Self::ALL_BITS.0 == 0).then_some(Self(bits))
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        iter.into_iter().fold(Self::EMPTY, Self::with)
    }
}

impl<const N: usize> From<[Permission; N]> for PermissionSet {
    fn from(permissions: [Permission; N]) -> Self {
        permissions.into_iter().collect()
    }
}

impl fmt::Debug for PermissionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Permission::as_str))
            .finish()
    }
}

impl fmt::Display for PermissionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.iter().map(Permission::as_str).collect();
        f.write_str(&names.join(", "))
    }
}

impl Serialize for PermissionSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for PermissionSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<Permission>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn every_permission_round_trips_by_name() {
        for permission in Permission::ALL {
            assert_eq!(
                permission.as_str().parse::<Permission>().unwrap(),
                permission
            );
        }
        let err = "approve_everything".parse::<Permission>().unwrap_err();
        assert!(err.to_string().contains("approve_everything"));
    }

    #[test]
    fn sets_combine_and_compare() {
        let only = PermissionSet::from([VisitorInvitation]);
        let all = PermissionSet::from([VisitorInvitation, InviteForOthers, AllVisitorRequests]);
        assert!(only.is_subset_of(all));
        assert!(!all.is_subset_of(only));
        assert_eq!(
            all.without(only),
            PermissionSet::from([InviteForOthers, AllVisitorRequests])
        );
        assert_eq!(
            only.union(PermissionSet::from([RoleAdministrator]))
                .iter()
                .count(),
            2
        );
        assert!(PermissionSet::EMPTY.is_subset_of(only));
    }

    #[test]
    fn sets_travel_as_sorted_name_lists() {
        let set = PermissionSet::from([RoleAdministrator, VisitorInvitation]);
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, r#"["visitor_invitation","role_administrator"]"#);
        assert_eq!(serde_json::from_str::<PermissionSet>(&json).unwrap(), set);
        assert!(serde_json::from_str::<PermissionSet>(r#"["root"]"#).is_err());
    }

    #[test]
    fn stored_bits_that_name_no_permission_are_refused() {
        let set = PermissionSet::all();
        assert_eq!(PermissionSet::from_bits(set.bits()), Some(set));
        assert_eq!(PermissionSet::from_bits(1 << 12), None);
        assert_eq!(PermissionSet::from_bits(-1), None);
    }
}
