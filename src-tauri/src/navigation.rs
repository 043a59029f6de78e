//! The kiosk's webview shows the kiosk's own page and nothing else: every navigation away from
//! it (a link in an NDA text, a stray `location.href`, another page of the bundle such as the
//! portal's sign-in) is refused.

use tauri::{Runtime, Url, plugin::TauriPlugin};

pub fn only_the_kiosk_itself<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_, url| {
            let allowed = is_the_kiosk_itself(url);
            if !allowed {
                tracing::warn!(%url, "refused navigation away from the kiosk");
            }
            allowed
        })
        .build()
}

/// The bundled front end is served as `tauri://localhost` (Linux, macOS) or
/// `http(s)://tauri.localhost` (Windows); the kiosk is its `index.html`.
fn is_the_kiosk_itself(url: &Url) -> bool {
    let bundled = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    };
    // `tauri://localhost` itself has an empty path.
    bundled && matches!(url.path(), "" | "/" | "/index.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kiosk_pages_are_allowed_and_everything_else_refused() {
        for (url, allowed) in [
            ("tauri://localhost/index.html", true),
            ("tauri://localhost/", true),
            ("tauri://localhost", true),
            ("http://tauri.localhost/", true),
            ("tauri://localhost/portal.html", false),
            ("tauri://localhost/portal.html#/sign-in", false),
            ("tauri://localhost/assets/index.js", false),
            ("https://example.com/", false),
            ("http://127.0.0.1:8080/portal", false),
            ("file:///etc/passwd", false),
            ("tauri://evil.example/", false),
            ("javascript:alert(1)", false),
        ] {
            assert_eq!(
                is_the_kiosk_itself(&Url::parse(url).unwrap()),
                allowed,
                "{url}"
            );
        }
    }
}
