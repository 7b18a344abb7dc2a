//! The shape of every file the loader reads, as data: which keys a mapping may
//! have, which are required, what type each holds. The loader checks files
//! against these tables (unknown keys, missing keys, "did you mean"), and
//! `qingpai schema` turns the same tables into a JSON Schema, so the two cannot
//! disagree.

/// What a value must be.
#[derive(Debug)]
pub enum Ty {
    /// Free text; a number is taken as its text.
    Text,
    Int,
    Bool,
    /// `YYYY-MM-DD`.
    Date,
    /// `[width, height]` in millimetres.
    Size,
    /// One of fixed words.
    Enum(&'static [&'static str]),
    /// A wall-rule category id of the standard in force.
    Category,
    /// An award display id of the standard in force.
    Display,
    /// A path relative to content/ of a file that must exist.
    Path,
    /// A floor: `1`, `-1`, `2F`.
    Floor,
    List(&'static Ty),
    Obj(&'static Shape),
    /// A bare string, short for `{text: ...}`, or the mapping.
    TextOrObj(&'static Shape),
    /// A list of texts.
    TextList,
}

#[derive(Debug)]
pub struct Field {
    pub key: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// What the key holds, for hints and the schema's descriptions.
    pub zh: &'static str,
    pub en: &'static str,
    /// Words a clerk might type instead of the key (`名称` for `name`).
    pub also: &'static [&'static str],
}

#[derive(Debug)]
pub struct Shape {
    pub zh: &'static str,
    pub en: &'static str,
    pub fields: &'static [Field],
}

impl Shape {
    pub fn field(&self, key: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

pub const fn f(key: &'static str, ty: Ty, zh: &'static str, en: &'static str) -> Field {
    Field {
        key,
        ty,
        required: false,
        zh,
        en,
        also: &[],
    }
}

pub const fn req(key: &'static str, ty: Ty, zh: &'static str, en: &'static str) -> Field {
    Field {
        key,
        ty,
        required: true,
        zh,
        en,
        also: &[],
    }
}

pub const fn also(mut field: Field, words: &'static [&'static str]) -> Field {
    field.also = words;
    field
}

pub static PLAQUE: Shape = Shape {
    zh: "牌子",
    en: "plaque",
    fields: &[
        also(
            req(
                "text",
                Ty::Text,
                "牌子上的文字",
                "the text as it reads on the plaque",
            ),
            &["文字", "名称", "内容"],
        ),
        also(
            f(
                "orientation",
                Ty::Enum(&["vertical", "horizontal"]),
                "竖牌 vertical（默认）或横牌 horizontal",
                "vertical (default) or horizontal",
            ),
            &["方向", "横竖"],
        ),
        also(
            f(
                "size_mm",
                Ty::Size,
                "尺寸 [宽, 高]，单位毫米",
                "[width, height] in mm",
            ),
            &["尺寸", "size", "大小"],
        ),
        also(
            f(
                "photo",
                Ty::Path,
                "照片，相对 content 文件夹的路径",
                "a photo, relative to content/",
            ),
            &["照片", "图片"],
        ),
    ],
};

pub static ROOM: Shape = Shape {
    zh: "引导牌上的房间",
    en: "guide-board room",
    fields: &[
        also(
            req("name", Ty::Text, "房间名称", "the room's name"),
            &["名称", "房间"],
        ),
        also(
            f(
                "floor",
                Ty::Floor,
                "楼层，如 1、-1",
                "the floor, e.g. 1 or -1",
            ),
            &["楼层", "层"],
        ),
        also(
            f(
                "direction",
                Ty::Enum(&["left", "right", "ahead", "up", "down"]),
                "方向：left 左、right 右、ahead 前、up 上楼、down 下楼",
                "left | right | ahead | up | down",
            ),
            &["方向"],
        ),
    ],
};

pub static BOARD: Shape = Shape {
    zh: "大门两侧墙体上的牌子",
    en: "board beside the gate",
    fields: &[
        also(
            req("text", Ty::Text, "牌子上的文字", "the text on the board"),
            &["文字", "名称"],
        ),
        also(
            f(
                "rooms",
                Ty::List(&Ty::Obj(&ROOM)),
                "引导牌上的房间（有 rooms 的就是引导牌）",
                "the rooms of the guide board (an entry with rooms is the guide board)",
            ),
            &["房间", "room"],
        ),
        also(
            f(
                "size_mm",
                Ty::Size,
                "尺寸 [宽, 高]，单位毫米",
                "[width, height] in mm",
            ),
            &["尺寸", "size"],
        ),
        also(
            f(
                "photo",
                Ty::Path,
                "照片，相对 content 文件夹的路径",
                "a photo, relative to content/",
            ),
            &["照片", "图片"],
        ),
    ],
};

pub static INDOOR: Shape = Shape {
    zh: "室内牌子",
    en: "indoor plaque",
    fields: &[
        also(
            req("text", Ty::Text, "牌子上的文字", "the text on the plaque"),
            &["文字", "名称"],
        ),
        also(
            f(
                "approval",
                Ty::Text,
                "市级审核同意的文号；没有就是未经审批",
                "the city-level approval reference; absent = not approved",
            ),
            &["审批", "文号", "批准"],
        ),
        also(
            f(
                "location",
                Ty::Text,
                "挂在哪里，如 一楼东侧",
                "where it hangs",
            ),
            &["位置", "地点"],
        ),
        also(
            f(
                "photo",
                Ty::Path,
                "照片，相对 content 文件夹的路径",
                "a photo, relative to content/",
            ),
            &["照片", "图片"],
        ),
    ],
};

pub static WALL_RULE: Shape = Shape {
    zh: "上墙制度",
    en: "wall rule",
    fields: &[
        also(
            req("title", Ty::Text, "制度名称", "the rule's title"),
            &["名称", "标题", "name"],
        ),
        also(
            req("category", Ty::Category, "类别", "its category"),
            &["类别", "分类", "type"],
        ),
        also(
            f(
                "on_wall",
                Ty::Bool,
                "是否还在墙上（默认 true）；false 表示已撤下编入服务手册",
                "still on the wall (default true)",
            ),
            &["上墙", "onwall"],
        ),
        also(
            f(
                "body",
                Ty::Text,
                "制度全文，印入服务手册",
                "the text, printed in the handbook",
            ),
            &["内容", "正文", "text"],
        ),
    ],
};

pub static AWARD: Shape = Shape {
    zh: "奖状奖牌",
    en: "award",
    fields: &[
        also(
            req("title", Ty::Text, "奖项名称", "the award's title"),
            &["名称", "标题", "name"],
        ),
        also(
            f("issuer", Ty::Text, "颁发单位", "who gave it"),
            &["颁发单位", "单位"],
        ),
        also(f("year", Ty::Int, "年份", "the year"), &["年份", "年"]),
        also(
            req("display", Ty::Display, "展示方式", "how it is displayed"),
            &["展示", "位置"],
        ),
        also(
            f(
                "photo",
                Ty::Path,
                "照片，相对 content 文件夹的路径",
                "a photo, relative to content/",
            ),
            &["照片", "图片"],
        ),
    ],
};

pub static CERTIFICATE: Shape = Shape {
    zh: "证明事项",
    en: "certificate",
    fields: &[
        also(
            req("name", Ty::Text, "证明名称", "the certificate's name"),
            &["名称"],
        ),
        also(f("purpose", Ty::Text, "用途", "what it is for"), &["用途"]),
        also(
            f("basis", Ty::Text, "法律法规依据", "its legal basis"),
            &["依据"],
        ),
    ],
};

pub static COMMUNITY: Shape = Shape {
    zh: "村(社区)清单",
    en: "community inventory",
    fields: &[
        also(
            f(
                "id",
                Ty::Text,
                "编号，用在网址里：只能用英文字母、数字、- 和 _；默认是文件名",
                "used in URLs; ASCII letters, digits, - and _; default: the file name",
            ),
            &["编号"],
        ),
        also(
            req(
                "name",
                Ty::Text,
                "村(社区)全称，以“社区”或“村”结尾",
                "the full name, ending with 社区 or 村",
            ),
            &["名称", "名字", "社区名称"],
        ),
        also(
            req(
                "kind",
                Ty::Enum(&["community", "village"]),
                "community 社区 或 village 村",
                "community | village",
            ),
            &["类型", "类别"],
        ),
        also(
            req("town", Ty::Text, "所属乡镇或街道", "the 乡镇 or 街道"),
            &["乡镇", "街道", "镇"],
        ),
        also(f("address", Ty::Text, "地址", "the address"), &["地址"]),
        also(
            f(
                "surveyed_on",
                Ty::Date,
                "摸底日期，如 2024-09-12",
                "the survey date",
            ),
            &["摸底日期", "日期", "surveyed"],
        ),
        also(
            f(
                "gate",
                Ty::List(&Ty::TextOrObj(&PLAQUE)),
                "大门两侧悬挂的每一块牌子",
                "every plaque beside the gate",
            ),
            &["大门", "门口"],
        ),
        also(
            f(
                "header",
                Ty::List(&Ty::TextOrObj(&PLAQUE)),
                "门头上的每一个标识或牌子",
                "every identifier on the door header",
            ),
            &["门头"],
        ),
        also(
            f(
                "gate_walls",
                Ty::List(&Ty::TextOrObj(&BOARD)),
                "大门两侧墙体上的每一块牌子",
                "every board on the walls beside the gate",
            ),
            &["墙体", "gate_wall", "walls"],
        ),
        also(
            f(
                "indoor",
                Ty::List(&Ty::TextOrObj(&INDOOR)),
                "室内门牌、机构牌子",
                "plaques inside the building",
            ),
            &["室内"],
        ),
        also(
            f(
                "wall_rules",
                Ty::List(&Ty::Obj(&WALL_RULE)),
                "上墙制度",
                "rules on the walls",
            ),
            &["制度", "上墙制度", "rules"],
        ),
        also(
            f("awards", Ty::List(&Ty::Obj(&AWARD)), "奖状奖牌", "awards"),
            &["奖牌", "奖状", "荣誉"],
        ),
        also(
            f(
                "certificates",
                Ty::List(&Ty::Obj(&CERTIFICATE)),
                "现在出具的证明事项",
                "certificates issued now",
            ),
            &["证明", "证明事项"],
        ),
    ],
};

pub static CHANNEL: Shape = Shape {
    zh: "监督举报渠道",
    en: "supervision channel",
    fields: &[
        also(
            req(
                "level",
                Ty::Text,
                "层级：自治区、市、县……",
                "level: region, city, county ...",
            ),
            &["层级", "级别"],
        ),
        also(
            f("name", Ty::Text, "受理单位", "the office"),
            &["单位", "名称"],
        ),
        also(f("phone", Ty::Text, "举报电话", "the hotline"), &["电话"]),
        also(
            f("email", Ty::Text, "监督邮箱", "the mailbox"),
            &["邮箱", "mail"],
        ),
        also(
            f("address", Ty::Text, "来信地址", "postal address"),
            &["地址"],
        ),
        also(f("website", Ty::Text, "网站", "website"), &["网站", "url"]),
        also(f("hours", Ty::Text, "受理时间", "office hours"), &["时间"]),
    ],
};

pub static SITE: Shape = Shape {
    zh: "站点设置 site.yaml",
    en: "site settings",
    fields: &[
        also(
            req("title", Ty::Text, "网站标题", "the site's title"),
            &["标题"],
        ),
        also(
            req(
                "region",
                Ty::Text,
                "网站覆盖的地区，如 某某县",
                "the area the site covers",
            ),
            &["地区"],
        ),
        also(
            f(
                "base_url",
                Ty::Text,
                "网站地址，如 https://example.gov.cn/qingpai/；只写路径（/ 或 /qingpai/）时 sitemap.xml 和规范链接不完整",
                "the site's address, e.g. https://example.gov.cn/qingpai/ (a bare path leaves sitemap.xml and canonical links relative)",
            ),
            &["baseurl", "url"],
        ),
        also(
            f(
                "supervision",
                Ty::List(&Ty::Obj(&CHANNEL)),
                "监督举报渠道",
                "supervision channels",
            ),
            &["监督", "举报"],
        ),
        also(
            f(
                "theme",
                Ty::Text,
                "主题文件夹 themes/ 下的名字",
                "a theme folder under themes/",
            ),
            &["主题"],
        ),
        also(
            f("description", Ty::Text, "网站简介", "a short description"),
            &["简介"],
        ),
        // The footer of a government site (SPEC §2): each shown when given.
        also(
            f(
                "organizer",
                Ty::Text,
                "主办单位，显示在每页页脚",
                "the organising body, in every footer",
            ),
            &["主办单位", "主办"],
        ),
        also(
            f(
                "icp",
                Ty::Text,
                "ICP备案号，如 宁ICP备00000000号",
                "ICP record number",
            ),
            &["ICP备案号", "备案号"],
        ),
        also(
            f(
                "police_record",
                Ty::Text,
                "公安机关备案号，如 宁公网安备00000000000000号",
                "public-security record number",
            ),
            &["公安备案号", "公网安备"],
        ),
        also(
            f(
                "site_code",
                Ty::Text,
                "网站标识码（政府网站），如 6400000000",
                "government website code",
            ),
            &["网站标识码", "标识码"],
        ),
        also(
            f(
                "timezone",
                Ty::Text,
                "时区（IANA 名称），默认 Asia/Shanghai（北京时间）；摸底日期和生成日期按它算",
                "the IANA time zone of dates written for the county; default Asia/Shanghai",
            ),
            &["时区", "tz", "time_zone"],
        ),
    ],
};
