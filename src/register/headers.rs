//! Finding sheets and columns by their header text: the synonym tables and header-row
//! detection.

use super::values::fold_char;
use crate::model::Sheet;
use std::collections::HashMap;
use std::sync::OnceLock;

/// How many rows from the top of a sheet may hold title rows before the header.
pub const HEADER_SCAN_ROWS: u32 = 10;
/// A row is the header when it names at least this many known columns of the sheet.
pub const HEADER_MIN_MATCHES: usize = 2;

/// One column of a sheet in the contract.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// Canonical column name (register.md).
    pub name: &'static str,
    /// The column must be present in the sheet.
    pub required: bool,
}

const fn req(name: &'static str) -> FieldDef {
    FieldDef {
        name,
        required: true,
    }
}
const fn opt(name: &'static str) -> FieldDef {
    FieldDef {
        name,
        required: false,
    }
}

/// The columns of each sheet, canonical names, in contract order.
pub fn fields(sheet: Sheet) -> &'static [FieldDef] {
    match sheet {
        Sheet::Persons => {
            const {
                &[
                    req("编号"),
                    req("姓名"),
                    opt("性别"),
                    req("公民身份号码"),
                    opt("出生日期"),
                    opt("联系电话"),
                    opt("户籍地址"),
                    opt("现住址"),
                    req("乡镇(街道)"),
                    req("村(社区)"),
                    req("措施类型"),
                    opt("决定机关"),
                    opt("决定书文号"),
                    req("决定日期"),
                    opt("送达日期"),
                    opt("外省市人员"),
                    opt("报到日期"),
                    opt("协议签订日期"),
                    opt("期限(月)"),
                    opt("状态"),
                    opt("状态日期"),
                    opt("专职社工"),
                    opt("帮教小组组长"),
                    opt("帮教小组成员"),
                    opt("固定住所"),
                    opt("固定工作"),
                    opt("固定联系方式"),
                    opt("特殊情形"),
                    opt("药物维持治疗"),
                    opt("民族"),
                    opt("学历"),
                    opt("婚姻状况"),
                    opt("职业"),
                    opt("工作单位"),
                    opt("初次吸毒时间"),
                    opt("吸食毒品种类"),
                    opt("家属姓名"),
                    opt("家属关系"),
                    opt("家属电话"),
                    opt("违法犯罪记录"),
                ]
            }
        }
        Sheet::Tests => {
            const {
                &[
                    req("编号"),
                    req("检测日期"),
                    opt("检测方式"),
                    req("结果"),
                    opt("检测单位"),
                    opt("检测人"),
                    opt("是否突击"),
                ]
            }
        }
        Sheet::Contacts => {
            const {
                &[
                    req("编号"),
                    req("日期"),
                    req("形式"),
                    opt("工作人员"),
                    opt("摘要"),
                ]
            }
        }
        Sheet::Leaves => {
            const {
                &[
                    req("编号"),
                    req("离开日期"),
                    opt("返回日期"),
                    opt("准假至"),
                    opt("去向"),
                    opt("事由"),
                    req("是否批准"),
                    opt("批准人"),
                ]
            }
        }
        Sheet::Warnings => {
            const {
                &[
                    req("编号"),
                    req("日期"),
                    req("类型"),
                    opt("事由"),
                    opt("文号"),
                ]
            }
        }
        Sheet::Evaluations => {
            const {
                &[
                    req("编号"),
                    req("评估日期"),
                    req("评估期"),
                    req("结论"),
                    opt("评估人"),
                ]
            }
        }
        Sheet::Staff => {
            const {
                &[
                    req("姓名"),
                    opt("性别"),
                    opt("出生日期"),
                    opt("学历"),
                    req("类型"),
                    opt("乡镇(街道)"),
                    opt("村(社区)"),
                ]
            }
        }
        Sheet::Units => {
            const {
                &[
                    req("乡镇(街道)"),
                    req("村(社区)"),
                    req("实有吸毒人员数"),
                    opt("经费预算(元)"),
                    opt("经费到位(元)"),
                ]
            }
        }
        Sheet::Help => const { &[req("编号"), req("日期"), req("类型")] },
    }
}

/// The index of a canonical column in [`fields`] of a sheet.
pub fn field_index(sheet: Sheet, name: &str) -> Option<usize> {
    fields(sheet).iter().position(|f| f.name == name)
}

/// Sheet-name synonyms (normalised), canonical name first.
fn sheet_synonyms(sheet: Sheet) -> &'static [&'static str] {
    match sheet {
        Sheet::Persons => &[
            "人员",
            "人员信息",
            "人员名单",
            "人员台帐",
            "人员台账",
            "吸毒人员",
            "戒毒人员",
            "社区戒毒人员",
            "社区康复人员",
            "社区戒毒(康复)人员",
            "社区戒毒康复人员",
            "人员登记",
            "登记台帐",
            "登记台账",
            "人员基本信息",
            "基本信息",
        ],
        Sheet::Tests => &[
            "检测",
            "检测记录",
            "尿检",
            "尿检记录",
            "检测情况",
            "毒品检测",
        ],
        Sheet::Contacts => &[
            "谈话",
            "谈话记录",
            "谈话教育",
            "走访",
            "走访记录",
            "联系记录",
        ],
        Sheet::Leaves => &[
            "请假",
            "请假记录",
            "请假审批",
            "外出",
            "外出记录",
            "离开记录",
        ],
        Sheet::Warnings => &["告诫", "告诫记录", "告诫书", "警告", "警告记录"],
        Sheet::Evaluations => &["评估", "评估记录", "季度评估", "评估情况"],
        Sheet::Staff => &[
            "工作人员",
            "工作人员名单",
            "社工",
            "专职社工",
            "禁毒社工",
            "工作力量",
        ],
        Sheet::Units => &[
            "单位",
            "单位信息",
            "村居",
            "村(社区)",
            "社区",
            "村社区",
            "经费",
        ],
        Sheet::Help => &["帮扶", "帮扶记录", "帮扶救助", "帮扶情况"],
    }
}

/// Column synonyms (canonical name first); matched after [`normalize_header`].
const COLUMN_SYNONYMS: &[&[&str]] = &[
    &["编号", "人员编号", "档案编号", "档案号", "人员代码"],
    &[
        "姓名",
        "名字",
        "人员姓名",
        "吸毒人员姓名",
        "工作人员姓名",
        "社工姓名",
    ],
    &["性别"],
    &[
        "公民身份号码",
        "身份证号",
        "身份证号码",
        "身份证",
        "公民身份证号码",
        "公民身份证号",
        "证件号码",
    ],
    &["出生日期", "出生年月日", "生日"],
    &["联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"],
    &["户籍地址", "户籍地", "户籍所在地", "户籍"],
    &[
        "现住址",
        "现住地",
        "居住地",
        "现居住地",
        "现居住地址",
        "居住地址",
    ],
    &[
        "乡镇(街道)",
        "乡镇",
        "街道",
        "乡镇街道",
        "乡镇/街道",
        "所属乡镇",
        "镇(街道)",
        "所属乡镇(街道)",
    ],
    &[
        "村(社区)",
        "村居",
        "所属社区",
        "社区",
        "村",
        "村社区",
        "村/社区",
        "所属村居",
        "所属村(社区)",
        "村(居)",
    ],
    &[
        "措施类型",
        "措施",
        "类别",
        "人员类别",
        "执行类型",
        "戒毒类型",
        "社区戒毒/康复",
    ],
    &["决定机关", "决定单位", "作出决定机关"],
    &["决定书文号", "决定文号", "决定书编号", "决定书号"],
    &["决定日期", "决定时间", "决定书日期"],
    &["送达日期", "送达时间"],
    &["外省市人员", "外省市", "是否外省市人员", "外省市户籍"],
    &["报到日期", "报到时间", "报到"],
    &[
        "协议签订日期",
        "协议日期",
        "签订协议日期",
        "协议签订时间",
        "签订日期",
    ],
    &["期限(月)", "期限", "期限(个月)", "执行期限(月)", "执行期限"],
    &["状态", "执行状态", "当前状态"],
    &["状态日期", "状态变更日期", "变更日期"],
    &["专职社工", "社工", "负责社工"],
    &["帮教小组组长", "组长", "小组组长", "帮教组长"],
    &["帮教小组成员", "小组成员", "帮教成员"],
    &["固定住所", "有无固定住所"],
    &["固定工作", "有无固定工作"],
    &["固定联系方式", "有无固定联系方式"],
    &["特殊情形", "特殊情况"],
    &["药物维持治疗", "美沙酮维持治疗", "维持治疗"],
    &["民族"],
    &["婚姻状况", "婚姻状态", "婚姻", "婚否"],
    &["职业", "职业状况", "从业情况", "就业情况"],
    &["工作单位", "就业单位", "工作单位及职务", "服务处所"],
    &[
        "初次吸毒时间",
        "首次吸毒时间",
        "初吸时间",
        "初次吸毒日期",
        "首次吸毒日期",
        "初吸日期",
        "初次吸毒年份",
        "开始吸毒时间",
    ],
    &[
        "吸食毒品种类",
        "毒品种类",
        "滥用毒品种类",
        "吸食毒品",
        "吸毒种类",
        "吸食种类",
        "主要吸食毒品",
    ],
    &[
        "家属姓名",
        "家属",
        "亲属姓名",
        "监护人",
        "监护人姓名",
        "家属(监护人)姓名",
        "家属或监护人姓名",
        "紧急联系人",
    ],
    &[
        "家属关系",
        "与本人关系",
        "家属与本人关系",
        "监护人关系",
        "监护人与本人关系",
        "亲属关系",
        "关系",
    ],
    &[
        "家属电话",
        "家属联系电话",
        "亲属电话",
        "亲属联系电话",
        "监护人电话",
        "监护人联系电话",
        "家属(监护人)电话",
        "紧急联系人电话",
    ],
    &[
        "违法犯罪记录",
        "违法犯罪经历",
        "违法犯罪情况",
        "违法犯罪史",
        "前科",
        "前科劣迹",
        "有无前科",
    ],
    &["检测日期", "检测时间", "尿检日期", "尿检时间"],
    &["检测方式", "检测方法", "方式"],
    &["结果", "检测结果", "尿检结果"],
    &["检测单位", "检测机构"],
    &["检测人", "检测人员"],
    &[
        "是否突击",
        "突击检测",
        "随机检测",
        "是否突击检测",
        "是否随机检测",
        "是否随机",
        "突击",
    ],
    &["日期", "谈话日期", "告诫日期", "帮扶日期", "时间"],
    &["形式", "谈话形式", "方式(形式)"],
    &["工作人员", "谈话人", "经办人"],
    &["摘要", "内容", "谈话内容", "内容摘要"],
    &["离开日期", "离开时间", "外出日期", "请假日期", "出发日期"],
    &["返回日期", "返回时间", "回来日期", "销假日期"],
    &[
        "准假至",
        "批准返回日期",
        "应返回日期",
        "准假截止日期",
        "请假截止日期",
        "假期截止日期",
    ],
    &["去向", "目的地", "前往地"],
    &["事由", "原因", "请假事由", "告诫事由"],
    &["是否批准", "批准", "是否审批", "审批"],
    &["批准人", "审批人"],
    &["类型", "告诫类型", "帮扶类型", "工作人员类型"],
    &["文号", "告诫书文号", "告诫书编号"],
    &["评估日期", "评估时间"],
    &["评估期", "评估期间", "评估季度", "季度"],
    &["结论", "评估结论", "评估结果"],
    &["评估人", "评估人员"],
    &["学历", "文化程度"],
    &[
        "实有吸毒人员数",
        "实有吸毒人员",
        "实有吸毒人数",
        "吸毒人员数",
        "登记吸毒人员数",
    ],
    &["经费预算(元)", "经费预算", "预算(元)", "预算经费"],
    &[
        "经费到位(元)",
        "经费到位",
        "到位经费",
        "到位经费(元)",
        "实际到位(元)",
    ],
];

/// Header text reduced to a comparable key: no whitespace (incl. U+3000), half-width
/// characters and parentheses, no `*` required-markers, no trailing colon.
pub fn normalize_header(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect();
    while out.ends_with(':') {
        out.pop();
    }
    out
}

fn column_table() -> &'static HashMap<String, &'static str> {
    static TABLE: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = HashMap::new();
        for group in COLUMN_SYNONYMS {
            for s in *group {
                m.insert(normalize_header(s), group[0]);
            }
        }
        m
    })
}

/// The canonical column a header cell names, if any (for any sheet).
pub fn canonical_column(header: &str) -> Option<&'static str> {
    column_table().get(&normalize_header(header)).copied()
}

/// The canonical sheet a workbook sheet name (or CSV file stem) stands for.
pub fn sheet_by_name(name: &str) -> Option<Sheet> {
    let n = normalize_header(name);
    Sheet::ALL.into_iter().find(|s| {
        sheet_synonyms(*s)
            .iter()
            .any(|syn| normalize_header(syn) == n)
    })
}

/// Header cells of one row: (column, text).
pub type HeaderRow = Vec<(u32, String)>;

/// Where the header of a sheet is and which column holds each field.
#[derive(Debug, Clone)]
pub struct HeaderMatch {
    pub header_row: u32,
    /// Per field of [`fields`]: its column, if present.
    pub columns: Vec<Option<u32>>,
    /// Columns naming a field another column named first: (field index, column). Read from
    /// the first; each repeat is a finding.
    pub repeated: Vec<(usize, u32)>,
}

impl HeaderMatch {
    /// Matches one row's header cells against a sheet's fields; the first column wins when
    /// two columns name the same field.
    pub fn of_row(sheet: Sheet, row: u32, cells: &[(u32, String)]) -> HeaderMatch {
        let defs = fields(sheet);
        let mut columns = vec![None; defs.len()];
        let mut repeated = Vec::new();
        for (col, text) in cells {
            if let Some(canon) = canonical_column(text) {
                if let Some(i) = defs.iter().position(|f| f.name == canon) {
                    if columns[i].is_none() {
                        columns[i] = Some(*col);
                    } else {
                        repeated.push((i, *col));
                    }
                }
            }
        }
        HeaderMatch {
            header_row: row,
            columns,
            repeated,
        }
    }

    pub fn matched(&self) -> usize {
        self.columns.iter().filter(|c| c.is_some()).count()
    }

    /// Required fields with no column.
    pub fn missing_required(&self, sheet: Sheet) -> Vec<&'static str> {
        fields(sheet)
            .iter()
            .zip(&self.columns)
            .filter(|(f, c)| f.required && c.is_none())
            .map(|(f, _)| f.name)
            .collect()
    }
}

/// The header row among the first rows of a sheet: the first that names enough known columns.
pub fn find_header(sheet: Sheet, rows: &[(u32, HeaderRow)]) -> Option<HeaderMatch> {
    let wanted = HEADER_MIN_MATCHES.min(fields(sheet).len());
    rows.iter()
        .map(|(r, cells)| HeaderMatch::of_row(sheet, *r, cells))
        .find(|m| m.matched() >= wanted)
}

/// Guesses which sheet a workbook sheet is from its first rows: the sheet whose required
/// columns all appear in one header row, preferring the one with the most required columns.
pub fn sheet_by_headers(rows: &[(u32, HeaderRow)], candidates: &[Sheet]) -> Option<Sheet> {
    candidates
        .iter()
        .copied()
        .filter(|s| {
            rows.iter().any(|(r, cells)| {
                let m = HeaderMatch::of_row(*s, *r, cells);
                m.matched() >= HEADER_MIN_MATCHES && m.missing_required(*s).is_empty()
            })
        })
        .max_by_key(|s| {
            let n = fields(*s).iter().filter(|f| f.required).count();
            (n, std::cmp::Reverse(*s))
        })
}

/// The header texts of a row, for an error message.
pub fn describe_headers(cells: &[(u32, String)]) -> String {
    let names: Vec<&str> = cells
        .iter()
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if names.is_empty() {
        "（无）".into()
    } else {
        names.join("、")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_and_normalisation() {
        assert_eq!(canonical_column("身份证号码"), Some("公民身份号码"));
        assert_eq!(canonical_column(" 村（社区）\u{3000}"), Some("村(社区)"));
        assert_eq!(canonical_column("*所属社区"), Some("村(社区)"));
        assert_eq!(canonical_column("报到时间"), Some("报到日期"));
        assert_eq!(canonical_column("备注"), None);
        assert_eq!(canonical_column("文化程度"), Some("学历"));
        assert_eq!(canonical_column("首次吸毒时间"), Some("初次吸毒时间"));
        assert_eq!(canonical_column("滥用毒品种类"), Some("吸食毒品种类"));
        assert_eq!(canonical_column("监护人联系电话"), Some("家属电话"));
        assert_eq!(canonical_column("前科"), Some("违法犯罪记录"));
        assert_eq!(canonical_column("就业单位"), Some("工作单位"));
        assert_eq!(sheet_by_name("吸毒人员"), Some(Sheet::Persons));
        assert_eq!(sheet_by_name("检测记录"), Some(Sheet::Tests));
        assert_eq!(sheet_by_name("Sheet1"), None);
    }

    #[test]
    fn every_canonical_field_is_in_the_synonym_table() {
        for s in Sheet::ALL {
            for f in fields(s) {
                assert_eq!(canonical_column(f.name), Some(f.name), "{}", f.name);
            }
        }
    }

    #[test]
    fn header_row_skips_title_rows() {
        let rows = vec![
            (0, vec![(0, "XX镇社区戒毒人员登记台帐".to_string())]),
            (
                1,
                vec![
                    (0, "编号".into()),
                    (1, "检测时间".into()),
                    (2, "检测结果".into()),
                ],
            ),
        ];
        let m = find_header(Sheet::Tests, &rows).unwrap();
        assert_eq!(m.header_row, 1);
        assert_eq!(m.columns[1], Some(1));
        assert_eq!(sheet_by_headers(&rows, &Sheet::ALL), Some(Sheet::Tests));
    }
}
