//! Finding sheets and columns by their header text: the synonym tables and header-row
//! detection.

use super::values::{fold_char, CONTACT_KIND_WORDS};
use crate::model::{ContactKind, Sheet};
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
                    opt("姓名"),
                    opt("公民身份号码"),
                    opt("年度"),
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
                    opt("姓名"),
                    opt("公民身份号码"),
                    opt("年度"),
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
                    opt("姓名"),
                    opt("公民身份号码"),
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
                    opt("姓名"),
                    opt("公民身份号码"),
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
                    opt("姓名"),
                    opt("公民身份号码"),
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
        Sheet::Help => {
            const {
                &[
                    req("编号"),
                    req("日期"),
                    req("类型"),
                    opt("姓名"),
                    opt("公民身份号码"),
                ]
            }
        }
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
            "尿检情况",
            "检测登记",
        ],
        Sheet::Contacts => &[
            "谈话",
            "谈话记录",
            "谈话教育",
            "走访",
            "走访记录",
            "联系记录",
            "本人报告",
            "报告",
            "定期报告",
            "报告情况",
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
    &["年度", "年份", "年", "检测年度", "登记年度"],
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

    /// Required fields with no column (nor a column that stands in for it, see
    /// [`HeaderMatch::missing_required_given`]).
    pub fn missing_required(&self, sheet: Sheet) -> Vec<&'static str> {
        self.missing_required_given(sheet, false)
    }

    /// Required fields with no column. 编号 is not needed when the person is otherwise named:
    /// on 人员 by 公民身份号码, on an event sheet by 公民身份号码 or 姓名; 村(社区) is not
    /// needed on 人员 when `unit_known` (the sheet's name or title says it).
    pub fn missing_required_given(&self, sheet: Sheet, unit_known: bool) -> Vec<&'static str> {
        let stands_in = |name: &str| match (sheet, name) {
            (Sheet::Staff | Sheet::Units, _) => false,
            (Sheet::Persons, "编号") => self.has(sheet, "公民身份号码"),
            (Sheet::Persons, "村(社区)") => unit_known,
            (_, "编号") => self.has(sheet, "公民身份号码") || self.has(sheet, "姓名"),
            _ => false,
        };
        fields(sheet)
            .iter()
            .zip(&self.columns)
            .filter(|(f, c)| f.required && c.is_none() && !stands_in(f.name))
            .map(|(f, _)| f.name)
            .collect()
    }

    /// Whether the sheet has a column for `field`.
    pub fn has(&self, sheet: Sheet, field: &str) -> bool {
        field_index(sheet, field).is_some_and(|i| self.columns[i].is_some())
    }

    /// The column of `field`, when the sheet has one.
    pub fn column(&self, sheet: Sheet, field: &str) -> Option<u32> {
        field_index(sheet, field).and_then(|i| self.columns[i])
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
/// columns all appear in one header row (a 人员 sheet may lack 村(社区): its name says it),
/// preferring the one with the most required columns; else an event table of months or of
/// 面谈/家访 date columns, whose kind the sheet's name or title says ([`sheet_by_words`]).
pub fn sheet_by_headers(
    name: &str,
    rows: &[(u32, HeaderRow)],
    candidates: &[Sheet],
) -> Option<Sheet> {
    let long = candidates
        .iter()
        .copied()
        .filter(|s| {
            rows.iter().any(|(r, cells)| {
                let m = HeaderMatch::of_row(*s, *r, cells);
                m.matched() >= HEADER_MIN_MATCHES
                    && m.missing_required_given(*s, *s == Sheet::Persons)
                        .is_empty()
                    && (*s != Sheet::Persons || m.has(*s, "姓名"))
            })
        })
        .max_by_key(|s| {
            let n = fields(*s).iter().filter(|f| f.required).count();
            (n, std::cmp::Reverse(*s))
        });
    if long.is_some() {
        return long;
    }
    // A header (one row, or two: a group title over months) that names the person and has
    // at least two month columns or a 面谈/家访 … column.
    let is_event_header = |cells: &[&(u32, String)]| {
        let names_person = cells
            .iter()
            .any(|(_, t)| matches!(canonical_column(t), Some("编号" | "公民身份号码" | "姓名")));
        let events: Vec<EventColumn> = cells
            .iter()
            .filter_map(|(_, t)| event_column_of(t))
            .collect();
        let months = events
            .iter()
            .filter(|e| matches!(e, EventColumn::Month { .. }))
            .count();
        names_person && (months >= 2 || (months == 0 && !events.is_empty()))
    };
    let has_event_header = rows.iter().enumerate().any(|(i, (_, cells))| {
        let one: Vec<&(u32, String)> = cells.iter().collect();
        let two: Vec<&(u32, String)> = cells
            .iter()
            .chain(rows.get(i + 1).map(|(_, c)| c.as_slice()).unwrap_or(&[]))
            .collect();
        is_event_header(&one) || is_event_header(&two)
    });
    if !has_event_header {
        return None;
    }
    let titles = rows
        .iter()
        .flat_map(|(_, cells)| cells.iter().map(|(_, t)| t.as_str()));
    std::iter::once(name)
        .chain(titles)
        .find_map(sheet_by_words)
        .filter(|s| candidates.contains(s))
}

/// The event sheet a sheet name or title names by one of its words (`2025年尿检情况` →
/// 检测), for month-by-month tables whose sheet name is no synonym.
pub fn sheet_by_words(text: &str) -> Option<Sheet> {
    const WORDS: &[(&str, Sheet)] = &[
        ("检测", Sheet::Tests),
        ("尿检", Sheet::Tests),
        ("毛发", Sheet::Tests),
        ("谈话", Sheet::Contacts),
        ("走访", Sheet::Contacts),
        ("家访", Sheet::Contacts),
        ("面谈", Sheet::Contacts),
        ("报告", Sheet::Contacts),
    ];
    let t = normalize_header(text);
    WORDS.iter().find(|(w, _)| t.contains(w)).map(|(_, s)| *s)
}

/// What a header cell of an event table names besides the usual columns: a month (a column
/// of a month-by-month table: `3月`, `2025年3月`, `2025.3`, `三月`) or a kind of contact
/// (a 谈话 row with a date column per kind: `面谈`, `家访日期`, `本人报告`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventColumn {
    Month { year: Option<i32>, month: u32 },
    Kind(ContactKind),
}

/// The [`EventColumn`] a header cell names, if any.
pub fn event_column_of(header: &str) -> Option<EventColumn> {
    let h = normalize_header(header);
    if let Some(m) = month_of_header(&h) {
        return Some(m);
    }
    let stem = ["日期", "时间"]
        .iter()
        .find_map(|s| h.strip_suffix(s))
        .unwrap_or(&h);
    CONTACT_KIND_WORDS
        .iter()
        .find(|(k, _)| *k == stem)
        .map(|(_, kind)| EventColumn::Kind(*kind))
}

impl EventColumn {
    /// The column as a clerk reads it: `3月`, `2025年3月`, `家访`.
    pub fn label(&self) -> String {
        match self {
            EventColumn::Month {
                year: Some(y),
                month,
            } => format!("{y}年{month}月"),
            EventColumn::Month { month, .. } => format!("{month}月"),
            EventColumn::Kind(k) => k.label().to_string(),
        }
    }
}

/// `3月`, `03月`, `3月份`, `三月`, `2025年3月`, `2025.3`, `2025-03`, `2025/3` (normalised).
fn month_of_header(h: &str) -> Option<EventColumn> {
    let h = h.strip_suffix('份').unwrap_or(h);
    let (year, rest) = match h.get(0..4).map(|y| y.parse::<i32>()) {
        Some(Ok(y)) if (1900..=2100).contains(&y) => {
            let rest = &h[4..];
            let rest = rest.strip_prefix(['年', '.', '-', '/']).unwrap_or(rest);
            (Some(y), rest)
        }
        _ => (None, h),
    };
    let number = match (year, rest.strip_suffix('月')) {
        (_, Some(n)) => n,
        (Some(_), None) if !rest.is_empty() && rest.len() <= 2 => rest,
        _ => return None,
    };
    const CHINESE: [&str; 12] = [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
    ];
    let month = match number.parse::<u32>() {
        Ok(m) => m,
        Err(_) => CHINESE.iter().position(|c| *c == number)? as u32 + 1,
    };
    (1..=12)
        .contains(&month)
        .then_some(EventColumn::Month { year, month })
}

/// A header cell under a group title (`检测情况` merged over `日期` and `结果`): the cell's
/// own title when it names a column of the sheet or an event column, else the group's stem
/// joined to it (`检测` + `日期` = 检测日期, `2025年` + `3月`) when that does.
pub fn title_under_group(sheet: Sheet, group: &str, title: &str) -> String {
    let names_field = |t: &str| {
        canonical_column(t).is_some_and(|c| field_index(sheet, c).is_some())
            || event_column_of(t).is_some()
    };
    if names_field(title) {
        return title.to_string();
    }
    let g = normalize_header(group);
    let stem = ["情况", "记录", "信息", "登记"]
        .iter()
        .find_map(|s| g.strip_suffix(s))
        .unwrap_or(&g);
    let joined = format!("{stem}{}", normalize_header(title));
    if names_field(&joined) {
        joined
    } else {
        title.to_string()
    }
}

/// The 村(社区) a sheet is about, from its name when the name is no register sheet's and
/// reads as a place (`北街村`, `东风社区`), else from a title row
/// (`2025年城关镇北街村社区戒毒人员名单` → 北街村).
pub fn unit_from_names(sheet_name: &str, titles: &[&str]) -> Option<String> {
    if sheet_by_name(sheet_name).is_none() {
        if let Some(u) = place_in(sheet_name) {
            return Some(u);
        }
    }
    titles.iter().find_map(|t| place_in(t))
}

/// The 村(社区) a name or title names: the text before the first word that is no place
/// (社区戒毒, 人员, 台帐 …), without a leading year and town, when it ends like a place
/// (村, 社区, 居委会, 村委会, 居).
fn place_in(text: &str) -> Option<String> {
    let t = normalize_header(text);
    const STOPS: &[&str] = &[
        "社区戒毒",
        "社区康复",
        "戒毒",
        "吸毒",
        "人员",
        "台帐",
        "台账",
        "登记",
        "名单",
        "花名册",
        "检测",
        "尿检",
        "谈话",
    ];
    let end = STOPS
        .iter()
        .filter_map(|w| t.find(w))
        .min()
        .unwrap_or(t.len());
    let mut place = &t[..end];
    // A leading year (2025年) and town (城关镇, 东城街道, 某乡).
    if let Some(i) = place.find('年') {
        if place[..i].bytes().all(|b| b.is_ascii_digit()) {
            place = &place[i + '年'.len_utf8()..];
        }
    }
    for town in ["街道办事处", "街道", "镇", "乡"] {
        if let Some(i) = place.find(town) {
            let rest = &place[i + town.len()..];
            if !rest.is_empty() {
                place = rest;
                break;
            }
        }
    }
    let is_place = ["村", "社区", "居委会", "村委会", "居"]
        .iter()
        .any(|e| place.ends_with(e));
    (is_place && place.chars().count() <= 20).then(|| place.to_string())
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
        assert_eq!(
            sheet_by_headers("x", &rows, &Sheet::ALL),
            Some(Sheet::Tests)
        );
    }

    #[test]
    fn month_and_kind_columns() {
        let month = |year, month| Some(EventColumn::Month { year, month });
        assert_eq!(event_column_of("3月"), month(None, 3));
        assert_eq!(event_column_of("十二月"), month(None, 12));
        assert_eq!(event_column_of("１０月份"), month(None, 10));
        assert_eq!(event_column_of("2025年3月"), month(Some(2025), 3));
        assert_eq!(event_column_of("2025.11"), month(Some(2025), 11));
        assert_eq!(event_column_of("13月"), None);
        assert_eq!(event_column_of("2025"), None);
        assert_eq!(event_column_of("年度"), None);
        assert_eq!(
            event_column_of("家访日期"),
            Some(EventColumn::Kind(ContactKind::HomeVisit))
        );
        assert_eq!(
            event_column_of("本人报告"),
            Some(EventColumn::Kind(ContactKind::SelfReport))
        );
        assert_eq!(
            title_under_group(Sheet::Tests, "检测情况", "日期"),
            "检测日期"
        );
        assert_eq!(title_under_group(Sheet::Tests, "检测情况", "结果"), "结果");
        assert_eq!(title_under_group(Sheet::Tests, "2025年", "3月"), "3月");
        assert_eq!(sheet_by_words("2025年尿检情况登记表"), Some(Sheet::Tests));
    }

    #[test]
    fn units_from_sheet_names_and_titles() {
        assert_eq!(unit_from_names("北街村", &[]), Some("北街村".into()));
        assert_eq!(unit_from_names("人员", &[]), None);
        assert_eq!(unit_from_names("Sheet1", &[]), None);
        assert_eq!(
            unit_from_names("人员", &["2025年城关镇东风社区社区戒毒人员名单"]),
            Some("东风社区".into())
        );
        assert_eq!(unit_from_names("人员", &["城关镇社区戒毒人员台帐"]), None);
    }
}
