//! The kiosk's one HTTP client to the Gatehouse cloud.

use std::time::Duration;

use gatehouse_core::{
    InvitationId,
    staff::{KioskStaff, StaffHistory, StaffSession, StaffSignIn},
    wire::{
        EnrolledKiosk, ErrorBody, Health, KioskChanges, KioskDirectory, KioskDoors,
        KioskEnrollment, KioskEventBatch, KioskEventResults, KioskInvitation,
        KioskReceptionRequest, KioskWalkIn, VisitDocument,
    },
};
use reqwest::Url;

use crate::KioskError;

/// How long a document upload may take (the rest of the sync has 5 s a request).
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct CloudClient {
    base: Url,
    http: reqwest::Client,
}

impl CloudClient {
    pub fn new(base: Url) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            // The cloud closes a connection that sends nothing for 20 s; let go of it first,
            // never sending on one it is closing.
            .pool_idle_timeout(Duration::from_secs(15))
            .user_agent(concat!("gatehouse-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client's fixed settings are valid");
        Self { base, http }
    }

    pub async fn enroll(&self, code: &str) -> Result<EnrolledKiosk, KioskError> {
        let request = self
            .http
            .post(self.url("api/v1/kiosks/enroll"))
            .json(&KioskEnrollment {
                code: code.to_owned(),
            });
        answer(request.send().await).await
    }

    /// The next page of the change feed after `after`; the kiosk says how many of its reports
    /// wait to be sent (`waiting`), for the facility manager's Kiosks page.
    pub async fn changes(
        &self,
        token: &str,
        after: Option<&str>,
        waiting: Option<i64>,
    ) -> Result<KioskChanges, KioskError> {
        let mut request = self
            .http
            .get(self.url("api/v1/kiosk/changes"))
            .bearer_auth(token);
        if let Some(waiting) = waiting {
            request = request.header("Gatehouse-Outbox", waiting);
        }
        if let Some(after) = after {
            request = request.query(&[("after", after)]);
        }
        answer(request.send().await).await
    }

    pub async fn report(
        &self,
        token: &str,
        batch: &KioskEventBatch,
    ) -> Result<KioskEventResults, KioskError> {
        let request = self
            .http
            .post(self.url("api/v1/kiosk/events"))
            .bearer_auth(token)
            .json(batch);
        answer(request.send().await).await
    }

    /// The facility's hosts and categories, unless they are still those of `held` (the `ETag` of
    /// the copy this kiosk has): then `None`.
    pub async fn directory(
        &self,
        token: &str,
        held: Option<&str>,
    ) -> Result<Option<(String, KioskDirectory)>, KioskError> {
        self.etagged("api/v1/kiosk/directory", token, held).await
    }

    /// What the building's doors know of the facility, unless the copy with `ETag` `held` is
    /// still current (`None`).
    pub async fn doors(
        &self,
        token: &str,
        held: Option<&str>,
    ) -> Result<Option<(String, KioskDoors)>, KioskError> {
        self.etagged("api/v1/kiosk/doors", token, held).await
    }

    pub async fn walk_in(
        &self,
        token: &str,
        walk_in: &KioskWalkIn,
    ) -> Result<KioskInvitation, KioskError> {
        let request = self
            .http
            .post(self.url("api/v1/kiosk/walk-ins"))
            .bearer_auth(token)
            .json(walk_in);
        answer(request.send().await).await
    }

    /// The cloud's server-sent events for this kiosk: a `changed` event whenever its facility's
    /// invitations change. The answer streams for up to an hour; then ask again.
    pub async fn change_events(&self, token: &str) -> Result<reqwest::Response, KioskError> {
        let response = self
            .http
            .get(self.url("api/v1/kiosk/changes/stream"))
            .bearer_auth(token)
            .timeout(Duration::from_secs(3600))
            .send()
            .await
            .map_err(KioskError::CloudUnreachable)?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(refusal(response).await)
        }
    }

    /// Tells reception a visitor is at the kiosk whose invitation waits for approval.
    pub async fn ask_reception(
        &self,
        token: &str,
        invitation: InvitationId,
    ) -> Result<(), KioskError> {
        let response = self
            .http
            .post(self.url("api/v1/kiosk/reception"))
            .bearer_auth(token)
            .json(&KioskReceptionRequest { invitation })
            .send()
            .await;
        accepted(response).await
    }

    /// Sends a visit's signed NDA or photo.
    pub async fn send_document(
        &self,
        token: &str,
        invitation: InvitationId,
        kind: VisitDocument,
        content: Vec<u8>,
    ) -> Result<(), KioskError> {
        let request = self
            .http
            .put(self.url(&format!(
                "api/v1/kiosk/documents/{invitation}/{}",
                kind.as_str()
            )))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, kind.content_type())
            // Up to 2 MiB over a lobby's Wi-Fi: longer than a request of the sync.
            .timeout(UPLOAD_TIMEOUT)
            .body(content);
        accepted(request.send().await).await
    }

    /// Signs a person in at this kiosk: a session as them.
    pub async fn staff_sign_in(
        &self,
        token: &str,
        request: &StaffSignIn,
    ) -> Result<StaffSession, KioskError> {
        let request = self
            .http
            .post(self.url("api/v1/kiosk/staff/sessions"))
            .bearer_auth(token)
            .json(request);
        answer(request.send().await).await
    }

    /// Ends a person's session (`staff_token`), signed in to here.
    pub async fn sign_out(&self, staff_token: &str) -> Result<(), KioskError> {
        let response = self
            .http
            .delete(self.url("api/v1/sessions/current"))
            .bearer_auth(staff_token)
            .send()
            .await
            .map_err(KioskError::CloudUnreachable)?;
        // Already over (expired, or the kiosk was revoked): nothing more to end.
        if response.status().is_success() || response.status() == reqwest::StatusCode::UNAUTHORIZED
        {
            Ok(())
        } else {
            Err(refusal(response).await)
        }
    }

    /// The PINs of the people who admit visitors here, unless still those of `held`.
    pub async fn staff(
        &self,
        token: &str,
        held: Option<&str>,
    ) -> Result<Option<(String, KioskStaff)>, KioskError> {
        self.etagged("api/v1/kiosk/staff", token, held).await
    }

    pub async fn send_staff_history(
        &self,
        token: &str,
        history: &StaffHistory,
    ) -> Result<(), KioskError> {
        let response = self
            .http
            .post(self.url("api/v1/kiosk/staff/history"))
            .bearer_auth(token)
            .json(history)
            .send()
            .await;
        accepted(response).await
    }

    /// A staff task as the signed-in person (`staff_token`): `method path` with an optional
    /// JSON body, its JSON answer.
    pub async fn as_staff<T: serde::de::DeserializeOwned>(
        &self,
        staff_token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, KioskError> {
        answer(
            self.staff_request(staff_token, method, path, body)
                .send()
                .await,
        )
        .await
    }

    /// [`Self::as_staff`], for a request the cloud answers without a body.
    pub async fn as_staff_done(
        &self,
        staff_token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<(), KioskError> {
        accepted(
            self.staff_request(staff_token, method, path, body)
                .send()
                .await,
        )
        .await
    }

    fn staff_request(
        &self,
        staff_token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> reqwest::RequestBuilder {
        let request = self
            .http
            .request(method, self.url(path))
            .bearer_auth(staff_token);
        match body {
            Some(body) => request.json(body),
            None => request,
        }
    }

    /// `path`'s JSON and `ETag`, unless the kiosk holds it already (`held`): then `None`.
    async fn etagged<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        held: Option<&str>,
    ) -> Result<Option<(String, T)>, KioskError> {
        let mut request = self.http.get(self.url(path)).bearer_auth(token);
        if let Some(etag) = held {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        let response = request.send().await.map_err(KioskError::CloudUnreachable)?;
        if response.status() == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let etag = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let value = answer(Ok(response)).await?;
        Ok(Some((etag, value)))
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).expect("a fixed relative path joins")
    }

    /// The cloud's health; a 503 is an answer too (up, but its database is not).
    pub async fn health(&self) -> Result<Health, KioskError> {
        let sent = self.http.get(self.url("health")).send().await;
        answer_also(sent, reqwest::StatusCode::SERVICE_UNAVAILABLE).await
    }
}

/// The JSON of a successful answer, or the cloud's `{code, message}` as an error.
async fn answer<T: serde::de::DeserializeOwned>(
    sent: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, KioskError> {
    answer_also(sent, reqwest::StatusCode::OK).await
}

/// [`answer`], also reading the body of a `status` answer as a result.
async fn answer_also<T: serde::de::DeserializeOwned>(
    sent: Result<reqwest::Response, reqwest::Error>,
    status_with_body: reqwest::StatusCode,
) -> Result<T, KioskError> {
    let response = sent.map_err(KioskError::CloudUnreachable)?;
    let status = response.status();
    if status.is_success() || status == status_with_body {
        return response.json().await.map_err(KioskError::CloudUnreachable);
    }
    Err(refusal(response).await)
}

/// `Ok` for an answer without a body the kiosk needs, or the cloud's refusal.
async fn accepted(sent: Result<reqwest::Response, reqwest::Error>) -> Result<(), KioskError> {
    let response = sent.map_err(KioskError::CloudUnreachable)?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(refusal(response).await)
    }
}

/// The cloud's `{code, message}` of a refused request, as an error.
async fn refusal(response: reqwest::Response) -> KioskError {
    let status = response.status();
    let body: Option<ErrorBody> = response.json().await.ok();
    KioskError::CloudRefused {
        status: status.as_u16(),
        code: body.as_ref().map(|b| b.code.clone()).unwrap_or_default(),
        message: body.map_or_else(|| status.to_string(), |b| b.message),
    }
}
