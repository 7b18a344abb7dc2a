//! Findings: what the checker reports. Every rule code of SPEC §4 is a variant
//! of [`Rule`], with its fixed severity; a finding carries the file, line and
//! column, the message and the fix, in Chinese and in English.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Language of messages (`--lang`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// Every rule code, in the order of SPEC §4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    InputYaml,
    InputSchema,
    InputDuplicateId,
    InputFile,
    GateUnlisted,
    GateDuplicate,
    GateHorizontal,
    GateNameMismatch,
    GateMissing,
    HeaderUnlisted,
    HeaderDuplicate,
    HeaderMissing,
    WallsUnlisted,
    WallsDuplicateGuide,
    WallsNoGuide,
    GuideUnknownRoom,
    IndoorUnapproved,
    RulesInternalOnWall,
    RulesDuplicate,
    AwardsOnWall,
    CertAbolished,
    CertUnlisted,
    TextMissingGlyph,
}

impl Rule {
    pub const ALL: [Rule; 23] = [
        Rule::InputYaml,
        Rule::InputSchema,
        Rule::InputDuplicateId,
        Rule::InputFile,
        Rule::GateUnlisted,
        Rule::GateDuplicate,
        Rule::GateHorizontal,
        Rule::GateNameMismatch,
        Rule::GateMissing,
        Rule::HeaderUnlisted,
        Rule::HeaderDuplicate,
        Rule::HeaderMissing,
        Rule::WallsUnlisted,
        Rule::WallsDuplicateGuide,
        Rule::WallsNoGuide,
        Rule::GuideUnknownRoom,
        Rule::IndoorUnapproved,
        Rule::RulesInternalOnWall,
        Rule::RulesDuplicate,
        Rule::AwardsOnWall,
        Rule::CertAbolished,
        Rule::CertUnlisted,
        Rule::TextMissingGlyph,
    ];

    pub fn code(self) -> &'static str {
        self.info().0
    }

    pub fn severity(self) -> Severity {
        self.info().1
    }

    /// One line saying when the rule fires, for the standard page and `--help`.
    pub fn summary(self, lang: Lang) -> &'static str {
        let (_, _, zh, en) = self.info();
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Is this one of the `input.*` codes (the file could not be read as an inventory)?
    pub fn is_input(self) -> bool {
        matches!(
            self,
            Rule::InputYaml | Rule::InputSchema | Rule::InputDuplicateId | Rule::InputFile
        )
    }

    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.code() == code)
    }

    fn info(self) -> (&'static str, Severity, &'static str, &'static str) {
        use Severity::*;
        match self {
            Rule::InputYaml => (
                "input.yaml",
                Error,
                "文件不是有效的 YAML",
                "a file is not valid YAML",
            ),
            Rule::InputSchema => (
                "input.schema",
                Error,
                "未知的键、类型不对、缺少必填项或编号不合规",
                "unknown key, wrong type, missing required key, bad id",
            ),
            Rule::InputDuplicateId => (
                "input.duplicate-id",
                Error,
                "两个村(社区)的编号相同",
                "two communities share an id",
            ),
            Rule::InputFile => (
                "input.file",
                Error,
                "引用的文件不存在，或路径超出了 content 文件夹",
                "a referenced file is missing, or its path leaves content/",
            ),
            Rule::GateUnlisted => (
                "gate.unlisted",
                Error,
                "大门两侧挂了三块竖牌以外的牌子",
                "a plaque at the gate that is none of the three roles",
            ),
            Rule::GateDuplicate => (
                "gate.duplicate",
                Error,
                "同一种竖牌挂了不止一块",
                "a second plaque of a role already present",
            ),
            Rule::GateHorizontal => (
                "gate.horizontal",
                Error,
                "大门两侧的牌子不是竖牌",
                "a gate plaque that is not vertical",
            ),
            Rule::GateNameMismatch => (
                "gate.name-mismatch",
                Warning,
                "竖牌上的名称不是本村(社区)",
                "a role's plaque naming another place",
            ),
            Rule::GateMissing => (
                "gate.missing",
                Warning,
                "三块竖牌缺了某一块",
                "one of the three roles has no plaque",
            ),
            Rule::HeaderUnlisted => (
                "header.unlisted",
                Error,
                "门头挂了两个标识以外的牌子",
                "anything on the door header other than the two identifiers",
            ),
            Rule::HeaderDuplicate => (
                "header.duplicate",
                Error,
                "门头同一个标识挂了两次",
                "an identifier hung twice",
            ),
            Rule::HeaderMissing => (
                "header.missing",
                Warning,
                "门头缺少某个标识",
                "an identifier is absent",
            ),
            Rule::WallsUnlisted => (
                "walls.unlisted",
                Error,
                "大门两侧墙体挂了引导牌以外的牌子",
                "a board beside the gate that is not the guide board",
            ),
            Rule::WallsDuplicateGuide => (
                "walls.duplicate-guide",
                Error,
                "引导牌不止一块",
                "more than one guide board",
            ),
            Rule::WallsNoGuide => (
                "walls.no-guide",
                Warning,
                "大门两侧墙体没有引导牌",
                "no guide board",
            ),
            Rule::GuideUnknownRoom => (
                "guide.unknown-room",
                Warning,
                "引导牌上的房间不在标准的房间清单里",
                "a guide-board room that the standard's room list does not have",
            ),
            Rule::IndoorUnapproved => (
                "indoor.unapproved",
                Error,
                "室内牌子没有市级审核同意文号",
                "an indoor plaque without an approval reference",
            ),
            Rule::RulesInternalOnWall => (
                "rules.internal-on-wall",
                Error,
                "内部管理类制度或具体政策仍在墙上",
                "a wall rule of an internal category still on the wall",
            ),
            Rule::RulesDuplicate => (
                "rules.duplicate",
                Error,
                "墙上有两项同名的制度",
                "two rules on the wall with the same title",
            ),
            Rule::AwardsOnWall => (
                "awards.on-wall",
                Error,
                "奖状奖牌挂在墙上",
                "an award with display: wall",
            ),
            Rule::CertAbolished => (
                "cert.abolished",
                Error,
                "出具国家清单上不应由村(居)委会出具的证明",
                "a certificate on the national list of those committees must not issue",
            ),
            Rule::CertUnlisted => (
                "cert.unlisted",
                Error,
                "出具不在本地保留清单上的证明",
                "a certificate not on the site's retained list",
            ),
            Rule::TextMissingGlyph => (
                "text.missing-glyph",
                Warning,
                "标牌字体里没有这个字，印出来会缺字",
                "a character that the sign font cannot draw",
            ),
        }
    }
}

/// A message in both languages; the report picks one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A place in a source file, counted from 1 in characters. `len` is how many
/// characters to underline (0 = underline to the end of the line).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
    pub len: u32,
}

impl Loc {
    pub const START: Loc = Loc {
        line: 1,
        column: 1,
        len: 0,
    };
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    /// The community's id, or `None` for a site-wide problem.
    pub community: Option<String>,
    /// Relative to the content folder, with `/`.
    pub file: String,
    pub loc: Loc,
    /// The inventory entry the finding is about, when it is about one (the
    /// work plan groups findings by it); `None` for a missing sign, a room, a
    /// character or the file itself.
    pub entry: Option<crate::model::Entry>,
    pub message: Msg,
    pub fix: Option<Msg>,
    /// Other places in the same file the finding is about, each with a short
    /// label (the kept plaque of a duplicate): the text report shows them as
    /// secondary spans. Usually empty; the JSON, SARIF and GitHub reports,
    /// which carry one location, do not show them (the fix names the line).
    pub related: Vec<(Loc, Msg)>,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }
}

/// Sort findings as SPEC §5 orders them: by file, then line, then column.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.file.as_str(), a.loc.line, a.loc.column, a.rule).cmp(&(
            b.file.as_str(),
            b.loc.line,
            b.loc.column,
            b.rule,
        ))
    });
}

/// How many of `findings` have severity `s`.
pub fn count<'a>(findings: impl IntoIterator<Item = &'a Finding>, s: Severity) -> usize {
    findings.into_iter().filter(|f| f.severity() == s).count()
}

/// Counts of the report's summary (SPEC §5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub communities: usize,
    pub compliant: usize,
    pub errors: usize,
    pub warnings: usize,
}
