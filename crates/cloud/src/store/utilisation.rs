//! What the utilisation report reads: visits checked in within a period, when each ended, and
//! the doors that let them through — ids, categories, zones and times, no names.

use chrono::{DateTime, Utc};
use gatehouse_core::{CategoryKind, FacilityId};
use uuid::Uuid;

use super::{StoreError, on_pool};
use crate::{
    Database,
    utilisation::{Passage, VisitSpan},
};

impl Database {
    /// The facility's visits checked in within `[start, end)` — ended at their check-out, or
    /// now while still inside, or their window's end — and their granted door scans.
    pub async fn visit_spans(
        &self,
        facility: FacilityId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(Vec<VisitSpan>, Vec<Passage>), StoreError> {
        type VisitRow = (
            Uuid,
            String,
            DateTime<Utc>,
            DateTime<Utc>,
            String,
            Option<DateTime<Utc>>,
        );
        type PassageRow = (Uuid, Option<String>, DateTime<Utc>);
        let (visits, passages): (Vec<VisitRow>, Vec<PassageRow>) = on_pool!(self, pool => {
            let visits = sqlx::query_as(
                "SELECT i.id, i.category, i.checked_in_at, i.ends_at, i.visit_status, \
                   (SELECT MAX(e.at) FROM invitation_events e \
                    WHERE e.invitation_id = i.id AND e.action LIKE 'checked_out%') \
                 FROM invitations i \
                 WHERE i.facility_id = $1 AND i.checked_in_at >= $2 AND i.checked_in_at < $3 \
                 ORDER BY i.checked_in_at, i.id",
            )
            .bind(facility.0)
            .bind(start)
            .bind(end)
            .fetch_all(pool)
            .await?;
            let passages = sqlx::query_as(
                "SELECT d.invitation_id, d.zone_id, d.happened_at FROM door_events d \
                 JOIN invitations i ON i.id = d.invitation_id \
                 WHERE i.facility_id = $1 AND i.checked_in_at >= $2 AND i.checked_in_at < $3 \
                   AND d.granted ORDER BY d.happened_at",
            )
            .bind(facility.0)
            .bind(start)
            .bind(end)
            .fetch_all(pool)
            .await?;
            (visits, passages)
        });
        let visits = visits
            .into_iter()
            .map(
                |(id, category, checked_in_at, ends_at, status, checked_out_at)| {
                    let category = CategoryKind::from_name(&category)
                        .ok_or_else(|| StoreError::Corrupt(format!("invitation {id}: category")))?;
                    let ended_at = checked_out_at
                        .unwrap_or(if status == "checked_in" { now } else { ends_at })
                        .max(checked_in_at);
                    Ok(VisitSpan {
                        invitation: id.into(),
                        category,
                        checked_in_at,
                        ended_at,
                    })
                },
            )
            .collect::<Result<_, StoreError>>()?;
        let passages = passages
            .into_iter()
            .map(|(invitation, zone_id, at)| Passage {
                invitation: invitation.into(),
                zone_id,
                at,
            })
            .collect();
        Ok((visits, passages))
    }
}
