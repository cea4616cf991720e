//! Typst string-literal escaping. Data normally reaches templates as JSON (never as code);
//! where a value must be written into Typst source, it goes in as `"..."` escaped here.

/// `value` as a Typst string literal, quotes included: `"`, `\` and control characters are
/// escaped, so the literal can never end early or run code.
pub fn typst_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::typst_string;

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        assert_eq!(typst_string("张三"), "\"张三\"");
        assert_eq!(typst_string("a\"b"), "\"a\\\"b\"");
        assert_eq!(typst_string("a\\b"), "\"a\\\\b\"");
        assert_eq!(typst_string("a\nb\u{7}"), "\"a\\nb\\u{7}\"");
        assert_eq!(typst_string("\")#panic(\"x"), "\"\\\")#panic(\\\"x\"");
    }
}
