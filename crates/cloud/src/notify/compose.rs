//! The words of each notification, as text and HTML, with the guest's QR code and calendar file.

use std::fmt::Write as _;

use chrono::{DateTime, Locale, Utc};
use gatehouse_core::{
    Category, Language,
    invitation::{Message, Notice, Recipient},
};

use super::{
    OutgoingEmail,
    calendar::{CalendarEvent, ics},
    mailer::EmailAttachment,
};
use crate::store::{Facility, InvitationRecord, OutboxItem};

/// What every notification about one invitation draws on.
#[derive(Debug)]
pub struct Letterhead<'a> {
    pub facility: &'a Facility,
    pub occupancy_name: &'a str,
    pub host_name: &'a str,
    pub host_email: &'a str,
    /// The host reads their emails in it; everyone else reads English.
    pub host_language: Language,
    /// The building's security address and the organisation's own.
    pub security_emails: Vec<String>,
    /// The category as the host's organisation uses it.
    pub category: Category,
    /// Where people reach the portal, e.g. `https://gatehouse.example.com`.
    pub public_url: &'a str,
}

/// What only the guest's own emails carry: the signed invitation code (their QR code and the key
/// to their pre-registration page) and, once they are checked in, their door pass.
#[derive(Debug, Clone, Copy, Default)]
pub struct GuestKeys<'a> {
    pub code: Option<&'a str>,
    pub door_pass: Option<&'a str>,
}

/// The email for `notice`, or `None` where nobody is there to receive it (no category email, no
/// security email configured) or what it carries is not at hand.
pub fn compose(
    notice: Notice,
    invitation: &InvitationRecord,
    letterhead: &Letterhead<'_>,
    reason: Option<&str>,
    guest: GuestKeys<'_>,
    now: DateTime<Utc>,
) -> Option<OutboxItem> {
    let to = match notice.to {
        Recipient::Host => vec![letterhead.host_email.to_owned()],
        Recipient::Guest => vec![invitation.visitor_email.clone()],
        Recipient::CategoryEmail => vec![letterhead.category.email.as_ref()?.to_string()],
        Recipient::SecurityEmail if letterhead.security_emails.is_empty() => return None,
        Recipient::SecurityEmail => letterhead.security_emails.clone(),
    };
    let language = if notice.to == Recipient::Host {
        letterhead.host_language
    } else {
        Language::En
    };
    let visit = Visit::of(invitation, letterhead, language);
    let wording = wording(
        notice.message,
        &visit,
        invitation,
        letterhead,
        reason,
        guest,
        now,
    )?;
    // The guest never reads a reason; everyone else sees it under the facts.
    let reason = reason.filter(|_| notice.to != Recipient::Guest);
    Some(OutboxItem::new(
        "email",
        &render(
            to,
            wording,
            &visit,
            reason.map(|r| (label(language, Label::Reason), r)),
        ),
    ))
}

/// The names of the facts in an email.
#[derive(Debug, Clone, Copy)]
enum Label {
    Visitor,
    Company,
    Category,
    Host,
    Date,
    Time,
    Where,
    Reason,
}

fn label(language: Language, label: Label) -> &'static str {
    match (language, label) {
        (Language::En, Label::Visitor) => "Visitor",
        (Language::En, Label::Company) => "Company",
        (Language::En, Label::Category) => "Category",
        (Language::En, Label::Host) => "Host",
        (Language::En, Label::Date) => "Date",
        (Language::En, Label::Time) => "Time",
        (Language::En, Label::Where) => "Where",
        (Language::En, Label::Reason) => "Reason",
        (Language::De, Label::Visitor) => "Besucher",
        (Language::De, Label::Company) => "Firma",
        (Language::De, Label::Category) => "Kategorie",
        (Language::De, Label::Host) => "Gastgeber",
        (Language::De, Label::Date) => "Datum",
        (Language::De, Label::Time) => "Uhrzeit",
        (Language::De, Label::Where) => "Ort",
        (Language::De, Label::Reason) => "Grund",
    }
}

/// The facts of a visit as people read them, in the site's time zone and the reader's language.
struct Visit {
    language: Language,
    visitor: String,
    host: String,
    category: &'static str,
    day: String,
    facts: Vec<(&'static str, String)>,
}

impl Visit {
    fn of(invitation: &InvitationRecord, letterhead: &Letterhead<'_>, language: Language) -> Self {
        let tz = letterhead.facility.time_zone;
        let starts = invitation.starts_at.with_timezone(&tz);
        let day = match language {
            Language::En => starts.format("%A, %-d %B %Y").to_string(),
            Language::De => starts
                .format_localized("%A, %-d. %B %Y", Locale::de_DE)
                .to_string(),
        };
        let window = format!(
            "{}–{}",
            invitation.starts_at.with_timezone(&tz).format("%H:%M"),
            invitation.ends_at.with_timezone(&tz).format("%H:%M")
        );
        let host = letterhead.host_name.to_owned();
        let category = letterhead.category.kind.name(language);
        let named = |l| label(language, l);
        let mut facts = vec![
            (named(Label::Visitor), invitation.visitor_name.clone()),
            (named(Label::Company), invitation.visitor_company.clone()),
            (named(Label::Category), category.to_owned()),
            (
                named(Label::Host),
                format!("{host} ({})", letterhead.occupancy_name),
            ),
            (named(Label::Date), day.clone()),
            (named(Label::Time), window),
            (
                named(Label::Where),
                format!(
                    "{}, {}",
                    letterhead.facility.name, letterhead.facility.address
                ),
            ),
        ];
        facts.retain(|(_, value)| !value.is_empty());
        Self {
            language,
            visitor: invitation.visitor_name.clone(),
            host,
            category,
            day,
            facts,
        }
    }
}

struct Wording {
    subject: String,
    opening: String,
    link: Option<(&'static str, String)>,
    attachments: Vec<EmailAttachment>,
}

fn wording(
    message: Message,
    visit: &Visit,
    invitation: &InvitationRecord,
    letterhead: &Letterhead<'_>,
    reason: Option<&str>,
    guest: GuestKeys<'_>,
    now: DateTime<Utc>,
) -> Option<Wording> {
    let Visit {
        visitor,
        host,
        category,
        day,
        ..
    } = visit;
    if visit.language == Language::De
        && let Some(wording) = in_german(message, visit, invitation, letterhead, reason, now)
    {
        return Some(wording);
    }
    let site = &letterhead.facility.name;
    let because = reason.map_or_else(String::new, |r| format!(" Reason: {r}"));
    Some(match message {
        Message::PendingApproval => Wording {
            subject: format!("Invitation pending approval: {visitor} ({category})"),
            opening: format!(
                "{host} invited {visitor} as a {} visitor. The invitation waits for an \
                 administrator's approval; the guest has not been told yet.",
                category.to_lowercase()
            ),
            link: Some(("Review invitation", review_link(letterhead, invitation))),
            attachments: Vec::new(),
        },
        Message::NewInvitation => plain(
            format!("New {} invitation: {visitor}", category.to_lowercase()),
            format!("{host} invited {visitor}."),
        ),
        Message::Approved => plain(
            format!("Approved: {visitor}'s visit on {day}"),
            format!(
                "The visit of {visitor} has been approved. {visitor} has been sent the invitation."
            ),
        ),
        Message::Rejected => plain(
            format!("Rejected: the visit of {visitor} on {day} has been rejected"),
            format!(
                "The visit of {visitor} has been rejected.{because} {visitor} has not been told; \
                 you may invite again with changes, or let them know."
            ),
        ),
        Message::ReturnedToPending => plain(
            format!("Back to pending: {visitor}'s visit on {day}"),
            format!("The approved visit of {visitor} needs approval again.{because}"),
        ),
        Message::Cancelled => plain(
            format!("Cancelled: your visit to {site} on {day}"),
            format!("Your visit to {host} on {day} has been cancelled."),
        ),
        Message::VisitorArrived => plain(
            format!("Your visitor has arrived: {visitor}"),
            format!(
                "{visitor} checked in at the {site} reception kiosk at {} and is waiting for you \
                 in the lobby.",
                now.with_timezone(&letterhead.facility.time_zone)
                    .format("%H:%M")
            ),
        ),
        Message::ScreeningHit => Wording {
            subject: format!("Held by screening: {visitor} ({category})"),
            opening: format!(
                "Gatehouse held the invitation {host} made for {visitor}: the visitor matches the \
                 watchlist ({}). Neither the guest nor the host has been told. A facility \
                 approver decides: reject it, or let it through with a reason (not the listed \
                 person, or let in anyway).",
                reason.unwrap_or("a watchlist entry")
            ),
            link: Some(("Review the hold", review_link(letterhead, invitation))),
            attachments: Vec::new(),
        },
        Message::WalkInWaiting => Wording {
            subject: format!("Is {visitor} your visitor? They are at reception"),
            opening: format!(
                "{visitor} is at the {site} reception kiosk without an invitation and asks for \
                 you. They get no badge until you (or reception) say whether you expect them."
            ),
            link: Some((
                "Answer: my visitor, or not",
                review_link(letterhead, invitation),
            )),
            attachments: Vec::new(),
        },
        Message::GuestInvitation => Wording {
            subject: format!("Your visit to {site} on {day}"),
            opening: format!(
                "{host} has invited you to {site}. At the reception kiosk, hold the attached QR \
                 code up to the camera to check in, or type your invitation code {}.",
                gatehouse_core::invitation::code(invitation.id)
            ),
            link: Some((
                "Before your visit: sign the NDA and hand in your documents",
                pre_registration_link(letterhead, guest.code?),
            )),
            attachments: guest_attachments(guest.code?, visit, invitation, letterhead, now),
        },
        Message::DoorPass => door_pass(invitation, letterhead, guest)?,
    })
}

/// The guest's door pass, once checked in: the credential as a QR code, and their page.
fn door_pass(
    invitation: &InvitationRecord,
    letterhead: &Letterhead<'_>,
    guest: GuestKeys<'_>,
) -> Option<Wording> {
    let site = &letterhead.facility.name;
    Some(Wording {
        subject: format!("Your door pass for {site}"),
        opening: format!(
            "You are checked in at {site}. The QR code on your badge is your door pass; the same \
             pass is attached, and on your page, to show on your phone at a door. It opens the \
             doors of your visit until {}, and stops when you check out.",
            invitation
                .ends_at
                .with_timezone(&letterhead.facility.time_zone)
                .format("%H:%M")
        ),
        link: Some((
            "Your door pass on your phone",
            pre_registration_link(letterhead, guest.code?),
        )),
        attachments: vec![EmailAttachment::QrCode {
            filename: "door-pass.png".into(),
            text: guest.door_pass?.to_owned(),
        }],
    })
}

fn plain(subject: String, opening: String) -> Wording {
    Wording {
        subject,
        opening,
        link: None,
        attachments: Vec::new(),
    }
}

/// The guest's pre-registration page: their signed invitation code is the key.
fn pre_registration_link(letterhead: &Letterhead<'_>, guest_token: &str) -> String {
    format!(
        "{}/guest/{guest_token}",
        letterhead.public_url.trim_end_matches('/'),
    )
}

fn review_link(letterhead: &Letterhead<'_>, invitation: &InvitationRecord) -> String {
    format!(
        "{}/portal/invitations/{}",
        letterhead.public_url.trim_end_matches('/'),
        invitation.id
    )
}

/// The words of a message to a host who reads German; `None` for a message hosts never get
/// (only hosts are written to in their own language: a guest's or a list's is not known).
fn in_german(
    message: Message,
    visit: &Visit,
    invitation: &InvitationRecord,
    letterhead: &Letterhead<'_>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Option<Wording> {
    let Visit { visitor, day, .. } = visit;
    let site = &letterhead.facility.name;
    let because = reason.map_or_else(String::new, |r| format!(" Grund: {r}"));
    Some(match message {
        Message::Approved => plain(
            format!("Genehmigt: der Besuch von {visitor} am {day}"),
            format!(
                "Der Besuch von {visitor} wurde genehmigt. {visitor} hat die Einladung erhalten."
            ),
        ),
        Message::Rejected => plain(
            format!("Abgelehnt: der Besuch von {visitor} am {day} wurde abgelehnt"),
            format!(
                "Der Besuch von {visitor} wurde abgelehnt.{because} {visitor} wurde nicht \
                 benachrichtigt; Sie können mit Änderungen erneut einladen oder Ihrem Besuch \
                 Bescheid geben."
            ),
        ),
        Message::ReturnedToPending => plain(
            format!("Wieder offen: der Besuch von {visitor} am {day}"),
            format!("Der genehmigte Besuch von {visitor} muss erneut genehmigt werden.{because}"),
        ),
        Message::VisitorArrived => plain(
            format!("Ihr Besuch ist da: {visitor}"),
            format!(
                "{visitor} hat sich um {} Uhr am Empfangskiosk von {site} angemeldet und wartet \
                 in der Lobby auf Sie.",
                now.with_timezone(&letterhead.facility.time_zone)
                    .format("%H:%M")
            ),
        ),
        Message::WalkInWaiting => Wording {
            subject: format!("Erwarten Sie {visitor}? Ihr Besuch wartet am Empfang"),
            opening: format!(
                "{visitor} ist ohne Einladung am Empfangskiosk von {site} und fragt nach Ihnen. \
                 Einen Ausweis gibt es erst, wenn Sie (oder der Empfang) sagen, ob Sie diesen \
                 Besuch erwarten."
            ),
            link: Some((
                "Antworten: mein Besuch oder nicht",
                review_link(letterhead, invitation),
            )),
            attachments: Vec::new(),
        },
        Message::PendingApproval
        | Message::ScreeningHit
        | Message::NewInvitation
        | Message::Cancelled
        | Message::GuestInvitation
        | Message::DoorPass => return None,
    })
}

/// The guest's QR code and calendar file.
fn guest_attachments(
    token: &str,
    visit: &Visit,
    invitation: &InvitationRecord,
    letterhead: &Letterhead<'_>,
    now: DateTime<Utc>,
) -> Vec<EmailAttachment> {
    let place = format!(
        "{}, {}",
        letterhead.facility.name, letterhead.facility.address
    );
    let calendar = ics(&CalendarEvent {
        uid: format!("{}@gatehouse", invitation.id),
        summary: &format!("Visit to {}, {}", visit.host, letterhead.facility.name),
        location: &place,
        description: "Show the QR code from your invitation email at the reception kiosk.",
        starts_at: invitation.starts_at,
        ends_at: invitation.ends_at,
        stamp: now,
    });
    vec![
        EmailAttachment::QrCode {
            filename: "invitation-qr.png".into(),
            text: token.to_owned(),
        },
        EmailAttachment::file(
            "visit.ics",
            "text/calendar; charset=utf-8; method=PUBLISH",
            calendar.as_bytes(),
        ),
    ]
}

fn render(
    to: Vec<String>,
    wording: Wording,
    visit: &Visit,
    reason: Option<(&'static str, &str)>,
) -> OutgoingEmail {
    let mut text = format!("{}\n\n", wording.opening);
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;color:#12302f\"><p>{}</p><table>",
        escape(&wording.opening)
    );
    let reason_line = reason.map(|(label, r)| (label, r.to_owned()));
    for (label, value) in visit.facts.iter().cloned().chain(reason_line) {
        let _ = writeln!(text, "{label}: {value}");
        let _ = write!(
            html,
            "<tr><th align=\"left\">{label}</th><td>{}</td></tr>",
            escape(&value)
        );
    }
    html.push_str("</table>");
    if let Some((label, url)) = &wording.link {
        let _ = write!(text, "\n{label}: {url}\n");
        let _ = write!(
            html,
            "<p><a href=\"{}\" style=\"display:inline-block;padding:12px 20px;background:#0f5c5a;\
             color:#fff;border-radius:8px;text-decoration:none\">{label}</a></p>",
            escape(url)
        );
    }
    html.push_str("</body></html>");
    OutgoingEmail {
        to,
        subject: wording.subject,
        text,
        html,
        attachments: wording.attachments,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
