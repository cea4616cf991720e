//! The 18-digit resident ID (公民身份号码) for generated people: the ISO 7064 MOD 11-2 check
//! character comes from the reader's own [`id_check_char`], so generator and reader agree.

use crate::register::values::id_check_char;

/// The check character for the first 17 digits, or `None` when they are not 17 ASCII digits.
pub fn check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(id_check_char(bytes))
}

/// True when `id` is 17 digits followed by the right check character.
pub fn is_valid(id: &str) -> bool {
    if id.len() != 18 || !id.is_ascii() {
        return false;
    }
    let (body, last) = id.split_at(17);
    check_char(body)
        .map(|c| last.eq_ignore_ascii_case(&c.to_string()))
        .unwrap_or(false)
}

/// A check character that is *not* the right one (for injected D003 errors).
pub fn wrong_check_char(first17: &str) -> char {
    match check_char(first17) {
        Some('0') => '1',
        _ => '0',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_ids() {
        // GB 11643-1999 example.
        assert!(is_valid("11010519491231002X"));
        assert!(!is_valid("110105194912310021"));
        assert_eq!(check_char("11010519491231002"), Some('X'));
        assert_eq!(wrong_check_char("11010519491231002"), '0');
    }
}
