//! The 18-digit resident ID (公民身份号码): ISO 7064 MOD 11-2 check character.
//!
//! A copy kept in the generator until the reader's own check exists (the integrator dedupes).

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// The check character for the first 17 digits, or `None` when they are not 17 ASCII digits.
pub fn check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(CHECK_CHARS[(sum % 11) as usize] as char)
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
