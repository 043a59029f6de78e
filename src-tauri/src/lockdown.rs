//! The kiosk's window is the whole tablet. In release builds it stays on top of everything, and
//! closing it (the window's close, Alt+F4) asks for a staff sign-in instead; in every build a web
//! process that dies — a crash, the system taking its memory — starts the kiosk again at the
//! welcome screen, so a visitor never meets a blank or frozen screen, and the page is never
//! zoomed.

use tauri::{App, Manager as _, Window, WindowEvent};

/// The event the page hears when someone tries to close the window (see `ui/src/kiosk/App.svelte`).
const CLOSE_REQUESTED: &str = "gatehouse:close-requested";

pub fn lock(app: &mut App) {
    let Some(window) = app.get_webview_window("main") else {
        tracing::error!("the kiosk has no main window to lock down");
        return;
    };
    if cfg!(not(debug_assertions))
        && let Err(error) = window.set_always_on_top(true)
    {
        tracing::warn!(%error, "the kiosk window could not be kept on top");
    }
    #[cfg(target_os = "linux")]
    {
        let handle = app.handle().clone();
        let watched = window.with_webview(move |webview| {
            use webkit2gtk::WebViewExt as _;
            let view = webview.inner();
            view.connect_web_process_terminated(move |_, reason| {
                tracing::error!(
                    ?reason,
                    "the web view's process died; starting the kiosk again"
                );
                handle.restart();
            });
            // The page blocks pinch and Ctrl+wheel zoom itself; whatever zoom still reaches
            // WebKit (a gesture it handles, a shortcut) is undone at once.
            view.connect_zoom_level_notify(|view| {
                if (view.zoom_level() - 1.0).abs() > f64::EPSILON {
                    view.set_zoom_level(1.0);
                }
            });
        });
        if let Err(error) = watched {
            tracing::warn!(%error, "the web view cannot be watched for crashes");
        }
    }
}

/// Release builds: the window is not closed from the keyboard or the window manager — staff
/// sign in first (and close the session from there, or stop the kiosk's service).
pub fn on_window_event(window: &Window, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event
        && cfg!(not(debug_assertions))
    {
        api.prevent_close();
        if let Some(webview) = window.get_webview_window(window.label())
            && let Err(error) = webview.eval(format!(
                "window.dispatchEvent(new Event('{CLOSE_REQUESTED}'))"
            ))
        {
            tracing::warn!(%error, "the page was not told of the close request");
        }
    }
}
