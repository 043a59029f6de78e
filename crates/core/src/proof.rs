//! How a visitor shows an invitation is theirs without a QR code: they type their full name,
//! and then the email address the invitation went to (or the code in it). Knowing a name is
//! never enough, and nothing here matches a fragment of one.
//!
//! The kiosk never holds visitors' email addresses: the cloud sends [`email_proof`], a digest of
//! the invitation's id and address, and the kiosk compares the digest of what was typed.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

use crate::digest::sha256_hex;

/// `text` as a visitor might type it on any keyboard: accents dropped, case folded, "ß" as "ss"
/// ("ø" as "o", "ł" as "l" …), words separated by one space ("  Frank   MÜLLER " → "frank muller").
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        for c in c.to_lowercase() {
            // Letters Unicode does not split into a base and a mark, as keyboards without them
            // write them.
            match c {
                'ß' => folded.push_str("ss"),
                'ø' => folded.push('o'),
                'æ' => folded.push_str("ae"),
                'œ' => folded.push_str("oe"),
                'ł' => folded.push('l'),
                'đ' | 'ð' => folded.push('d'),
                'þ' => folded.push_str("th"),
                'ı' => folded.push('i'),
                c => folded.push(c),
            }
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `typed` is the visitor's full name: every word of `name`, or its first and last word,
/// whatever the accents and case ("Frank Muller" is Frank Müller; "Frank" and "mul" are nobody).
pub fn is_full_name(typed: &str, name: &str) -> bool {
    let typed = fold(typed);
    let name = fold(name);
    let typed: Vec<&str> = typed.split(' ').collect();
    let name: Vec<&str> = name.split(' ').collect();
    if typed.len() < 2 || name.len() < 2 {
        // A one-word name is a full name only when typed whole and alone.
        return typed.len() == 1 && name.len() == 1 && typed[0] == name[0] && !typed[0].is_empty();
    }
    typed == name || typed == [name[0], name[name.len() - 1]]
}

/// Whether `typed` names the host `name`: their full name, or their whole first or last name
/// ("Ada", "Lindqvist", "ada lindqvist" — never "a a", "lin" or "ad").
pub fn names_host(typed: &str, name: &str) -> bool {
    let typed = fold(typed);
    if typed.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return false;
    }
    let name = fold(name);
    let words: Vec<&str> = name.split(' ').collect();
    typed == name
        || (!typed.contains(' ') && (typed == words[0] || typed == words[words.len() - 1]))
}

/// The digest a kiosk holds in place of the visitor's email address: SHA-256 of the invitation's
/// id and the address (trimmed, any case), in hex. It proves an address typed at the kiosk
/// without the kiosk knowing any address.
pub fn email_proof(invitation: crate::InvitationId, email: &str) -> String {
    let mut message = b"gatehouse email proof v1\0".to_vec();
    message.extend_from_slice(invitation.0.as_bytes());
    message.extend_from_slice(email.trim().to_lowercase().as_bytes());
    sha256_hex(&message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_accents_case_and_extra_spaces() {
        assert_eq!(fold("  Frank   MÜLLER "), "frank muller");
        assert_eq!(fold("Ayşe Öztürk"), "ayse ozturk");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("José María"), "jose maria");
        assert_eq!(fold("Søren Łukasz"), "soren lukasz");
    }

    #[test]
    fn a_full_name_is_first_and_last_name_whatever_the_accents_and_case() {
        assert!(is_full_name("Frank Muller", "Frank Müller"));
        assert!(is_full_name("frank müller", "Frank Müller"));
        assert!(is_full_name("José Cruz", "José María de la Cruz"));
        assert!(is_full_name(
            "jose maria de la cruz",
            "José María de la Cruz"
        ));
        assert!(is_full_name("Madonna", "Madonna"));
    }

    #[test]
    fn no_fragment_prefix_or_single_word_trick_matches_a_name() {
        for typed in [
            "mul",
            "Frank",
            "Müller",
            "s s s",
            "fra mul",
            "Frank M",
            "F Müller",
            "frank müller x",
            "",
            "   ",
            "Müller Frank",
        ] {
            assert!(!is_full_name(typed, "Frank Müller"), "{typed:?}");
        }
        assert!(!is_full_name("José", "José María de la Cruz"));
        assert!(!is_full_name("Maria Cruz", "José María de la Cruz"));
    }

    #[test]
    fn a_host_is_found_by_a_whole_first_or_last_name_only() {
        for typed in ["Ada", "lindqvist", "ADA LINDQVIST", " ada  lindqvist "] {
            assert!(names_host(typed, "Ada Lindqvist"), "{typed:?}");
        }
        for typed in ["a", "a a", "ad", "lin", "ada l", "a lindqvist", "da", ""] {
            assert!(!names_host(typed, "Ada Lindqvist"), "{typed:?}");
        }
    }

    #[test]
    fn the_email_proof_ignores_case_and_spaces_and_differs_per_invitation() {
        let one = crate::InvitationId::from(uuid::Uuid::now_v7());
        let other = crate::InvitationId::from(uuid::Uuid::now_v7());
        let proof = email_proof(one, "Sofia.Rossi@Studio.example");
        assert_eq!(proof.len(), 64);
        assert_eq!(proof, email_proof(one, " sofia.rossi@studio.example "));
        assert_ne!(proof, email_proof(one, "sofia.rossi@studio.example.com"));
        assert_ne!(proof, email_proof(other, "sofia.rossi@studio.example"));
    }
}
