//! Word lists for plausible synthetic data: names, places, region codes.

use super::rng::Rng;

/// Common surnames, most frequent first (weighted by repeating the first ones).
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
];

const MALE_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫",
    "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "建", "国", "志",
    "文", "海", "东", "峰", "亮", "成", "立", "新",
];

const FEMALE_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "桂", "英", "红", "梅", "琳", "婷",
    "雪", "慧", "萍", "倩", "洁", "莉", "兰", "月", "晶", "颖", "佳", "琴", "云", "凤",
];

/// Town names (乡镇/街道) for the register's one town.
const TOWNS: &[&str] = &[
    "青山镇",
    "石桥镇",
    "柳河镇",
    "东湖街道",
    "新华街道",
    "白沙镇",
    "龙泉镇",
    "桃源镇",
];

const VILLAGE_STEMS: &[&str] = &[
    "东风", "红旗", "光明", "新民", "和平", "胜利", "幸福", "团结", "前进", "建设", "长青", "向阳",
    "丰收", "永安", "太平", "兴隆", "金河", "桂花", "杨柳", "清泉", "凤凰", "双龙", "三里", "五星",
    "北街", "南街", "西关", "东关", "新村", "黄土",
];

/// Real-looking 6-digit region codes (county level) with the place they name.
pub const REGIONS: &[(&str, &str)] = &[
    ("110105", "北京市朝阳区"),
    ("310104", "上海市徐汇区"),
    ("320102", "江苏省南京市玄武区"),
    ("330106", "浙江省杭州市西湖区"),
    ("340104", "安徽省合肥市蜀山区"),
    ("350102", "福建省福州市鼓楼区"),
    ("360102", "江西省南昌市东湖区"),
    ("370102", "山东省济南市历下区"),
    ("410105", "河南省郑州市金水区"),
    ("420106", "湖北省武汉市武昌区"),
    ("430102", "湖南省长沙市芙蓉区"),
    ("440106", "广东省广州市天河区"),
    ("450103", "广西壮族自治区南宁市青秀区"),
    ("500103", "重庆市渝中区"),
    ("510107", "四川省成都市武侯区"),
    ("520102", "贵州省贵阳市南明区"),
    ("530102", "云南省昆明市五华区"),
    ("610113", "陕西省西安市雁塔区"),
];

const STREETS: &[&str] = &[
    "人民路",
    "解放路",
    "建设路",
    "中山路",
    "文化路",
    "新华路",
    "胜利街",
];

/// A plausible full name for a person of the given sex.
pub fn person_name(rng: &mut Rng, female: bool) -> String {
    let surname = if rng.chance(0.5) {
        SURNAMES[rng.below(15) as usize]
    } else {
        rng.pick_str(SURNAMES)
    };
    let chars = if female { FEMALE_CHARS } else { MALE_CHARS };
    let mut name = String::from(surname);
    name.push_str(rng.pick_str(chars));
    if rng.chance(0.55) {
        name.push_str(rng.pick_str(chars));
    }
    name
}

/// The town (乡镇/街道) name for a seed.
pub fn town(rng: &mut Rng) -> &'static str {
    rng.pick_str(TOWNS)
}

/// `count` distinct village/community names.
pub fn villages(rng: &mut Rng, count: usize) -> Vec<String> {
    let mut stems: Vec<&str> = VILLAGE_STEMS.to_vec();
    rng.shuffle(&mut stems);
    (0..count)
        .map(|i| {
            let stem = stems[i % stems.len()];
            let round = i / stems.len();
            let suffix = if rng.chance(0.6) { "村" } else { "社区" };
            if round == 0 {
                format!("{stem}{suffix}")
            } else {
                format!("{stem}{}{suffix}", round + 1)
            }
        })
        .collect()
}

/// A mobile phone number.
pub fn phone(rng: &mut Rng) -> String {
    let second = rng.pick_str(&["3", "5", "7", "8", "9"]);
    format!("1{second}{:09}", rng.below(1_000_000_000))
}

/// A household address in the region of `region`.
pub fn household_address(rng: &mut Rng, region: &str) -> String {
    format!("{region}{}{}号", rng.pick(STREETS), rng.range(1, 300))
}

/// A current address in the village.
pub fn current_address(rng: &mut Rng, town: &str, village: &str) -> String {
    format!(
        "{town}{village}{}组{}号",
        rng.range(1, 12),
        rng.range(1, 80)
    )
}
