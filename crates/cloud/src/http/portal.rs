//! The review portal's web pages: `portal.html` for every path under `/portal` (the page routes
//! itself), `guest.html` for a guest's pre-registration at `/guest/<code>`, their scripts and
//! styles under `/assets`, behind a strict content security policy.

use std::path::Path;

use axum::{
    Router,
    http::{HeaderValue, header},
    response::Redirect,
    routing::get,
};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

pub fn portal<S: Clone + Send + Sync + 'static>(ui_dir: &Path) -> Router<S> {
    let page = ServeFile::new(ui_dir.join("portal.html"));
    let guest = ServeFile::new(ui_dir.join("guest.html"));
    Router::new()
        .route("/", get(|| async { Redirect::to("/portal") }))
        .route_service("/portal", page.clone())
        .route_service("/portal/{*path}", page)
        .route_service("/guest/{code}", guest)
        .nest_service("/assets", ServeDir::new(ui_dir.join("assets")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}
