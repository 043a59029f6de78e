//! Door scans as the building reports them, stored once each, and read back as a visit's
//! timeline and the facility's muster list.

use chrono::{DateTime, TimeDelta, Utc};
use gatehouse_core::{FacilityId, InvitationId};
use uuid::Uuid;

use super::{StoreError, on_pool};
use crate::Database;

/// A door scan to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDoorEvent {
    pub id: Uuid,
    pub facility: FacilityId,
    /// Who reported it: `gatehouse` (its own door check), `api`, `webhook`, `unifi`, `verkada`.
    pub source: &'static str,
    /// The reporting system's own id of the event: the same id twice is one event.
    pub source_event_id: String,
    pub visit: Option<InvitationId>,
    /// Who the system named, when the scan is not a visit's.
    pub person: Option<String>,
    pub door: String,
    pub zone: Option<String>,
    pub granted: bool,
    pub direction: Option<Direction>,
    pub happened_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    /// The event as received.
    pub raw: String,
}

pub use gatehouse_core::wire::Direction;

/// A stored scan, as a timeline or muster list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoorScan {
    pub door: String,
    pub zone: Option<String>,
    pub granted: bool,
    pub direction: Option<Direction>,
    pub at: DateTime<Utc>,
    pub source: String,
}

/// Someone inside, by the muster list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inside {
    pub visit: Option<InvitationId>,
    pub name: String,
    pub company: String,
    /// The visit's category; `None` for the building's own people.
    pub category: Option<String>,
    pub host: Option<String>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub last_scan: Option<DoorScan>,
}

type ScanColumns = (
    Option<String>,
    Option<String>,
    Option<bool>,
    Option<String>,
    Option<DateTime<Utc>>,
    Option<String>,
);

fn scan((door, zone, granted, direction, at, source): ScanColumns) -> Option<DoorScan> {
    Some(DoorScan {
        door: door?,
        zone,
        granted: granted?,
        direction: direction.as_deref().and_then(Direction::from_name),
        at: at?,
        source: source?,
    })
}

/// Of the events just stored (`stored`), each holder's newest: what `last_scans` keeps.
fn newest_per_holder<'a>(
    events: &'a [NewDoorEvent],
    stored: &[Uuid],
) -> Vec<(String, &'a NewDoorEvent)> {
    let stored: std::collections::HashSet<&Uuid> = stored.iter().collect();
    let mut newest: std::collections::BTreeMap<String, &NewDoorEvent> =
        std::collections::BTreeMap::new();
    for event in events.iter().filter(|event| stored.contains(&event.id)) {
        let holder = match (&event.visit, &event.person) {
            (Some(visit), _) => format!("visit:{visit}"),
            (None, Some(person)) => format!("person:{person}"),
            (None, None) => continue,
        };
        let entry = newest.entry(holder).or_insert(event);
        if event.happened_at >= entry.happened_at {
            *entry = event;
        }
    }
    newest.into_iter().collect()
}

/// The scans, then each holder's newest of those that were new, in one transaction.
async fn insert_on_sqlite(
    pool: &sqlx::SqlitePool,
    chunk: &[NewDoorEvent],
) -> Result<Vec<Uuid>, StoreError> {
    let mut tx = pool.begin().await?;
    let mut insert = sqlx::QueryBuilder::new(
        "INSERT INTO door_events (id, facility_id, source, source_event_id, invitation_id, \
           person, door, zone_id, granted, direction, happened_at, received_at, raw) ",
    );
    insert.push_values(chunk, |mut row, event| {
        row.push_bind(event.id)
            .push_bind(event.facility.0)
            .push_bind(event.source)
            .push_bind(event.source_event_id.clone())
            .push_bind(event.visit.map(|visit| visit.0))
            .push_bind(event.person.clone())
            .push_bind(event.door.clone())
            .push_bind(event.zone.clone())
            .push_bind(event.granted)
            .push_bind(event.direction.map(Direction::as_str))
            .push_bind(event.happened_at)
            .push_bind(event.received_at)
            .push_bind(event.raw.clone());
    });
    insert.push(" ON CONFLICT (facility_id, source, source_event_id) DO NOTHING RETURNING id");
    let ids: Vec<Uuid> = insert.build_query_scalar().fetch_all(&mut *tx).await?;
    let newest = newest_per_holder(chunk, &ids);
    if !newest.is_empty() {
        let mut upsert = sqlx::QueryBuilder::new(
            "INSERT INTO last_scans (facility_id, holder, invitation_id, person, door, zone_id, \
               granted, direction, happened_at, source) ",
        );
        upsert.push_values(&newest, |mut row, (holder, event)| {
            row.push_bind(event.facility.0)
                .push_bind(holder.clone())
                .push_bind(event.visit.map(|visit| visit.0))
                .push_bind(event.person.clone())
                .push_bind(event.door.clone())
                .push_bind(event.zone.clone())
                .push_bind(event.granted)
                .push_bind(event.direction.map(Direction::as_str))
                .push_bind(event.happened_at)
                .push_bind(event.source);
        });
        upsert.push(LAST_SCAN_WINS);
        upsert.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(ids)
}

/// A holder's stored last scan gives way only to a newer one.
const LAST_SCAN_WINS: &str = " ON CONFLICT (facility_id, holder) DO UPDATE SET \
    door = excluded.door, zone_id = excluded.zone_id, granted = excluded.granted, \
    direction = excluded.direction, happened_at = excluded.happened_at, source = excluded.source \
    WHERE excluded.happened_at >= last_scans.happened_at";

/// The same as one statement of arrays: one round trip, and one statement text whatever the
/// batch's size, so PostgreSQL plans it once (a `VALUES` list of each length is a statement of
/// its own) — what makes ingest over TCP keep up.
async fn insert_on_postgres(
    pool: &sqlx::PgPool,
    chunk: &[NewDoorEvent],
) -> Result<Vec<Uuid>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "WITH stored AS ( \
           INSERT INTO door_events (id, facility_id, source, source_event_id, invitation_id, \
             person, door, zone_id, granted, direction, happened_at, received_at, raw) \
           SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], \
             $6::text[], $7::text[], $8::text[], $9::bool[], $10::text[], $11::timestamptz[], \
             $12::timestamptz[], $13::text[]) \
           ON CONFLICT (facility_id, source, source_event_id) DO NOTHING \
           RETURNING id, facility_id, source, invitation_id, person, door, zone_id, granted, \
             direction, happened_at \
         ), held AS ( \
           SELECT *, CASE WHEN invitation_id IS NOT NULL THEN 'visit:' || invitation_id::text \
             ELSE 'person:' || person END AS holder \
           FROM stored WHERE invitation_id IS NOT NULL OR person IS NOT NULL \
         ), newest AS ( \
           INSERT INTO last_scans (facility_id, holder, invitation_id, person, door, zone_id, \
             granted, direction, happened_at, source) \
           SELECT DISTINCT ON (facility_id, holder) facility_id, holder, invitation_id, person, \
             door, zone_id, granted, direction, happened_at, source \
           FROM held ORDER BY facility_id, holder, happened_at DESC \
           {LAST_SCAN_WINS} \
         ) \
         SELECT id FROM stored"
    ));
    let column = |f: fn(&NewDoorEvent) -> Option<String>| chunk.iter().map(f).collect::<Vec<_>>();
    Ok(sqlx::query_scalar(sql)
        .bind(chunk.iter().map(|event| event.id).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|event| event.facility.0)
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|event| event.source).collect::<Vec<_>>())
        .bind(column(|event| Some(event.source_event_id.clone())))
        .bind(
            chunk
                .iter()
                .map(|event| event.visit.map(|visit| visit.0))
                .collect::<Vec<_>>(),
        )
        .bind(column(|event| event.person.clone()))
        .bind(column(|event| Some(event.door.clone())))
        .bind(column(|event| event.zone.clone()))
        .bind(chunk.iter().map(|event| event.granted).collect::<Vec<_>>())
        .bind(column(|event| {
            event.direction.map(|d| d.as_str().to_owned())
        }))
        .bind(
            chunk
                .iter()
                .map(|event| event.happened_at)
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|event| event.received_at)
                .collect::<Vec<_>>(),
        )
        .bind(column(|event| Some(event.raw.clone())))
        .fetch_all(pool)
        .await?)
}

impl Database {
    /// Stores `events` (each batch of them atomically); for each, whether it was new (`false`:
    /// the system reported it before, and nothing changed).
    pub async fn insert_door_events(
        &self,
        events: &[NewDoorEvent],
    ) -> Result<Vec<bool>, StoreError> {
        let mut stored = std::collections::HashSet::new();
        // SQLite takes at most 32,766 parameters in a statement: 13 a row.
        for chunk in events.chunks(2000) {
            let ids = match self {
                Self::Sqlite(pool) => insert_on_sqlite(pool, chunk).await?,
                Self::Postgres(pool) => insert_on_postgres(pool, chunk).await?,
            };
            stored.extend(ids);
        }
        Ok(events
            .iter()
            .map(|event| stored.contains(&event.id))
            .collect())
    }

    /// A visit's door scans, in the order they happened.
    pub async fn visit_door_scans(&self, visit: InvitationId) -> Result<Vec<DoorScan>, StoreError> {
        let rows: Vec<ScanColumns> = on_pool!(self, pool => sqlx::query_as(
            "SELECT door, zone_id, granted, direction, happened_at, source FROM door_events \
             WHERE invitation_id = $1 ORDER BY happened_at, id",
        )
        .bind(visit.0)
        .fetch_all(pool)
        .await?);
        Ok(rows.into_iter().filter_map(scan).collect())
    }

    /// Everyone inside `facility`: each visitor checked in and not out, with their last door
    /// scan; then each of the building's own people whose last scan since `since` let them in.
    pub async fn muster(
        &self,
        facility: FacilityId,
        since: DateTime<Utc>,
    ) -> Result<Vec<Inside>, StoreError> {
        type Row = (
            Uuid,
            String,
            String,
            String,
            Option<String>,
            Option<DateTime<Utc>>,
            Option<String>,
            Option<String>,
            Option<bool>,
            Option<String>,
            Option<DateTime<Utc>>,
            Option<String>,
        );
        type PersonRow = (
            String,
            Option<String>,
            Option<String>,
            Option<bool>,
            Option<String>,
            Option<DateTime<Utc>>,
            Option<String>,
        );
        let visitors: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT i.id, i.visitor_name, i.visitor_company, i.category, u.display_name, i.checked_in_at, \
               e.door, e.zone_id, e.granted, e.direction, e.happened_at, e.source \
             FROM invitations i \
             LEFT JOIN users u ON u.id = i.host_id \
             LEFT JOIN last_scans e ON e.invitation_id = i.id \
             WHERE i.facility_id = $1 AND i.visit_status = 'checked_in' \
             ORDER BY i.visitor_name, i.id",
        )
        .bind(facility.0)
        .fetch_all(pool)
        .await?);
        let people: Vec<PersonRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT person, door, zone_id, granted, direction, happened_at, source \
             FROM last_scans \
             WHERE facility_id = $1 AND person IS NOT NULL AND happened_at >= $2 \
             ORDER BY person",
        )
        .bind(facility.0)
        .bind(since)
        .fetch_all(pool)
        .await?);
        let mut inside: Vec<Inside> = visitors
            .into_iter()
            .map(
                |(
                    id,
                    name,
                    company,
                    category,
                    host,
                    checked_in_at,
                    door,
                    zone,
                    granted,
                    direction,
                    at,
                    source,
                )| {
                    Inside {
                        visit: Some(InvitationId(id)),
                        name,
                        company,
                        category: Some(category),
                        host,
                        checked_in_at,
                        last_scan: scan((door, zone, granted, direction, at, source)),
                    }
                },
            )
            .collect();
        inside.extend(people.into_iter().filter_map(
            |(person, door, zone, granted, direction, at, source)| {
                let last = scan((door, zone, granted, direction, at, source))?;
                // Out through a door is out; anything else leaves them inside.
                (last.direction != Some(Direction::Out)).then(|| Inside {
                    visit: None,
                    name: person,
                    company: String::new(),
                    category: None,
                    host: None,
                    checked_in_at: None,
                    last_scan: Some(last),
                })
            },
        ));
        Ok(inside)
    }
}

impl Database {
    /// Where a visit's check-ins and check-outs happened: each applied kiosk report's kind
    /// (`check_in`, `check_out`), time and kiosk name.
    pub async fn visit_kiosk_places(
        &self,
        visit: InvitationId,
    ) -> Result<Vec<(String, DateTime<Utc>, String)>, StoreError> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT e.kind, e.happened_at, k.name FROM kiosk_events e \
             JOIN kiosks k ON k.id = e.kiosk_id \
             WHERE e.invitation_id = $1 AND e.outcome = 'applied' ORDER BY e.happened_at",
        )
        .bind(visit.0)
        .fetch_all(pool)
        .await?))
    }

    /// Whether a scan of the visit (or the person) at `door`, granted or not alike, is stored
    /// within `within` of `at` — how a system-log hit is known to be a webhook's scan again.
    #[expect(clippy::too_many_arguments, reason = "one scan's fields")]
    pub async fn door_scan_near(
        &self,
        facility: FacilityId,
        visit: Option<InvitationId>,
        person: Option<&str>,
        door: &str,
        granted: bool,
        at: DateTime<Utc>,
        within: TimeDelta,
    ) -> Result<bool, StoreError> {
        let found: Option<i32> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT 1 FROM door_events WHERE facility_id = $1 AND door = $2 AND granted = $3 \
               AND happened_at >= $4 AND happened_at <= $5 \
               AND (invitation_id = $6 OR person = $7) LIMIT 1",
        )
        .bind(facility.0)
        .bind(door)
        .bind(granted)
        .bind(at - within)
        .bind(at + within)
        .bind(visit.map(|visit| visit.0))
        .bind(person)
        .fetch_optional(pool)
        .await?);
        Ok(found.is_some())
    }
}
