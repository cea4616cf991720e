//! serde_norway's errors in Chinese, with the place they point at: the path of the setting
//! (`第 3 项 schedule：kind`) and the line of the file it is written on.
//!
//! serde_norway reports a deserialisation error as `path: message at line L column C`
//! (English, from serde) and a syntax error as libyaml's English. [`explain`] splits such an
//! error into the path and a Chinese sentence; [`locate`] finds the line of a path in a YAML
//! text written by hand (block or flow style), for errors raised on a merged value that has
//! no location of its own.

/// One step of a path to a YAML value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// A YAML error explained: where (path, line when known) and what, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    pub path: Vec<PathSeg>,
    /// The unknown key of an "unknown field" error (its line is the one to point at).
    pub unknown_key: Option<String>,
    /// The sentence for the clerk, without the place.
    pub text: String,
    /// 1-based line from serde_norway's own location.
    pub line: Option<usize>,
}

impl Explained {
    /// The place and the sentence: `第 3 项 schedule：kind 应为 …`, `office：有不认识的设置项…`.
    pub fn sentence(&self) -> String {
        let place = place_text(&self.path);
        if place.is_empty() {
            return self.text.trim_start_matches('有').to_string();
        }
        if place.ends_with('：') || self.unknown_key.is_some() {
            let sep = if place.ends_with('：') { "" } else { "：" };
            format!("{place}{sep}{}", self.text)
        } else {
            format!("{place} {}", self.text)
        }
    }

    /// The path to point at in the file: the unknown key's own line for an unknown field, and
    /// the field a message of our own names first (`kind 应为 …`: serde_norway gives such a
    /// message the path of the mapping that holds the field).
    pub fn target(&self) -> Vec<PathSeg> {
        let mut path = self.path.clone();
        if let Some(key) = &self.unknown_key {
            path.push(PathSeg::Key(key.clone()));
        } else if let Some((field, _)) = self.text.split_once(' ') {
            let is_key =
                !field.is_empty() && field.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if is_key {
                path.push(PathSeg::Key(field.to_string()));
            }
        }
        path
    }
}

/// `第 3 项 schedule：kind` for `schedule[2].kind`; `serious_breach.tests.count` without an
/// index; `第 3 项 schedule：` for the item itself; empty for the top level.
pub fn place_text(path: &[PathSeg]) -> String {
    let last_index = path.iter().rposition(|s| matches!(s, PathSeg::Index(_)));
    let dotted = |segs: &[PathSeg]| {
        let mut out = String::new();
        for s in segs {
            match s {
                PathSeg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                PathSeg::Index(i) => out.push_str(&format!("[{}]", i + 1)),
            }
        }
        out
    };
    match last_index {
        Some(at) => {
            let PathSeg::Index(i) = path[at] else {
                return String::new();
            };
            format!(
                "第 {} 项 {}：{}",
                i + 1,
                dotted(&path[..at]),
                dotted(&path[at + 1..])
            )
        }
        None => dotted(path),
    }
}

/// Parses serde_norway's path syntax (`schedule[2].kind`, `.` for the top level).
pub fn parse_path(text: &str) -> Vec<PathSeg> {
    let mut out = Vec::new();
    if text == "." {
        return out;
    }
    for part in text.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(PathSeg::Key(key.to_string()));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(i) = rest[1..end].parse() {
                out.push(PathSeg::Index(i));
            }
            rest = &rest[end + 1..];
        }
    }
    out
}

/// Whether `text` can be a serde_norway path (ASCII, no spaces).
fn looks_like_path(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_graphic())
}

/// Splits and translates a serde_norway error.
pub fn explain(e: &serde_norway::Error) -> Explained {
    let line = e.location().map(|l| l.line());
    let full = e.to_string();
    // `… at line 3 column 5` is the location, given separately.
    let body = match full.rfind(" at line ") {
        Some(at) if e.location().is_some() => &full[..at],
        _ => full.as_str(),
    };
    let (path, message) = match body.split_once(": ") {
        Some((p, rest)) if looks_like_path(p) => (parse_path(p), rest),
        _ => (Vec::new(), body),
    };
    let (text, unknown_key) = translate(message);
    Explained {
        path,
        unknown_key,
        text,
        line,
    }
}

/// The words between the first pair of backticks after `from`.
fn backticked(text: &str) -> Option<&str> {
    let start = text.find('`')? + 1;
    let len = text[start..].find('`')?;
    Some(&text[start..start + len])
}

/// `a、b、c` from serde's "`a`, `b`, `c`" (or "`a` or `b`").
fn backticked_list(text: &str) -> String {
    text.split('`')
        .skip(1)
        .step_by(2)
        .collect::<Vec<_>>()
        .join("、")
}

/// What serde expected, in Chinese.
fn expected_text(expected: &str) -> String {
    let e = expected.trim();
    let known = match e {
        "u8" | "u16" | "u32" | "u64" | "usize" => "不小于 0 的整数",
        "i8" | "i16" | "i32" | "i64" | "isize" => "整数",
        "f32" | "f64" => "数",
        "a string" | "string" | "a borrowed string" => "文字",
        "a boolean" | "bool" => "true 或 false",
        "a sequence" => "列表（[甲, 乙] 或每行以“- ”开头）",
        "a map" | "a mapping" => "下一级设置（键: 值）",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    if e.starts_with("struct ") || e.starts_with("a map") {
        return "下一级设置（键: 值）".to_string();
    }
    if e.starts_with("enum ") || e.starts_with("variant ") {
        return "规定的取值之一".to_string();
    }
    if e.starts_with("a sequence") || e.starts_with("tuple") {
        return "列表（[甲, 乙] 或每行以“- ”开头）".to_string();
    }
    "规定的格式".to_string()
}

/// What was found instead, in Chinese (`string "十二"` → `文字「十二」`).
fn unexpected_text(found: &str) -> String {
    let f = found.trim();
    if let Some(s) = f.strip_prefix("string ") {
        return format!("「{}」", s.trim_matches('"'));
    }
    if let Some(n) = f
        .strip_prefix("integer ")
        .or_else(|| f.strip_prefix("floating point "))
    {
        return format!("「{}」", n.trim_matches('`'));
    }
    if let Some(b) = f.strip_prefix("boolean ") {
        return format!("「{}」", b.trim_matches('`'));
    }
    match f {
        "sequence" => "一个列表".to_string(),
        "map" => "下一级设置".to_string(),
        "unit value" | "null" => "空值".to_string(),
        _ => "别的内容".to_string(),
    }
}

/// serde's English message → (Chinese sentence, unknown key of an "unknown field" error).
/// Messages of our own (Chinese already) pass through.
pub fn translate(message: &str) -> (String, Option<String>) {
    let m = message.trim();
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let key = backticked(rest).unwrap_or("").to_string();
        let after = rest.split_once(", ").map(|(_, a)| a).unwrap_or("");
        let allowed = backticked_list(after);
        let text = if allowed.is_empty() {
            format!("有不认识的设置项「{key}」（此处不能写设置项）")
        } else {
            format!("有不认识的设置项「{key}」（此处可写：{allowed}）")
        };
        return (text, Some(key));
    }
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        let value = backticked(rest).unwrap_or("");
        let after = rest.split_once(", ").map(|(_, a)| a).unwrap_or("");
        let allowed = backticked_list(after);
        return (format!("应为 {allowed} 之一，实为「{value}」"), None);
    }
    let mismatch = m
        .strip_prefix("invalid type: ")
        .or_else(|| m.strip_prefix("invalid value: "));
    if let Some(rest) = mismatch {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            format!(
                "应为{}，实为{}",
                expected_text(expected),
                unexpected_text(found)
            ),
            None,
        );
    }
    if let Some(rest) = m.strip_prefix("missing field ") {
        let key = backticked(rest).unwrap_or(rest);
        return (format!("缺少设置项「{key}」"), None);
    }
    if let Some(rest) = m.strip_prefix("duplicate field ") {
        let key = backticked(rest).unwrap_or(rest);
        return (format!("设置项「{key}」写了两次"), None);
    }
    if m.starts_with("invalid length ") {
        return ("列表中的项数不对".to_string(), None);
    }
    if m.starts_with("data did not match any variant") {
        return ("取值的格式不对".to_string(), None);
    }
    if crate::output::has_chinese(m) {
        return (m.to_string(), None);
    }
    (
        "YAML 格式有误（常见原因：缩进不齐、冒号后缺空格、用了中文冒号“：”、引号未配对）"
            .to_string(),
        None,
    )
}

/// Leading spaces of a line.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The column where a line's content starts after any `- ` list markers.
fn content_col(line: &str) -> usize {
    let mut rest = &line[indent(line)..];
    let mut col = indent(line);
    while let Some(r) = rest.strip_prefix("- ") {
        let inner = r.len() - r.trim_start_matches(' ').len();
        col += 2 + inner;
        rest = &r[inner..];
    }
    col
}

fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// Whether `line` writes `key:` inside a flow mapping (`{ key: 1, … }`).
fn flow_has_key(line: &str, key: &str) -> bool {
    ["{ ", "{", ", ", ","]
        .iter()
        .any(|before| line.contains(&format!("{before}{key}:")))
}

/// The 1-based line where `path` is written in `text`, or None when the text does not write
/// it (an inherited setting). Follows block style and one-line flow mappings.
pub fn locate(text: &str, path: &[PathSeg]) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let (mut lo, mut hi) = (0usize, lines.len());
    let mut found: Option<usize> = None;
    for seg in path {
        match seg {
            PathSeg::Key(key) => {
                let pat = format!("{key}:");
                let at = (lo..hi).find(|&i| {
                    let l = lines[i];
                    !is_blank(l) && (l[content_col(l)..].starts_with(&pat) || flow_has_key(l, key))
                })?;
                found = Some(at + 1);
                let l = lines[at];
                if !l[content_col(l)..].starts_with(&pat) {
                    // A flow mapping: everything deeper is on this line.
                    return found;
                }
                let col = content_col(l);
                let mut end = at + 1;
                while end < hi {
                    let n = lines[end];
                    let deeper =
                        indent(n) > col || (indent(n) == col && n.trim_start().starts_with('-'));
                    if !is_blank(n) && !deeper {
                        break;
                    }
                    end += 1;
                }
                lo = at + 1;
                hi = end;
            }
            PathSeg::Index(k) => {
                let items: Vec<usize> = (lo..hi)
                    .filter(|&i| !is_blank(lines[i]) && lines[i].trim_start().starts_with('-'))
                    .collect();
                let Some(col) = items.iter().map(|&i| indent(lines[i])).min() else {
                    // A flow sequence (`[a, b]`) on the key's line.
                    return found;
                };
                let items: Vec<usize> = items
                    .into_iter()
                    .filter(|&i| indent(lines[i]) == col)
                    .collect();
                let Some(&at) = items.get(*k) else {
                    // A flow sequence on the key's line, or fewer items than the index.
                    return found;
                };
                found = Some(at + 1);
                let end = items.get(k + 1).copied().unwrap_or(hi);
                lo = at;
                hi = end;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTY: &str = "extends: standard\nschedule:\n  - kind: tests\n    period: 1\n    min: 1\n    basis: a\n  - { kind: talks, period: 1, min: 1, basis: b }\n  - kind: talks\n    period: 十二\n    min: 1\n    basis: c\noffice:\n  name: x\n";

    #[test]
    fn locate_follows_items_keys_and_flow_mappings() {
        let key = |k: &str| PathSeg::Key(k.into());
        assert_eq!(locate(COUNTY, &[key("schedule")]), Some(2));
        assert_eq!(
            locate(COUNTY, &[key("schedule"), PathSeg::Index(0), key("kind")]),
            Some(3)
        );
        assert_eq!(
            locate(COUNTY, &[key("schedule"), PathSeg::Index(1), key("min")]),
            Some(7)
        );
        assert_eq!(
            locate(COUNTY, &[key("schedule"), PathSeg::Index(2), key("period")]),
            Some(9)
        );
        assert_eq!(locate(COUNTY, &[key("office"), key("name")]), Some(13));
        assert_eq!(locate(COUNTY, &[key("leave"), key("max_days")]), None);
    }

    #[test]
    fn paths_read_and_print_as_items() {
        let path = parse_path("schedule[2].kind");
        assert_eq!(place_text(&path), "第 3 项 schedule：kind");
        assert_eq!(
            place_text(&parse_path("serious_breach.tests.count")),
            "serious_breach.tests.count"
        );
        assert_eq!(place_text(&parse_path(".")), "");
    }

    #[test]
    fn serde_messages_become_chinese() {
        let (t, key) =
            translate("unknown field `surprise_test`, expected one of `name`, `report_in`");
        assert_eq!(
            t,
            "有不认识的设置项「surprise_test」（此处可写：name、report_in）"
        );
        assert_eq!(key.as_deref(), Some("surprise_test"));
        let (t, _) = translate("invalid type: string \"十二\", expected u32");
        assert_eq!(t, "应为不小于 0 的整数，实为「十二」");
        let (t, _) = translate("unknown variant `x`, expected `口头` or `书面`");
        assert_eq!(t, "应为 口头、书面 之一，实为「x」");
        let (t, _) = translate("did not find expected key");
        assert!(t.starts_with("YAML 格式有误"), "{t}");
    }
}
