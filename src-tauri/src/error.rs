//! How the kiosk's errors cross to the front end: `{code, message}`, where the code picks the
//! visitor-facing sentence from the UI's catalogue and the message is for staff and logs.

use gatehouse_kiosk::KioskError;
use serde::Serialize;

/// The stable codes the front end translates into plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Misconfigured,
    Offline,
    CloudRefused,
    NotEnrolled,
    NotShown,
    Storage,
    Invalid,
    Device,
    WrongSecret,
    StaffLocked,
    NotStaff,
    StaffSignedOut,
    NeedsCloud,
}

/// What a failed command sends to the webview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<KioskError> for CommandError {
    fn from(error: KioskError) -> Self {
        tracing::warn!(error = %error, "command failed");
        let code = match &error {
            KioskError::Config { .. } => ErrorCode::Misconfigured,
            KioskError::CloudUnreachable(_) => ErrorCode::Offline,
            KioskError::CloudRefused { .. } => ErrorCode::CloudRefused,
            KioskError::NotEnrolled => ErrorCode::NotEnrolled,
            KioskError::NotShown => ErrorCode::NotShown,
            KioskError::Store(_) | KioskError::Corrupt(_) | KioskError::Disk(_) => {
                ErrorCode::Storage
            }
            KioskError::Invalid(_) => ErrorCode::Invalid,
            KioskError::Device(_) => ErrorCode::Device,
            KioskError::WrongSecret => ErrorCode::WrongSecret,
            KioskError::StaffLocked(_) => ErrorCode::StaffLocked,
            KioskError::NotStaff(_) => ErrorCode::NotStaff,
            KioskError::StaffSignedOut => ErrorCode::StaffSignedOut,
            KioskError::NeedsCloud => ErrorCode::NeedsCloud,
        };
        Self {
            code,
            message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crossed(error: KioskError) -> serde_json::Value {
        serde_json::to_value(CommandError::from(error)).unwrap()
    }

    #[test]
    fn config_error_crosses_as_misconfigured_naming_the_setting() {
        let json = crossed(KioskError::Config {
            setting: "GATEHOUSE_CLOUD_URL",
            problem: "\"x\" is not an http(s) URL".into(),
        });
        assert_eq!(json["code"], "misconfigured");
        assert!(
            json["message"]
                .as_str()
                .unwrap()
                .contains("GATEHOUSE_CLOUD_URL")
        );
    }

    #[tokio::test]
    async fn unreachable_cloud_crosses_as_offline_without_transport_detail() {
        // A port nothing listens on: reserve one, then let it go.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let error = reqwest::get(format!("http://127.0.0.1:{port}/health"))
            .await
            .unwrap_err();
        let json = crossed(KioskError::CloudUnreachable(error));
        assert_eq!(json["code"], "offline");
        assert_eq!(json["message"], "the Gatehouse cloud cannot be reached");
    }

    #[test]
    fn cloud_refusal_crosses_with_the_clouds_own_message() {
        let json = crossed(KioskError::CloudRefused {
            status: 409,
            code: "already_checked_in".into(),
            message: "the visitor is already checked in".into(),
        });
        assert_eq!(json["code"], "cloud_refused");
        assert_eq!(
            json["message"],
            "the Gatehouse cloud answered 409: the visitor is already checked in"
        );
        assert_eq!(
            json.as_object().unwrap().len(),
            2,
            "only code and message cross"
        );
    }
}
