//! How a town's name becomes a folder name (the site's `towns/TOWN/`) and an
//! Excel sheet name (`stats.xlsx`), and which names can be neither. One place
//! for both, so that `check` refuses exactly the names `build` and `stats`
//! could not write, instead of the build failing after the check passed.

use unicode_normalization::UnicodeNormalization;

/// The longest file or folder name, in bytes, on Linux and macOS (NTFS
/// counts 255 UTF-16 units, which is never fewer characters).
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// The longest Excel sheet name, in UTF-16 units (Excel's own limit).
pub const MAX_SHEET_UNITS: usize = 31;

/// Characters a folder name may not hold on some system, and `#` `%` which
/// would break the links to it.
const PATH_CHARS: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|', '#', '%'];

/// Characters Excel refuses in a sheet name.
const SHEET_CHARS: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];

fn unusable(c: char) -> bool {
    c.is_control() || PATH_CHARS.contains(&c) || SHEET_CHARS.contains(&c)
}

/// The first `max` bytes of `s`, cut at a character boundary.
fn cut_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A safe folder name for a town: its name without path characters, dots or
/// spaces at the ends, cut to what a file system takes. A town name that
/// [`town_problem`] accepts comes out unchanged.
pub fn town_slug(town: &str) -> String {
    let s: String = town
        .chars()
        .filter(|c| !(c.is_control() || PATH_CHARS.contains(c)))
        .collect();
    let s = cut_bytes(s.trim().trim_matches('.').trim(), MAX_FILE_NAME_BYTES);
    if s.is_empty() {
        "town".to_owned()
    } else {
        s.to_owned()
    }
}

/// The key under which two town folders are the same folder: on a
/// case-insensitive or normalising file system (Windows, macOS) and for
/// Excel's sheet names, `Town` and `TOWN` are one.
pub fn town_key(town: &str) -> String {
    town_slug(town).nfc().collect::<String>().to_lowercase()
}

/// The sheet name for a town in a workbook that already has the sheets
/// `taken`: the town's name without the characters Excel refuses, no `'` at
/// either end, at most 31 UTF-16 units; `乡镇N` when that leaves nothing or
/// a name already taken (Excel compares names without case).
pub fn sheet_name(town: &str, taken: &[&str]) -> String {
    let clean: String = town
        .chars()
        .filter(|c| !(c.is_control() || SHEET_CHARS.contains(c)))
        .collect();
    let clean = clean.trim().trim_matches('\'').trim();
    let mut name = String::new();
    let mut units = 0;
    for c in clean.chars() {
        units += c.len_utf16();
        if units > MAX_SHEET_UNITS {
            break;
        }
        name.push(c);
    }
    // Cutting may leave a `'` at the end.
    let name = name.trim_end_matches('\'').trim_end().to_owned();
    let free = |n: &str| {
        let lower = n.to_lowercase();
        // Excel reserves "History" for its change tracking.
        lower != "history" && !taken.iter().any(|t| t.to_lowercase() == lower)
    };
    if !name.is_empty() && free(&name) {
        return name;
    }
    (taken.len()..)
        .map(|i| format!("乡镇{i}"))
        .find(|n| free(n))
        .expect("an unbounded range always has a free name")
}

/// Why a town name cannot be used as it is for its folder and its sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TownProblem {
    /// Characters a folder or sheet name cannot hold (listed once each).
    Chars(String),
    /// A `'` or `.` at the start or the end.
    Ends(char),
    /// More than [`MAX_SHEET_UNITS`] characters (UTF-16 units).
    TooLong { units: usize, bytes: usize },
}

/// Is the (trimmed) town name usable as it is, as a folder name and a sheet
/// name? Control characters are not listed here: the reader refuses them in
/// every text field.
pub fn town_problem(town: &str) -> Option<TownProblem> {
    let town = town.trim();
    let mut bad = String::new();
    for c in town.chars() {
        if unusable(c) && !c.is_control() && !bad.contains(c) {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        return Some(TownProblem::Chars(bad));
    }
    for end in [town.chars().next(), town.chars().last()]
        .into_iter()
        .flatten()
    {
        if end == '\'' || end == '.' {
            return Some(TownProblem::Ends(end));
        }
    }
    let units: usize = town.chars().map(char::len_utf16).sum();
    if units > MAX_SHEET_UNITS || town.len() > MAX_FILE_NAME_BYTES {
        return Some(TownProblem::TooLong {
            units,
            bytes: town.len(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_towns_are_used_as_they_are() {
        for town in [
            "城关镇",
            "东城街道",
            "Town",
            "新疆生产建设兵团第八师石河子市北泉镇",
        ] {
            assert_eq!(town_problem(town), None, "{town}");
            assert_eq!(town_slug(town), town);
            assert_eq!(sheet_name(town, &["全县"]), town);
        }
    }

    #[test]
    fn names_build_could_not_write_are_problems() {
        assert_eq!(town_problem("'城关'"), Some(TownProblem::Ends('\'')));
        assert_eq!(
            town_problem("城关/镇"),
            Some(TownProblem::Chars("/".into()))
        );
        assert_eq!(
            town_problem("[城关]:镇"),
            Some(TownProblem::Chars("[]:".into()))
        );
        assert_eq!(town_problem(".城关镇"), Some(TownProblem::Ends('.')));
        let long = "城".repeat(86);
        assert!(matches!(
            town_problem(&long),
            Some(TownProblem::TooLong {
                units: 86,
                bytes: 258
            })
        ));
        // 31 characters is the most; characters outside the BMP count twice.
        assert_eq!(town_problem(&"城".repeat(31)), None);
        assert!(town_problem(&"𠀀".repeat(16)).is_some());
    }

    #[test]
    fn slugs_and_sheet_names_are_always_writable() {
        let long = "城".repeat(86);
        assert!(town_slug(&long).len() <= MAX_FILE_NAME_BYTES);
        assert_eq!(town_slug("城关/镇"), "城关镇");
        assert_eq!(town_slug("../.."), "town");
        assert_eq!(sheet_name("'城关'", &[]), "城关");
        assert_eq!(sheet_name(&long, &[]).chars().count(), 31);
        assert_eq!(sheet_name(&"𠀀".repeat(20), &[]).chars().count(), 15);
        assert_eq!(sheet_name("TOWN", &["全县", "Town"]), "乡镇2");
        assert_eq!(sheet_name("history", &["全县"]), "乡镇1");
        assert_eq!(sheet_name("[]", &["全县", "乡镇2"]), "乡镇3");
    }

    #[test]
    fn keys_fold_case() {
        assert_eq!(town_key("Town"), town_key("TOWN"));
        assert_eq!(town_key("城关/镇"), town_key("城关镇"));
        assert_ne!(town_key("城关镇"), town_key("城南镇"));
    }
}
