//! Door credentials: how many a core verifies per second, beside the bound — a bare Ed25519
//! `verify_strict` of the same bytes, measured in the same run — and what preparing one costs
//! (the policy's decision and the signature), p50 / p95 per credential.
//!
//! `cargo bench -p gatehouse-core --bench credential`

use std::{
    collections::BTreeSet,
    hint::black_box,
    time::{Duration, Instant},
};

use chrono::{TimeZone as _, Utc};
use ed25519_dalek::{Signature, Signer as _, SigningKey};
use gatehouse_core::{
    CredentialId, InvitationId, ZoneId,
    category::{AccessProfile, RequiredDocument},
    credential::{self, CredentialClaims},
    policy::{self, Credential, Visit},
};
use uuid::Uuid;

const ROUNDS: u32 = 20_000;

fn per_second(rounds: u32, took: Duration) -> f64 {
    f64::from(rounds) / took.as_secs_f64()
}

/// The `percent`th of `sorted`, nearest rank.
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    sorted[(sorted.len() - 1) * percent / 100]
}

fn main() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let public = key.verifying_key();
    let at = |hour| Utc.with_ymd_and_hms(2026, 12, 2, hour, 0, 0).unwrap();
    let zones: Vec<ZoneId> = (1..=3).map(|n| ZoneId(Uuid::from_u128(n))).collect();
    let contractor = AccessProfile {
        longest_visit_minutes: Some(480),
        documents: vec![RequiredDocument::Nda, RequiredDocument::Photo],
        zones: zones.clone(),
        early_access_minutes: 15,
        ..AccessProfile::default()
    };
    let visit = Visit {
        starts_at: at(8),
        ends_at: at(16),
        zones: None,
        escorted: false,
    };
    let handed_in: BTreeSet<RequiredDocument> =
        [RequiredDocument::Nda, RequiredDocument::Photo].into();

    // Preparing one: the policy's decision and the signature.
    let mut prepare = Vec::with_capacity(ROUNDS as usize);
    let mut token = String::new();
    for n in 0..ROUNDS {
        let started = Instant::now();
        let Credential::Active(grant) = policy::credential_for(&contractor, &visit, &handed_in)
        else {
            panic!("the contractor has every document");
        };
        let claims = CredentialClaims {
            kid: 1,
            credential: CredentialId(Uuid::from_u128(u128::from(n))),
            visit: InvitationId(Uuid::from_u128(42)),
            grant,
        };
        token = credential::sign(&claims, &key).expect("it fits");
        prepare.push(started.elapsed());
    }
    prepare.sort();

    // Verifying: Gatehouse's whole check, and the bare signature check it cannot beat.
    let now = at(12);
    let started = Instant::now();
    for _ in 0..ROUNDS {
        black_box(
            credential::verify(black_box(&token), now, |_| Some(public), |_| false).expect("valid"),
        );
    }
    let ours = per_second(ROUNDS, started.elapsed());
    let signed = token.rsplit_once('.').expect("a signed token").0.to_owned();
    let signature: Signature = key.sign(signed.as_bytes());
    let started = Instant::now();
    for _ in 0..ROUNDS {
        public
            .verify_strict(black_box(signed.as_bytes()), black_box(&signature))
            .expect("valid");
    }
    let bound = per_second(ROUNDS, started.elapsed());

    println!(
        "credential ({} characters, 3 zones), one core, {ROUNDS} rounds each",
        token.len()
    );
    println!(
        "  verify (decode, Ed25519, window):  {ours:>8.0} per second  ({:.1} µs each)",
        1e6 / ours
    );
    println!(
        "  bare Ed25519 verify_strict (bound): {bound:>8.0} per second  ({:.1} µs each)",
        1e6 / bound
    );
    println!("  ours / bound: {:.2}", ours / bound);
    println!(
        "  prepare (policy + sign): p50 {:.1} µs, p95 {:.1} µs",
        percentile(&prepare, 50).as_secs_f64() * 1e6,
        percentile(&prepare, 95).as_secs_f64() * 1e6
    );
}
