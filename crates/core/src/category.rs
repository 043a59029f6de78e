//! Visitor categories (seed "approval process"): picked from a predefined list and enabled per
//! organisation, each with its approval rule, its own email address and an access profile.

use std::{collections::HashMap, sync::LazyLock};

use serde::{Deserialize, Serialize};

use crate::{Email, Language};

/// The names people read for each category, in each language: the one table the kiosk's
/// screens, the portal, the badge and the emails all read (the UI imports the same file).
const NAMES_JSON: &str = include_str!("category_names.json");

static NAMES: LazyLock<HashMap<Language, HashMap<CategoryKind, String>>> =
    LazyLock::new(|| serde_json::from_str(NAMES_JSON).expect("category_names.json is valid"));

/// The predefined list an organisation enables categories from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    Guest,
    Client,
    Contractor,
    Vendor,
    InterviewCandidate,
    Delivery,
    Auditor,
    EventAttendee,
}

impl CategoryKind {
    pub const ALL: [Self; 8] = [
        Self::Guest,
        Self::Client,
        Self::Contractor,
        Self::Vendor,
        Self::InterviewCandidate,
        Self::Delivery,
        Self::Auditor,
        Self::EventAttendee,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Guest => "guest",
            Self::Client => "client",
            Self::Contractor => "contractor",
            Self::Vendor => "vendor",
            Self::InterviewCandidate => "interview_candidate",
            Self::Delivery => "delivery",
            Self::Auditor => "auditor",
            Self::EventAttendee => "event_attendee",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The category's name for people, in `language`.
    pub fn name(self, language: Language) -> &'static str {
        NAMES
            .get(&language)
            .and_then(|names| names.get(&self))
            .map_or(self.as_str(), String::as_str)
    }

    /// Vendor invitations need the `visitor_vendor_configuration` permission.
    pub fn is_vendor(self) -> bool {
        self == Self::Vendor
    }
}

/// A document a visitor must provide before their credential works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequiredDocument {
    Nda,
    /// A photo taken at the kiosk, printed on the badge.
    Photo,
    CertificateOfInsurance,
    PhotoId,
}

/// What a visitor of the category may reach, and for how long: the category's door policy,
/// which [`crate::policy::credential_for`] turns into a visit's credential.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessProfile {
    /// The longest visit window, in minutes (a contractor: 480): 1 to 43,200 (30 days).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 43_200))]
    pub longest_visit_minutes: Option<u32>,
    #[serde(default)]
    pub documents: Vec<RequiredDocument>,
    /// A visitor without an invitation is admitted without their host (or reception) saying they
    /// are expected. Off unless a building chooses it for a category (a delivery, say).
    #[serde(default)]
    pub walk_ins_unconfirmed: bool,
    /// The zones a visitor of the category may enter.
    #[serde(default)]
    pub zones: Vec<crate::ZoneId>,
    /// Of those, the zones entered only with the host as escort.
    #[serde(default)]
    pub escorted_zones: Vec<crate::ZoneId>,
    /// How many minutes before the visit its doors already open: 0 to 120.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 120))]
    pub early_access_minutes: u32,
}

/// A category as one organisation has enabled it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub kind: CategoryKind,
    pub enabled: bool,
    pub needs_approval: bool,
    /// Told of every invitation in this category.
    pub email: Option<Email>,
    #[serde(default)]
    pub access_profile: AccessProfile,
}

/// What one organisation (occupancy) chose for a category, over the facility's default: whether
/// its people may invite visitors of it, whether those need approval, and who of the
/// organisation is told. The access profile stays the building's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryChoice {
    pub kind: CategoryKind,
    pub enabled: bool,
    pub needs_approval: bool,
    /// Told of every invitation of the organisation in this category.
    pub email: Option<Email>,
    /// The organisation's narrower door policy for its visitors of this category: it narrows
    /// the building's ([`AccessProfile::narrowed_by`]), never widens it.
    #[serde(default)]
    pub access_profile: Option<AccessProfile>,
}

impl Category {
    /// The category as one organisation uses it: its own choice where it made one, the
    /// facility's default otherwise.
    #[must_use]
    pub fn as_chosen(&self, choice: Option<&CategoryChoice>) -> Self {
        match choice {
            None => self.clone(),
            Some(choice) => Self {
                kind: self.kind,
                enabled: choice.enabled,
                needs_approval: choice.needs_approval,
                email: choice.email.clone(),
                access_profile: choice.access_profile.as_ref().map_or_else(
                    || self.access_profile.clone(),
                    |narrower| self.access_profile.narrowed_by(narrower),
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_name_in_every_language() {
        for language in Language::ALL {
            let names = &NAMES[&language];
            assert_eq!(names.len(), CategoryKind::ALL.len(), "{language:?}");
            for kind in CategoryKind::ALL {
                assert!(!names[&kind].trim().is_empty(), "{kind:?} in {language:?}");
            }
        }
    }

    #[test]
    fn an_interview_candidate_reads_one_name_on_the_screen_and_the_badge() {
        // The screens (ui/) import the same file; these are the words they show.
        assert_eq!(
            CategoryKind::InterviewCandidate.name(Language::De),
            "Vorstellungsgespräch"
        );
        assert_eq!(
            CategoryKind::InterviewCandidate.name(Language::En),
            "Job interview"
        );
    }

    #[test]
    fn an_organisation_s_choice_replaces_the_default_but_not_the_building_s_access_profile() {
        let default = Category {
            kind: CategoryKind::Contractor,
            enabled: true,
            needs_approval: false,
            email: Some(Email::parse("contractors@building.example").unwrap()),
            access_profile: AccessProfile {
                longest_visit_minutes: Some(480),
                ..AccessProfile::default()
            },
        };
        assert_eq!(default.as_chosen(None), default);
        let chosen = default.as_chosen(Some(&CategoryChoice {
            kind: CategoryKind::Contractor,
            enabled: true,
            needs_approval: true,
            email: None,
            access_profile: Some(AccessProfile {
                longest_visit_minutes: Some(600),
                ..AccessProfile::default()
            }),
        }));
        assert!(chosen.needs_approval);
        assert_eq!(
            chosen.email, None,
            "the default address is not inherited past a choice"
        );
        assert_eq!(
            chosen.access_profile.longest_visit_minutes,
            Some(480),
            "an organisation narrows the building's policy, never widens it"
        );
    }

    #[test]
    fn predefined_categories_round_trip_by_name() {
        for kind in CategoryKind::ALL {
            assert_eq!(CategoryKind::from_name(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::from(kind.as_str())
            );
        }
        assert_eq!(CategoryKind::from_name("spy"), None);
    }
}
