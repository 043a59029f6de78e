//! People, their roles, and the tokens they sign in with.

use chrono::{DateTime, Utc};
use gatehouse_core::{
    Actor, Email, FacilityId, Grant, Language, OccupancyId, PermissionSet, Role, RoleId, RoleScope,
    UserId, access::Member, role::RoleName,
};
use serde::Serialize;
use uuid::Uuid;

use super::{StoreError, on_pool};
use crate::Database;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    pub facility_id: FacilityId,
    /// `None` for the facility's own staff.
    pub occupancy_id: Option<OccupancyId>,
    pub display_name: String,
    pub email: Email,
    /// The language they read Gatehouse's emails in.
    pub language: Language,
}

impl User {
    pub fn member(&self) -> Member {
        Member {
            user: self.id,
            facility: self.facility_id,
            occupancy: self.occupancy_id,
        }
    }
}

#[derive(Debug)]
pub struct NewUser<'a> {
    pub facility: FacilityId,
    pub occupancy: Option<OccupancyId>,
    pub display_name: &'a str,
    pub email: &'a Email,
    /// An argon2 hash, or `None` for a person who cannot sign in yet.
    pub password_hash: Option<String>,
    pub language: Language,
}

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: Uuid,
    facility_id: Uuid,
    occupancy_id: Option<Uuid>,
    display_name: String,
    email: String,
    language: String,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        Ok(Self {
            email: Email::parse(&row.email)
                .map_err(|_| StoreError::Corrupt(format!("user {}: email", row.id)))?,
            language: Language::from_code(&row.language)
                .ok_or_else(|| StoreError::Corrupt(format!("user {}: language", row.id)))?,
            id: row.id.into(),
            facility_id: row.facility_id.into(),
            occupancy_id: row.occupancy_id.map(Into::into),
            display_name: row.display_name,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    id: Uuid,
    facility_id: Uuid,
    occupancy_id: Option<Uuid>,
    name: String,
    permissions: i64,
}

impl TryFrom<RoleRow> for Role {
    type Error = StoreError;

    fn try_from(row: RoleRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("role {}: {what}", row.id));
        Ok(Self {
            id: row.id.into(),
            name: RoleName::parse(&row.name).map_err(|_| corrupt("name"))?,
            scope: row
                .occupancy_id
                .map_or(RoleScope::Facility(row.facility_id.into()), |o| {
                    RoleScope::Occupancy(o.into())
                }),
            permissions: PermissionSet::from_bits(row.permissions)
                .ok_or_else(|| corrupt("permissions"))?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: Uuid,
    facility_id: Uuid,
    occupancy_id: Option<Uuid>,
    display_name: String,
    email: String,
    language: String,
    expires_at: Option<DateTime<Utc>>,
    kind: String,
    at_kiosk: bool,
    role_facility: Option<Uuid>,
    role_occupancy: Option<Uuid>,
    permissions: Option<i64>,
}

/// A signed-in person as their token resolves: who they are, what their roles grant, and until
/// when the token is good.
#[derive(Debug, Clone)]
pub struct StoredSession {
    pub user: User,
    pub actor: Actor,
    pub expires_at: Option<DateTime<Utc>>,
    /// A portal session (`session`) or an integration's API token (`api`).
    pub kind: String,
    /// Signed in to at a kiosk (it ends with the kiosk).
    pub at_kiosk: bool,
}

/// Hash, owner, name, created, expires.
type ApiTokenRow = (
    Vec<u8>,
    Uuid,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

/// An API token as stored: its hash, never its secret.
#[derive(Debug, Clone)]
pub struct StoredApiToken {
    pub hash: Vec<u8>,
    pub user: UserId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// One role's grant, from its stored scope and permission bits.
fn grant(facility: Uuid, occupancy: Option<Uuid>, bits: i64) -> Result<Grant, StoreError> {
    Ok(Grant {
        scope: occupancy.map_or(RoleScope::Facility(facility.into()), |o| {
            RoleScope::Occupancy(o.into())
        }),
        permissions: PermissionSet::from_bits(bits)
            .ok_or_else(|| StoreError::Corrupt("role permissions".into()))?,
    })
}

pub(super) const USER_COLUMNS: &str =
    "id, facility_id, occupancy_id, display_name, email, language";
const ROLE_COLUMNS: &str = "id, facility_id, occupancy_id, name, permissions";

impl Database {
    pub async fn create_user(
        &self,
        new: NewUser<'_>,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        let id = Uuid::now_v7();
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO users (id, facility_id, occupancy_id, display_name, email, password_hash, \
               language, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(new.facility.0)
        .bind(new.occupancy.map(|o| o.0))
        .bind(new.display_name)
        .bind(new.email.as_str())
        .bind(new.password_hash)
        .bind(new.language.code())
        .bind(now)
        .execute(pool)
        .await
        .map_err(StoreError::unique("a person with that email"))?.rows_affected());
        Ok(User {
            id: id.into(),
            facility_id: new.facility,
            occupancy_id: new.occupancy,
            display_name: new.display_name.to_owned(),
            email: new.email.clone(),
            language: new.language,
        })
    }

    /// Sets the language `user` reads Gatehouse's emails in.
    pub async fn set_language(&self, user: UserId, language: Language) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("UPDATE users SET language = $2 WHERE id = $1")
            .bind(user.0)
            .bind(language.code())
            .execute(pool)
            .await?.rows_affected());
        Ok(())
    }

    pub async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row: Option<UserRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        row.map(User::try_from).transpose()
    }

    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let sql =
            format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1 AND deactivated_at IS NULL");
        let row: Option<UserRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(email.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(User::try_from).transpose()
    }

    /// The people of a facility, optionally of one occupancy, by name.
    pub async fn users(
        &self,
        facility: FacilityId,
        occupancy: Option<OccupancyId>,
    ) -> Result<Vec<User>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE facility_id = $1 \
             AND ($2 IS NULL OR occupancy_id = $2) AND deactivated_at IS NULL ORDER BY display_name"
        );
        let rows: Vec<UserRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(facility.0)
            .bind(occupancy.map(|o| o.0))
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(User::try_from).collect()
    }

    pub async fn password_hash(&self, user: UserId) -> Result<Option<String>, StoreError> {
        let hash: Option<Option<String>> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT password_hash FROM users WHERE id = $1",
        )
        .bind(user.0)
        .fetch_optional(pool)
        .await?);
        Ok(hash.flatten())
    }

    pub async fn set_password_hash(&self, user: UserId, hash: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user.0)
            .execute(pool)
            .await?.rows_affected());
        Ok(())
    }

    pub async fn create_role(
        &self,
        facility: FacilityId,
        name: &RoleName,
        scope: RoleScope,
        permissions: PermissionSet,
        created_by: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<Role, StoreError> {
        let id = Uuid::now_v7();
        let occupancy = match scope {
            RoleScope::Occupancy(o) => Some(o.0),
            RoleScope::Facility(_) => None,
        };
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO roles (id, facility_id, occupancy_id, name, permissions, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(facility.0)
        .bind(occupancy)
        .bind(name.as_str())
        .bind(permissions.bits())
        .bind(created_by.map(|u| u.0))
        .bind(now)
        .execute(pool)
        .await?.rows_affected());
        Ok(Role {
            id: id.into(),
            name: name.clone(),
            scope,
            permissions,
        })
    }

    pub async fn role(&self, id: RoleId) -> Result<Option<(FacilityId, Role)>, StoreError> {
        let sql = format!("SELECT {ROLE_COLUMNS} FROM roles WHERE id = $1");
        let row: Option<RoleRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        row.map(|row| {
            let facility = row.facility_id.into();
            Role::try_from(row).map(|role| (facility, role))
        })
        .transpose()
    }

    pub async fn roles(&self, facility: FacilityId) -> Result<Vec<Role>, StoreError> {
        let sql = format!("SELECT {ROLE_COLUMNS} FROM roles WHERE facility_id = $1 ORDER BY name");
        let rows: Vec<RoleRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(facility.0)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(Role::try_from).collect()
    }

    /// Gives `user` the role; giving it twice changes nothing.
    pub async fn assign_role(
        &self,
        user: UserId,
        role: RoleId,
        granted_by: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO user_roles (user_id, role_id, granted_by, granted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, role_id) DO NOTHING",
        )
        .bind(user.0)
        .bind(role.0)
        .bind(granted_by.map(|u| u.0))
        .bind(now)
        .execute(pool)
        .await?.rows_affected());
        Ok(())
    }

    /// Takes the role away from `user`; whether they held it.
    pub async fn remove_role(&self, user: UserId, role: RoleId) -> Result<bool, StoreError> {
        let removed = on_pool!(self, pool => sqlx::query(
            "DELETE FROM user_roles WHERE user_id = $1 AND role_id = $2",
        )
        .bind(user.0)
        .bind(role.0)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(removed == 1)
    }

    /// Deactivates `user`: no more sign-ins, and every session and API token of theirs is
    /// deleted in the same transaction. Deactivating twice changes nothing.
    pub async fn deactivate(&self, user: UserId, now: DateTime<Utc>) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE users SET deactivated_at = $1 WHERE id = $2 AND deactivated_at IS NULL")
                .bind(now)
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM access_tokens WHERE user_id = $1")
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The API tokens of `user`, or of everyone in `facility`, newest first.
    pub async fn api_tokens(
        &self,
        facility: FacilityId,
        user: Option<UserId>,
    ) -> Result<Vec<StoredApiToken>, StoreError> {
        let rows: Vec<ApiTokenRow> = on_pool!(self, pool => sqlx::query_as(
                "SELECT t.token_hash, t.user_id, t.name, t.created_at, t.expires_at \
                 FROM access_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.kind = 'api' AND u.facility_id = $1 AND ($2 IS NULL OR t.user_id = $2) \
                 ORDER BY t.created_at DESC",
            )
            .bind(facility.0)
            .bind(user.map(|u| u.0))
            .fetch_all(pool)
            .await?);
        Ok(rows
            .into_iter()
            .map(
                |(hash, user, name, created_at, expires_at)| StoredApiToken {
                    hash,
                    user: user.into(),
                    name: name.unwrap_or_default(),
                    created_at,
                    expires_at,
                },
            )
            .collect())
    }

    /// The person as the rules see them: where they belong and what each of their roles grants.
    pub async fn actor(&self, user: &User) -> Result<Actor, StoreError> {
        let rows: Vec<(Uuid, Option<Uuid>, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT r.facility_id, r.occupancy_id, r.permissions FROM user_roles ur \
             JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1",
        )
        .bind(user.id.0)
        .fetch_all(pool)
        .await?);
        let grants = rows
            .into_iter()
            .map(|(facility, occupancy, bits)| grant(facility, occupancy, bits))
            .collect::<Result<_, StoreError>>()?;
        Ok(Actor {
            user: user.id,
            facility: user.facility_id,
            occupancy: user.occupancy_id,
            grants,
        })
    }

    pub async fn store_access_token(
        &self,
        token_hash: &[u8],
        user: UserId,
        kind: &str,
        name: Option<&str>,
        now: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO access_tokens (token_hash, user_id, kind, name, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(kind)
        .bind(name)
        .bind(now)
        .bind(expires_at)
        .execute(pool)
        .await?.rows_affected());
        Ok(())
    }

    /// The person a token belongs to, with what their roles grant, if the token exists and has
    /// not expired — in one query, since every authenticated request asks.
    pub async fn session(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<StoredSession>, StoreError> {
        let rows: Vec<SessionRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT u.id, u.facility_id, u.occupancy_id, u.display_name, u.email, u.language, \
               t.expires_at, t.kind, t.kiosk_id IS NOT NULL AS at_kiosk, \
               r.facility_id AS role_facility, r.occupancy_id AS role_occupancy, r.permissions \
             FROM access_tokens t JOIN users u ON u.id = t.user_id \
             LEFT JOIN user_roles ur ON ur.user_id = u.id LEFT JOIN roles r ON r.id = ur.role_id \
             WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2) \
               AND u.deactivated_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_all(pool)
        .await?);
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let user = User::try_from(UserRow {
            id: first.id,
            facility_id: first.facility_id,
            occupancy_id: first.occupancy_id,
            display_name: first.display_name.clone(),
            email: first.email.clone(),
            language: first.language.clone(),
        })?;
        let grants = rows
            .iter()
            .filter_map(|row| Some((row.role_facility?, row.role_occupancy, row.permissions?)))
            .map(|(facility, occupancy, bits)| grant(facility, occupancy, bits))
            .collect::<Result<_, _>>()?;
        let actor = Actor {
            user: user.id,
            facility: user.facility_id,
            occupancy: user.occupancy_id,
            grants,
        };
        Ok(Some(StoredSession {
            user,
            actor,
            expires_at: first.expires_at,
            kind: first.kind.clone(),
            at_kiosk: first.at_kiosk,
        }))
    }

    pub async fn revoke_access_token(&self, token_hash: &[u8]) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("DELETE FROM access_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .execute(pool)
            .await?.rows_affected());
        Ok(())
    }
}
