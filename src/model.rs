//! The content model: the site and its communities as loaded from YAML, each
//! value with the place it came from so a finding can point at it.

use crate::diag::Loc;

/// A text from the inventory: as written, normalised for comparison (SPEC §3),
/// and where it stands in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    pub raw: String,
    pub norm: String,
    pub loc: Loc,
}

impl Text {
    pub fn new(raw: impl Into<String>, loc: Loc) -> Text {
        let raw = raw.into();
        let norm = crate::text::normalize(&raw);
        Text { raw, norm, loc }
    }

    pub fn is_empty(&self) -> bool {
        self.norm.is_empty()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Kind {
    #[default]
    Community,
    Village,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::Community => "community",
            Kind::Village => "village",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Community => "社区",
            Kind::Village => "村",
        }
    }
}

/// Where an inventory entry stands: the inventory's list keys (SPEC §3), as
/// the work plan (SPEC §7) names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Gate,
    Header,
    GateWalls,
    Indoor,
    WallRules,
    Awards,
    Certificates,
}

impl Place {
    /// Where it is, in words for residents.
    pub fn zh(self) -> &'static str {
        match self {
            Place::Gate => "大门两侧",
            Place::Header => "门头",
            Place::GateWalls => "大门两侧墙体",
            Place::Indoor => "室内",
            Place::WallRules => "上墙制度",
            Place::Awards => "奖状奖牌",
            Place::Certificates => "证明事项",
        }
    }
}

/// One entry of an inventory list: `gate[2]` is `Entry { place: Gate, index: 2 }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entry {
    pub place: Place,
    pub index: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Orientation {
    #[default]
    Vertical,
    Horizontal,
}

/// A plaque or identifier (gate, header): `- 文字` or `- {text: 文字, ...}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plaque {
    /// The list entry (its first key, or the scalar).
    pub loc: Loc,
    pub text: Text,
    pub orientation: Orientation,
    pub size_mm: Option<[u32; 2]>,
    pub photo: Option<String>,
}

/// A board on the walls beside the gate; the one with `rooms` is the guide board.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Board {
    pub loc: Loc,
    pub text: Text,
    pub rooms: Option<Vec<Room>>,
    pub size_mm: Option<[u32; 2]>,
    pub photo: Option<String>,
}

impl Board {
    pub fn is_guide(&self) -> bool {
        self.rooms.is_some()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Room {
    pub loc: Loc,
    pub name: Text,
    /// As written: `1`, `-1`, `2F`, `二楼`.
    pub floor: Option<String>,
    pub direction: Option<Direction>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Left,
    Right,
    Ahead,
    Up,
    Down,
}

impl Direction {
    pub const IDS: [&'static str; 5] = ["left", "right", "ahead", "up", "down"];

    pub fn from_id(s: &str) -> Option<Direction> {
        Some(match s {
            "left" => Direction::Left,
            "right" => Direction::Right,
            "ahead" => Direction::Ahead,
            "up" => Direction::Up,
            "down" => Direction::Down,
            _ => return None,
        })
    }

    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Left => "←",
            Direction::Right => "→",
            Direction::Ahead => "↑",
            Direction::Up => "↗",
            Direction::Down => "↘",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndoorPlaque {
    pub loc: Loc,
    pub text: Text,
    /// The city-level approval reference; `None` or empty = not approved.
    pub approval: Option<String>,
    pub location: Option<String>,
    pub photo: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct WallRule {
    pub loc: Loc,
    pub title: Text,
    /// A category id of the standard (`notice`, `duties`, ...).
    pub category: String,
    pub on_wall: bool,
    pub body: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Award {
    pub loc: Loc,
    pub title: Text,
    pub issuer: Option<String>,
    pub year: Option<i64>,
    /// A display id of the standard (`wall`, `thumbnail`, ...).
    pub display: String,
    pub photo: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Certificate {
    pub loc: Loc,
    pub name: Text,
    pub purpose: Option<String>,
    pub basis: Option<String>,
}

/// One inventory file. A file that could not be read whole still yields a
/// community (with what could be read), so it is counted and listed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Community {
    /// Relative to the content folder, with `/`.
    pub file: String,
    pub id: String,
    /// Where `id:` is written; the file start when the id comes from the file name.
    pub id_loc: Loc,
    pub name: Text,
    pub kind: Kind,
    pub town: Text,
    pub address: Option<String>,
    pub surveyed_on: Option<String>,
    pub gate: Vec<Plaque>,
    pub header: Vec<Plaque>,
    pub gate_walls: Vec<Board>,
    pub indoor: Vec<IndoorPlaque>,
    pub wall_rules: Vec<WallRule>,
    pub awards: Vec<Award>,
    pub certificates: Vec<Certificate>,
    /// Where each section's key stands (for "missing" findings); the file start if absent.
    pub gate_loc: Loc,
    pub header_loc: Loc,
    pub gate_walls_loc: Loc,
    /// False when name, kind or town could not be read: the rules then cannot judge it.
    pub complete: bool,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Channel {
    pub level: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub hours: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Site {
    pub title: String,
    pub region: String,
    pub base_url: Option<String>,
    pub supervision: Vec<Channel>,
    /// A theme folder under `themes/` to use over the built-in default.
    pub theme: Option<String>,
    pub description: Option<String>,
    /// 主办单位, shown in every footer as government sites do.
    pub organizer: Option<String>,
    /// ICP备案号.
    pub icp: Option<String>,
    /// 公安机关备案号.
    pub police_record: Option<String>,
    /// 网站标识码 (government sites).
    pub site_code: Option<String>,
    /// The county's IANA time zone (`timezone:`), already known to exist;
    /// absent = Asia/Shanghai. Dates written for the county use it.
    pub timezone: Option<String>,
}
