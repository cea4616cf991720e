//! CSV registers: one file (= 人员) or a folder of files named after the sheets. The encoding
//! is detected (BOM, UTF-8, then chardetng with the `cn` hint; GBK decoded as GB18030), and
//! lines are counted here because csv's own line numbers are off on CRLF files.

use super::rows::CellSink;
use super::values::CellIn;
use super::{ReadError, SheetSource};
use encoding_rs::{Encoding, GB18030, GBK};
use std::path::{Path, PathBuf};

/// Decodes the bytes of a CSV file to text, detecting the encoding.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let mut enc = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    if enc == GBK {
        enc = GB18030;
    }
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// CSV files standing for sheets, named by their file stems.
pub struct CsvSource {
    files: Vec<(String, PathBuf)>,
}

impl CsvSource {
    /// One CSV file (its stem names the sheet).
    pub fn file(path: &Path) -> CsvSource {
        CsvSource {
            files: vec![(stem(path), path.to_path_buf())],
        }
    }

    /// Every `.csv` file of a folder, in name order (but the ledger, 文号台帐.csv).
    pub fn folder(dir: &Path) -> Result<CsvSource, ReadError> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| ReadError(format!("无法读取文件夹 {}：{e}", dir.display())))?;
        let mut files: Vec<(String, PathBuf)> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                // The office's document-number ledger may live in the folder: not a sheet.
                p.is_file()
                    && p.file_name()
                        .is_none_or(|n| n != crate::paperwork::ledger::LEDGER_FILE)
                    && p.extension().is_some_and(|x| {
                        let x = x.to_string_lossy().to_ascii_lowercase();
                        matches!(x.as_str(), "csv" | "tsv" | "txt")
                    })
            })
            .map(|p| (stem(&p), p))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(ReadError(format!(
                "文件夹 {} 中没有 CSV 文件",
                dir.display()
            )));
        }
        Ok(CsvSource { files })
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl SheetSource for CsvSource {
    fn sheet_names(&self) -> Vec<String> {
        self.files.iter().map(|(n, _)| n.clone()).collect()
    }

    fn stream(&mut self, name: &str, sink: &mut dyn CellSink) -> Result<(), ReadError> {
        let Some((_, path)) = self.files.iter().find(|(n, _)| n == name) else {
            return Err(ReadError(format!("找不到 CSV 文件「{name}」")));
        };
        super::checked_input(path)?;
        let bytes = std::fs::read(path)
            .map_err(|e| ReadError(format!("无法读取 {}：{e}", path.display())))?;
        let text = decode(&bytes);
        stream_text(&text, name, sink)
    }
}

/// The field separator of delimited text, judged from its first line: a comma, a tab
/// (Excel's "Unicode text" export, UTF-16 with tabs) or a semicolon, whichever is most frequent.
pub fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.chars().filter(|x| *x == c).count();
    let (comma, tab, semi) = (count(','), count('\t'), count(';'));
    if tab > comma && tab >= semi {
        b'\t'
    } else if semi > comma && semi > tab {
        b';'
    } else {
        b','
    }
}

/// Streams CSV text as cells; rows are 0-based physical line numbers.
pub fn stream_text(text: &str, name: &str, sink: &mut dyn CellSink) -> Result<(), ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    let mut record = csv::StringRecord::new();
    let (mut counted_to, mut line) = (0usize, 0u32);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(ReadError(format!(
                    "CSV 文件「{name}」第{}行格式错误：{e}",
                    line + 1
                )))
            }
        }
        // The record's position may point at the previous line's terminator (csv 1.4 stops
        // after `\r`): skip terminators to find where the record's own line starts.
        let mut start = record
            .position()
            .map_or(counted_to, |p| p.byte() as usize)
            .max(counted_to)
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > counted_to {
            line += bytes[counted_to..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u32;
            counted_to = start;
        }
        for (col, field) in record.iter().enumerate() {
            if field.is_empty() {
                continue;
            }
            if !sink.cell(line, col as u32, CellIn::Text(field)) {
                return Ok(());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect(Vec<(u32, u32, String)>);
    impl CellSink for Collect {
        fn cell(&mut self, row: u32, col: u32, value: CellIn<'_>) -> bool {
            if let CellIn::Text(t) = value {
                self.0.push((row, col, t.to_string()));
            }
            true
        }
        fn end(&mut self) {}
    }

    #[test]
    fn rows_are_physical_lines() {
        let mut c = Collect::default();
        stream_text("a,b\r\nc,\"d\r\ne\"\r\nf,g\r\n", "t", &mut c).unwrap();
        let rows: Vec<(u32, u32)> = c.0.iter().map(|(r, col, _)| (*r, *col)).collect();
        assert_eq!(rows, [(0, 0), (0, 1), (1, 0), (1, 1), (3, 0), (3, 1)]);
        assert_eq!(c.0[3].2, "d\r\ne");
    }

    #[test]
    fn tab_separated_utf16_text_as_excel_exports_it() {
        let text = "编号\t姓名\r\nP001\t张三, 男\r\n";
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let decoded = decode(&le);
        assert_eq!(delimiter(&decoded), b'\t');
        let mut c = Collect::default();
        stream_text(&decoded, "t", &mut c).unwrap();
        assert_eq!(c.0[3], (1, 1, "张三, 男".to_string()));
        assert_eq!(delimiter("a;b;c\n"), b';');
        assert_eq!(delimiter("a,b\tc,d\n"), b',');
    }

    #[test]
    fn encodings_are_detected() {
        let text = "编号,姓名\r\nP001,张三\r\n";
        let gbk = encoding_rs::GBK.encode(text).0.into_owned();
        assert_eq!(decode(&gbk), text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom), text);
        // encoding_rs does not encode to UTF-16: build it by hand.
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le), text);
    }
}
