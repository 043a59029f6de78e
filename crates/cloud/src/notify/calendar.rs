//! The `.ics` file attached to a guest's invitation (RFC 5545), so the visit lands in their
//! calendar.

use chrono::{DateTime, Utc};

pub struct CalendarEvent<'a> {
    pub uid: String,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub stamp: DateTime<Utc>,
}

pub fn ics(event: &CalendarEvent<'_>) -> String {
    let time = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Gatehouse//Visitor invitation//EN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", event.uid),
        format!("DTSTAMP:{}", time(event.stamp)),
        format!("DTSTART:{}", time(event.starts_at)),
        format!("DTEND:{}", time(event.ends_at)),
        format!("SUMMARY:{}", escape(event.summary)),
        format!("LOCATION:{}", escape(event.location)),
        format!("DESCRIPTION:{}", escape(event.description)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines
        .iter()
        .map(|line| fold(line))
        .collect::<Vec<_>>()
        .join("\r\n")
        + "\r\n"
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Lines longer than 75 octets continue on the next line after a space.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_calendar_entry_has_the_window_in_utc_and_escaped_text() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let text = ics(&CalendarEvent {
            uid: "inv-1@gatehouse".into(),
            summary: "Visit to Northwind Labs, Harbour Point",
            location: "Hafenstraße 12; 20457 Hamburg",
            description: &"Ask for Ada Lindqvist at reception.".repeat(4),
            starts_at: at("2026-11-25T09:30:00+01:00"),
            ends_at: at("2026-11-25T11:00:00+01:00"),
            stamp: at("2026-11-24T12:00:00Z"),
        });
        assert!(text.contains("DTSTART:20261125T083000Z\r\n"), "{text}");
        assert!(text.contains("DTEND:20261125T100000Z\r\n"), "{text}");
        assert!(
            text.contains("SUMMARY:Visit to Northwind Labs\\, Harbour Point"),
            "{text}"
        );
        assert!(
            text.contains("LOCATION:Hafenstraße 12\\; 20457 Hamburg"),
            "{text}"
        );
        assert!(text.lines().all(|l| l.len() <= 76), "folded at 75 octets");
    }
}
