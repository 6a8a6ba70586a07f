//! The Chinese words the demo company is made of: people's and companies'
//! names, cities, industries, phone numbers, and what sales people write.

use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::normalize;

use super::random::{early_one_of, one_of, weighted, weighted_by};

/// Family names (most common first) with their pinyin.
#[rustfmt::skip]
const SURNAMES: &[(&str, &str)] = &[
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"),
    ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"),
    ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"),
    ("田", "tian"), ("董", "dong"), ("潘", "pan"), ("袁", "yuan"), ("蔡", "cai"), ("蒋", "jiang"), ("余", "yu"), ("于", "yu"),
    ("杜", "du"), ("叶", "ye"), ("程", "cheng"), ("魏", "wei"), ("苏", "su"), ("吕", "lv"), ("丁", "ding"), ("任", "ren"),
    ("卢", "lu"), ("姚", "yao"), ("沈", "shen"), ("钟", "zhong"), ("姜", "jiang"), ("崔", "cui"), ("谭", "tan"), ("陆", "lu"),
    ("范", "fan"), ("汪", "wang"), ("廖", "liao"), ("石", "shi"), ("金", "jin"), ("贾", "jia"), ("夏", "xia"), ("方", "fang"),
    ("邹", "zou"), ("熊", "xiong"), ("白", "bai"), ("孟", "meng"), ("秦", "qin"), ("邱", "qiu"), ("侯", "hou"), ("江", "jiang"),
    ("薛", "xue"), ("雷", "lei"), ("龙", "long"), ("黎", "li"), ("史", "shi"), ("陶", "tao"), ("贺", "he"), ("顾", "gu"),
    ("毛", "mao"), ("郝", "hao"), ("龚", "gong"), ("邵", "shao"), ("万", "wan"), ("钱", "qian"), ("严", "yan"), ("戴", "dai"),
    ("欧阳", "ouyang"), ("莫", "mo"), ("孔", "kong"), ("向", "xiang"), ("汤", "tang"), ("常", "chang"), ("易", "yi"), ("乔", "qiao"),
];

/// Characters of given names with their pinyin.
#[rustfmt::skip]
const GIVEN: &[(&str, &str)] = &[
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"), ("磊", "lei"),
    ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("明", "ming"),
    ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("英", "ying"), ("华", "hua"), ("玉", "yu"),
    ("兰", "lan"), ("萍", "ping"), ("红", "hong"), ("鹏", "peng"), ("辉", "hui"), ("建", "jian"), ("波", "bo"), ("宁", "ning"),
    ("斌", "bin"), ("俊", "jun"), ("晨", "chen"), ("浩", "hao"), ("宇", "yu"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"),
    ("欣", "xin"), ("颖", "ying"), ("慧", "hui"), ("佳", "jia"), ("思", "si"), ("梓", "zi"), ("子", "zi"), ("诗", "shi"),
    ("雨", "yu"), ("嘉", "jia"), ("博", "bo"), ("文", "wen"), ("志", "zhi"), ("海", "hai"), ("峰", "feng"), ("凯", "kai"),
    ("飞", "fei"), ("燕", "yan"), ("丹", "dan"), ("倩", "qian"), ("亮", "liang"), ("鑫", "xin"), ("阳", "yang"), ("帆", "fan"),
    ("瑶", "yao"), ("晓", "xiao"), ("昊", "hao"), ("睿", "rui"), ("泽", "ze"), ("然", "ran"), ("轩", "xuan"), ("航", "hang"),
    ("彤", "tong"), ("悦", "yue"), ("璐", "lu"), ("薇", "wei"), ("蕾", "lei"), ("岚", "lan"), ("东", "dong"), ("国", "guo"),
    ("春", "chun"), ("立", "li"), ("永", "yong"), ("成", "cheng"), ("婉", "wan"), ("梦", "meng"), ("涵", "han"), ("雅", "ya"),
];

/// Characters of company brand names (字号) with their pinyin.
#[rustfmt::skip]
const BRAND: &[(&str, &str)] = &[
    ("恒", "heng"), ("信", "xin"), ("达", "da"), ("华", "hua"), ("泰", "tai"), ("盛", "sheng"), ("鑫", "xin"), ("瑞", "rui"),
    ("宏", "hong"), ("远", "yuan"), ("博", "bo"), ("创", "chuang"), ("联", "lian"), ("天", "tian"), ("诚", "cheng"), ("佳", "jia"),
    ("丰", "feng"), ("安", "an"), ("德", "de"), ("利", "li"), ("嘉", "jia"), ("中", "zhong"), ("新", "xin"), ("海", "hai"),
    ("金", "jin"), ("润", "run"), ("顺", "shun"), ("星", "xing"), ("辰", "chen"), ("明", "ming"), ("汇", "hui"), ("通", "tong"),
    ("力", "li"), ("源", "yuan"), ("兴", "xing"), ("优", "you"), ("凯", "kai"), ("益", "yi"), ("永", "yong"), ("宇", "yu"),
    ("腾", "teng"), ("飞", "fei"), ("锦", "jin"), ("程", "cheng"), ("启", "qi"), ("航", "hang"), ("东", "dong"), ("方", "fang"),
    ("云", "yun"), ("智", "zhi"), ("众", "zhong"), ("合", "he"),
];

/// An industry (行业), how common it is, and words used in company names.
pub(super) struct Industry {
    /// Name shown on customers.
    pub name: &'static str,
    weight: u32,
    words: &'static [&'static str],
}

#[rustfmt::skip]
const INDUSTRIES: &[Industry] = &[
    Industry { name: "制造业", weight: 18, words: &["机械", "电子", "精密制造", "模具", "新材料", "自动化"] },
    Industry { name: "批发零售", weight: 16, words: &["贸易", "商贸", "百货", "商业连锁"] },
    Industry { name: "餐饮", weight: 10, words: &["餐饮管理", "食品", "餐饮连锁"] },
    Industry { name: "教育培训", weight: 8, words: &["教育科技", "培训学校", "文化传播"] },
    Industry { name: "医疗健康", weight: 7, words: &["医疗器械", "健康管理", "医药"] },
    Industry { name: "物流", weight: 8, words: &["物流", "供应链管理", "运输"] },
    Industry { name: "互联网", weight: 9, words: &["网络科技", "信息技术", "软件"] },
    Industry { name: "建筑工程", weight: 8, words: &["建设工程", "建材", "装饰工程"] },
    Industry { name: "专业服务", weight: 8, words: &["企业管理咨询", "财务咨询", "人力资源"] },
    Industry { name: "酒店旅游", weight: 5, words: &["酒店管理", "旅行社"] },
    Industry { name: "汽车服务", weight: 3, words: &["汽车服务", "汽车销售"] },
];

/// Cities of each region, in team order (East, North, South, West), biggest first.
#[rustfmt::skip]
const CITIES: [&[(&str, &str)]; 4] = [
    &[
        ("上海", "sh"), ("杭州", "hz"), ("南京", "nj"), ("苏州", "sz"), ("宁波", "nb"), ("无锡", "wx"),
        ("合肥", "hf"), ("福州", "fz"), ("厦门", "xm"), ("济南", "jn"), ("青岛", "qd"),
    ],
    &[
        ("北京", "bj"), ("天津", "tj"), ("郑州", "zz"), ("石家庄", "sjz"), ("沈阳", "sy"), ("大连", "dl"),
        ("太原", "ty"), ("哈尔滨", "hrb"),
    ],
    &[
        ("深圳", "sz"), ("广州", "gz"), ("东莞", "dg"), ("佛山", "fs"), ("长沙", "cs"), ("珠海", "zh"),
        ("南宁", "nn"), ("海口", "hk"),
    ],
    &[("成都", "cd"), ("重庆", "cq"), ("西安", "xa"), ("昆明", "km"), ("贵阳", "gy"), ("兰州", "lz")],
];

const COMPANY_SUFFIXES: [&str; 3] = ["股份有限公司", "有限责任公司", "有限公司"];

/// A person's name and its pinyin (for e-mail addresses).
pub(super) struct PersonName {
    /// 王芳.
    pub full: String,
    /// wangfang.
    pub pinyin: String,
}

/// A company's registered name, its short name and its e-mail domain stem.
pub(super) struct CompanyName {
    /// 杭州恒信机械有限公司.
    pub full: String,
    /// 恒信机械.
    pub short: String,
    /// hengxin-hz.
    pub domain: String,
}

/// A Chinese personal name.
pub(super) fn person(rng: &mut StdRng) -> PersonName {
    let (surname, surname_pinyin) = early_one_of(rng, SURNAMES, 1.6);
    let (first, first_pinyin) = one_of(rng, GIVEN);
    if rng.random_bool(0.35) {
        return PersonName {
            full: format!("{surname}{first}"),
            pinyin: format!("{surname_pinyin}{first_pinyin}"),
        };
    }
    let (second, second_pinyin) = one_of(rng, GIVEN);
    PersonName {
        full: format!("{surname}{first}{second}"),
        pinyin: format!("{surname_pinyin}{first_pinyin}{second_pinyin}"),
    }
}

/// An industry, by how common it is.
pub(super) fn industry(rng: &mut StdRng) -> &'static Industry {
    &INDUSTRIES[weighted_by(rng, INDUSTRIES, |industry| industry.weight)]
}

/// A city of a region (team index), bigger cities more often.
pub(super) fn city(rng: &mut StdRng, region: usize) -> (&'static str, &'static str) {
    early_one_of(rng, CITIES[region.min(CITIES.len() - 1)], 1.5)
}

/// A company name in a city and industry.
pub(super) fn company(rng: &mut StdRng, city: (&str, &str), industry: &Industry) -> CompanyName {
    let (first, first_pinyin) = one_of(rng, BRAND);
    let (second, second_pinyin) = loop {
        let pick = one_of(rng, BRAND);
        if pick.0 != first {
            break pick;
        }
    };
    let word = one_of(rng, industry.words);
    let short = format!("{first}{second}{word}");
    let (city_name, city_code) = city;
    let full = match weighted(rng, &[55, 6, 12, 7, 12, 8]) {
        0 => format!("{city_name}{short}有限公司"),
        1 => format!("{city_name}{short}股份有限公司"),
        2 => format!("{short}（{city_name}）有限公司"),
        3 => format!("{city_name}{short}有限责任公司"),
        4 => format!("{city_name}市{short}有限公司"),
        _ => format!("{city_name}{short}"),
    };
    CompanyName {
        full,
        short,
        domain: format!("{first_pinyin}{second_pinyin}-{city_code}"),
    }
}

/// The same customer name written differently (spacing, brackets, legal
/// suffix), so that duplicate detection recognises it.
pub(super) fn name_variant(rng: &mut StdRng, name: &str, city: &str) -> String {
    let without_suffix = COMPANY_SUFFIXES
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix));
    let candidates = [
        without_suffix.map(str::to_string),
        without_suffix.map(|stem| format!("{stem}公司")),
        name.strip_prefix(city)
            .filter(|rest| !rest.starts_with('市'))
            .map(|rest| format!("{city} {rest}")),
        name.contains('（')
            .then(|| name.replace('（', "(").replace('）', ")")),
        (name.chars().count() <= 4)
            .then(|| name.chars().map(String::from).collect::<Vec<_>>().join(" ")),
    ];
    let usable: Vec<&String> = candidates
        .iter()
        .flatten()
        .filter(|variant| normalize::customer_name(variant) == normalize::customer_name(name))
        .collect();
    if usable.is_empty() {
        return format!("{name} ");
    }
    usable[rng.random_range(0..usable.len())].clone()
}

/// An 11-digit mobile number (13x, 15x, 18x).
pub(super) fn mobile(rng: &mut StdRng) -> u64 {
    const PREFIXES: [u64; 24] = [
        130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158,
        159, 180, 182, 186, 187, 189,
    ];
    one_of(rng, &PREFIXES) * 100_000_000 + rng.random_range(0..100_000_000)
}

/// A mobile number written the way people paste it (`+86 138-0013-8000`).
pub(super) fn formatted_mobile(rng: &mut StdRng, digits: &str) -> String {
    let (head, rest) = digits.split_at(digits.len().min(3));
    let (middle, tail) = rest.split_at(rest.len().min(4));
    if rng.random_bool(0.5) {
        format!("+86 {head}-{middle}-{tail}")
    } else {
        format!("{head} {middle} {tail}")
    }
}
