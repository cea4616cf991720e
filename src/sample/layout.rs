//! The register contract (`shared/register.md`) as data: sheets, canonical headers, which are
//! required, what kind of value each column holds and its allowed values. Used by the sample
//! writer and by the blank template, so both follow the contract from one place.

/// What a column holds; decides cell format, validation and how the sample writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Free text.
    Text,
    /// Text that looks like a number and must stay text (编号, 公民身份号码, 联系电话).
    TextId,
    /// A date, written as a real Excel date.
    Date,
    /// A whole number or amount.
    Number,
    /// One of a fixed set of values.
    Choice(&'static [&'static str]),
}

/// One column of a sheet.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Canonical header text.
    pub name: &'static str,
    pub required: bool,
    pub kind: ColumnKind,
    /// Column width in characters.
    pub width: f64,
    /// What a clerk writes here (Chinese, for the 填表说明 sheet and header notes).
    pub help: &'static str,
}

/// One sheet of the contract.
#[derive(Debug, Clone, Copy)]
pub struct SheetLayout {
    /// Canonical sheet name.
    pub name: &'static str,
    /// Title written above the header ("{town}" is replaced by the town's name).
    pub title: &'static str,
    /// What the sheet records (Chinese).
    pub help: &'static str,
    pub columns: &'static [Column],
}

impl SheetLayout {
    /// 0-based index of a column by canonical name.
    pub fn col(&self, name: &str) -> Option<u16> {
        self.columns
            .iter()
            .position(|c| c.name == name)
            .map(|i| i as u16)
    }
}

/// 是 | 否.
pub const YES_NO: &[&str] = &["是", "否"];
pub const SEX: &[&str] = &["男", "女"];
pub const MEASURES: &[&str] = &["社区戒毒", "社区康复"];
pub const STATUSES: &[&str] = &[
    "执行中",
    "已解除",
    "中止",
    "终止",
    "强制隔离戒毒",
    "已变更执行地",
];
pub const TEST_RESULTS: &[&str] = &["阴性", "阳性", "拒绝", "逃避", "未到"];
pub const TEST_METHODS: &[&str] = &["尿检", "毛发", "血检", "唾液"];
pub const CONTACT_KINDS: &[&str] = &["面谈", "家访", "电话", "本人报告"];
pub const WARNING_KINDS: &[&str] = &["口头", "书面"];
pub const CONCLUSIONS: &[&str] = &["良好", "一般", "较差"];
pub const STAFF_KINDS: &[&str] = &["专职", "兼职"];
pub const EDUCATION: &[&str] = &["初中", "高中", "中专", "大专", "本科", "硕士"];
pub const HELP_KINDS: &[&str] = &["就业", "参保", "救助", "技能培训", "心理咨询"];
pub const SPECIAL: &[&str] = &["怀孕", "哺乳", "严重疾病", "残疾"];

const fn col(
    name: &'static str,
    required: bool,
    kind: ColumnKind,
    width: f64,
    help: &'static str,
) -> Column {
    Column {
        name,
        required,
        kind,
        width,
        help,
    }
}

use ColumnKind::{Choice, Date, Number, Text, TextId};

pub const PERSONS: SheetLayout = SheetLayout {
    name: "人员",
    title: "{town}社区戒毒(康复)人员登记台帐",
    help: "每人一行：社区戒毒或社区康复人员的基本情况、决定、报到、协议和执行状态。",
    columns: &[
        col(
            "编号",
            true,
            TextId,
            10.0,
            "本台帐内每人唯一的编号，其他各表用它对应到人。",
        ),
        col("姓名", true, Text, 8.0, "姓名。"),
        col(
            "性别",
            false,
            Choice(SEX),
            5.0,
            "男 或 女，应与身份证号第17位一致。",
        ),
        col(
            "公民身份号码",
            true,
            TextId,
            21.0,
            "18位公民身份号码，按文本录入，末位可为X。",
        ),
        col(
            "出生日期",
            false,
            Date,
            11.0,
            "日期，应与身份证号中的出生日期一致。",
        ),
        col(
            "联系电话",
            false,
            TextId,
            13.0,
            "手机或固定电话，按文本录入。",
        ),
        col("户籍地址", false, Text, 26.0, "户籍所在地详细地址。"),
        col("现住址", false, Text, 24.0, "现居住地详细地址。"),
        col("乡镇(街道)", true, Text, 10.0, "执行地乡镇或街道名称。"),
        col("村(社区)", true, Text, 10.0, "执行地村或社区名称。"),
        col(
            "措施类型",
            true,
            Choice(MEASURES),
            9.0,
            "社区戒毒 或 社区康复。",
        ),
        col("决定机关", false, Text, 20.0, "作出决定的公安机关。"),
        col(
            "决定书文号",
            false,
            Text,
            20.0,
            "决定书文号，如 某公(禁)决字〔2025〕12号。",
        ),
        col("决定日期", true, Date, 11.0, "决定书落款日期。"),
        col(
            "送达日期",
            false,
            Date,
            11.0,
            "决定书送达本人的日期，报到期限从此起算。",
        ),
        col(
            "外省市人员",
            false,
            Choice(YES_NO),
            8.0,
            "是 或 否；外省市人员报到期限较长。",
        ),
        col(
            "报到日期",
            false,
            Date,
            11.0,
            "本人到执行地报到的日期，期限从此起算。",
        ),
        col(
            "协议签订日期",
            false,
            Date,
            11.0,
            "签订社区戒毒(康复)协议书的日期。",
        ),
        col("期限(月)", false, Number, 7.0, "期限月数，空白按36个月计。"),
        col(
            "状态",
            false,
            Choice(STATUSES),
            11.0,
            "执行中、已解除、中止、终止、强制隔离戒毒、已变更执行地；空白按执行中计。",
        ),
        col(
            "状态日期",
            false,
            Date,
            11.0,
            "状态不是执行中时，状态发生的日期。",
        ),
        col("专职社工", false, Text, 8.0, "负责的专职社工姓名。"),
        col("帮教小组组长", false, Text, 8.0, "帮教小组组长姓名。"),
        col(
            "帮教小组成员",
            false,
            Text,
            22.0,
            "成员姓名，用、或,分隔；可写 姓名(女) 注明性别。",
        ),
        col("固定住所", false, Choice(YES_NO), 8.0, "是 或 否。"),
        col("固定工作", false, Choice(YES_NO), 8.0, "是 或 否。"),
        col("固定联系方式", false, Choice(YES_NO), 8.0, "是 或 否。"),
        col(
            "特殊情形",
            false,
            Text,
            9.0,
            "怀孕、哺乳、严重疾病、残疾等，没有则空白。",
        ),
        col("药物维持治疗", false, Choice(YES_NO), 8.0, "是 或 否。"),
        col("民族", false, Text, 6.0, "民族，如 汉族。"),
        col(
            "文化程度",
            false,
            Text,
            8.0,
            "文化程度（学历），如 小学、初中、高中、中专、大专、本科。",
        ),
        col("婚姻状况", false, Text, 8.0, "未婚、已婚、离异、丧偶等。"),
        col(
            "职业",
            false,
            Text,
            8.0,
            "职业，如 务工、个体、农民、无业。",
        ),
        col(
            "工作单位",
            false,
            Text,
            18.0,
            "工作（就业）单位，没有则空白。",
        ),
        col(
            "初次吸毒时间",
            false,
            Text,
            11.0,
            "第一次吸毒的日期，如 2015-03-01；只知道年份或年月的，写 2015年 或 2015年3月。",
        ),
        col(
            "吸食毒品种类",
            false,
            Text,
            12.0,
            "吸食的毒品，如 海洛因、冰毒、氯胺酮，多种用、分隔。",
        ),
        col(
            "家属姓名",
            false,
            Text,
            8.0,
            "家属或监护人姓名，作为联系人和请假担保人的参考。",
        ),
        col(
            "家属关系",
            false,
            Text,
            8.0,
            "家属与本人的关系，如 父亲、配偶。",
        ),
        col(
            "家属电话",
            false,
            TextId,
            13.0,
            "家属或监护人的联系电话，按文本录入。",
        ),
        col(
            "违法犯罪记录",
            false,
            Text,
            24.0,
            "以往的违法犯罪记录（前科），没有写 无。",
        ),
    ],
};

pub const TESTS: SheetLayout = SheetLayout {
    name: "检测",
    title: "{town}社区戒毒(康复)人员吸毒检测登记台帐",
    help: "每次检测一行，包括拒绝、逃避和未到的情况。",
    columns: &[
        col("编号", true, TextId, 10.0, "人员表中的编号。"),
        col("检测日期", true, Date, 11.0, "检测日期。"),
        col(
            "检测方式",
            false,
            Choice(TEST_METHODS),
            8.0,
            "尿检、毛发等。",
        ),
        col(
            "结果",
            true,
            Choice(TEST_RESULTS),
            7.0,
            "阴性、阳性、拒绝、逃避、未到。",
        ),
        col("检测单位", false, Text, 18.0, "实施检测的单位。"),
        col("检测人", false, Text, 8.0, "检测人姓名。"),
        col(
            "是否突击",
            false,
            Choice(YES_NO),
            8.0,
            "不预先通知的突击（随机）检测填 是，其余填 否 或空白；检测方式写明 随机、突击、不预先通知、不定时抽检 或 飞行检测 的，也算突击检测。",
        ),
    ],
};

pub const CONTACTS: SheetLayout = SheetLayout {
    name: "谈话",
    title: "{town}社区戒毒(康复)人员谈话及报告登记台帐",
    help: "每次谈话、家访、电话或本人报告一行。",
    columns: &[
        col("编号", true, TextId, 10.0, "人员表中的编号。"),
        col("日期", true, Date, 11.0, "谈话或报告的日期。"),
        col(
            "形式",
            true,
            Choice(CONTACT_KINDS),
            8.0,
            "面谈、家访、电话、本人报告。",
        ),
        col("工作人员", false, Text, 8.0, "参加的工作人员姓名。"),
        col("摘要", false, Text, 30.0, "内容摘要。"),
    ],
};

pub const LEAVES: SheetLayout = SheetLayout {
    name: "请假",
    title: "{town}社区戒毒(康复)人员请假及外出登记台帐",
    help: "每次请假或未经批准离开一行；尚未返回的返回日期空白。",
    columns: &[
        col("编号", true, TextId, 10.0, "人员表中的编号。"),
        col("离开日期", true, Date, 11.0, "离开执行地的日期。"),
        col("返回日期", false, Date, 11.0, "返回日期，未返回则空白。"),
        col(
            "准假至",
            false,
            Date,
            11.0,
            "经批准请假的，批准返回的日期；实际返回晚于此日的，属本人逾期返回。",
        ),
        col("去向", false, Text, 14.0, "去往何地。"),
        col("事由", false, Text, 16.0, "请假事由。"),
        col(
            "是否批准",
            true,
            Choice(YES_NO),
            8.0,
            "是 或 否；未经批准离开填 否。",
        ),
        col("批准人", false, Text, 8.0, "批准人姓名。"),
    ],
};

pub const WARNINGS: SheetLayout = SheetLayout {
    name: "告诫",
    title: "{town}社区戒毒(康复)人员告诫登记台帐",
    help: "每次告诫一行。",
    columns: &[
        col("编号", true, TextId, 10.0, "人员表中的编号。"),
        col("日期", true, Date, 11.0, "告诫日期。"),
        col("类型", true, Choice(WARNING_KINDS), 6.0, "口头 或 书面。"),
        col("事由", false, Text, 24.0, "告诫事由。"),
        col(
            "文号",
            false,
            Text,
            18.0,
            "书面告诫书文号，如 某禁告〔2025〕3号。",
        ),
    ],
};

pub const EVALUATIONS: SheetLayout = SheetLayout {
    name: "评估",
    title: "{town}社区戒毒(康复)人员评估登记台帐",
    help: "每次季度评估或期满总评估一行。",
    columns: &[
        col("编号", true, TextId, 10.0, "人员表中的编号。"),
        col("评估日期", true, Date, 11.0, "评估日期。"),
        col(
            "评估期",
            true,
            Text,
            9.0,
            "季度写 2025Q1 或 2025年第一季度；期满总评估写 总评估。",
        ),
        col("结论", true, Choice(CONCLUSIONS), 6.0, "良好、一般、较差。"),
        col("评估人", false, Text, 8.0, "评估人姓名。"),
    ],
};

pub const STAFF: SheetLayout = SheetLayout {
    name: "工作人员",
    title: "{town}禁毒社工及帮教人员花名册",
    help: "每名专职或兼职工作人员一行；帮教小组成员按姓名在此查找性别。",
    columns: &[
        col("姓名", true, Text, 8.0, "姓名，本表内不要重名。"),
        col("性别", false, Choice(SEX), 5.0, "男 或 女。"),
        col("出生日期", false, Date, 11.0, "出生日期。"),
        col(
            "学历",
            false,
            Choice(EDUCATION),
            6.0,
            "初中、高中、中专、大专、本科、硕士。",
        ),
        col("类型", true, Choice(STAFF_KINDS), 6.0, "专职 或 兼职。"),
        col("乡镇(街道)", false, Text, 10.0, "所在乡镇或街道。"),
        col("村(社区)", false, Text, 10.0, "所在村或社区。"),
    ],
};

pub const UNITS: SheetLayout = SheetLayout {
    name: "单位",
    title: "{town}各村(社区)吸毒人员及经费情况表",
    help: "每个村(社区)一行：实有吸毒人员数和禁毒经费。",
    columns: &[
        col("乡镇(街道)", true, Text, 10.0, "乡镇或街道名称。"),
        col("村(社区)", true, Text, 10.0, "村或社区名称。"),
        col(
            "实有吸毒人员数",
            true,
            Number,
            9.0,
            "居住在本村(社区)的全部登记吸毒人员数，不论是否在社区戒毒(康复)中。",
        ),
        col(
            "经费预算(元)",
            false,
            Number,
            11.0,
            "本年度禁毒工作经费预算，单位元。",
        ),
        col(
            "经费到位(元)",
            false,
            Number,
            11.0,
            "本年度实际到位经费，单位元。",
        ),
    ],
};

pub const HELP: SheetLayout = SheetLayout {
    name: "帮扶",
    title: "{town}社区戒毒(康复)人员帮扶救助登记台帐",
    help: "(可选) 每次帮扶一行，年终考核统计用。",
    columns: &[
        col("编号", true, TextId, 10.0, "人员表中的编号。"),
        col("日期", true, Date, 11.0, "帮扶日期。"),
        col(
            "类型",
            true,
            Choice(HELP_KINDS),
            9.0,
            "就业、参保、救助、技能培训、心理咨询。",
        ),
    ],
};

/// Every sheet of the contract, in workbook order.
pub const SHEETS: [&SheetLayout; 9] = [
    &PERSONS,
    &TESTS,
    &CONTACTS,
    &LEAVES,
    &WARNINGS,
    &EVALUATIONS,
    &STAFF,
    &UNITS,
    &HELP,
];
