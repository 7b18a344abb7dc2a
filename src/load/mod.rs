//! Loading a content folder (SPEC §2): `site.yaml`, the optional
//! `standard.yaml` and every `communities/**/*.yaml`, each value located, every
//! problem collected as an `input.*` finding.

pub mod cache;
pub mod community;
pub mod node;
pub mod paths;
pub mod photo;
pub mod read;
pub mod reader;
pub mod shape;
pub mod site;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Finding, Loc, Msg, Rule};
use crate::model::{Community, Site};
use crate::standard::{self, Standard};
use cache::{Cache, Key};
use node::{SyntaxError, SyntaxErrorKind};
use read::ReadError;
use reader::Ctx;

/// Everything read from a content folder.
pub struct Content {
    pub dir: PathBuf,
    pub site: Option<Site>,
    pub standard: Standard,
    /// Sorted by file. A file that could not be read still has its entry.
    pub communities: Vec<Community>,
    /// Every `input.*` finding, in no particular order.
    pub findings: Vec<Finding>,
    /// The text of every file read, by its path relative to the content folder,
    /// for the report's source lines.
    pub sources: HashMap<String, String>,
}

/// How deep `communities/` may nest (town folders, and a level or two more).
const MAX_DEPTH: usize = 8;

/// Read the content folder `dir`. Nothing is cached: see [`load_derived`].
pub fn load(dir: &Path) -> Content {
    load_inner(dir, None).0
}

/// What [`load_derived`] works out from each community in the same pass over
/// the files (the rules' findings, for `check`).
#[derive(Clone, Copy)]
pub struct Derive<'a> {
    /// What `run` is, in a word: part of the cache's identity, so that the
    /// entries of one use are never read by another.
    pub purpose: &'a str,
    /// Depends on the community and the standard alone (never on another
    /// file): that is what lets its results be cached per file.
    pub run: &'a (dyn Fn(&Community, &Standard) -> Vec<Finding> + Sync),
}

/// [`load`], with `derive` run on every community in the same parallel pass
/// (its findings returned per community, in the order of
/// `Content::communities`), and the results of every unchanged file taken
/// from the cache beside the content folder ([`cache`]), which is then
/// brought up to date. What depends on several files (duplicate ids) is
/// worked out afresh.
pub fn load_derived(dir: &Path, derive: Derive) -> (Content, Vec<Vec<Finding>>) {
    load_inner(dir, Some(derive))
}

/// One inventory, read (or taken from the cache).
struct One {
    community: Community,
    read: Vec<Finding>,
    derived: Vec<Finding>,
    src: Option<String>,
    /// How the cache gets this file's entry: none (no cache, or the file
    /// could not be read), the old entry as it was, or a new one (sealed).
    store: Store,
}

enum Store {
    Nothing,
    Keep(Key),
    New(Key, Vec<u8>),
}

fn load_inner(dir: &Path, derive: Option<Derive>) -> (Content, Vec<Vec<Finding>>) {
    let mut findings = Vec::new();
    let mut sources = HashMap::new();

    let (standard, std_findings) = match read_file(dir, "standard.yaml") {
        None => (Standard::builtin(), Vec::new()),
        Some(Err(f)) => (Standard::builtin(), vec![f]),
        Some(Ok(src)) => {
            let loaded = standard::load("standard.yaml", &src, dir);
            sources.insert("standard.yaml".to_owned(), src);
            loaded
        }
    };
    findings.extend(std_findings);

    let site = match read_file(dir, "site.yaml") {
        None => {
            findings.push(Finding {
                related: Vec::new(),
                rule: Rule::InputFile,
                community: None,
                file: "site.yaml".into(),
                loc: Loc::START,
                entry: None,
                message: Msg::new(
                    format!("内容文件夹“{}”里没有 site.yaml", dir.display()),
                    format!("the content folder `{}` has no site.yaml", dir.display()),
                ),
                fix: Some(Msg::new(
                    "在内容文件夹里建 site.yaml，写上 title 和 region；或用 --content 指向正确的文件夹",
                    "create site.yaml with title and region, or point --content at the right folder",
                )),
            });
            None
        }
        Some(Err(f)) => {
            findings.push(f);
            None
        }
        Some(Ok(src)) => {
            let mut ctx = Ctx::new("site.yaml", &src, dir);
            let site = match node::parse(&src) {
                Ok(doc) => site::read(&mut ctx, &doc),
                Err(e) => {
                    ctx.findings.push(syntax_finding("site.yaml", None, &e));
                    None
                }
            };
            findings.append(&mut ctx.findings);
            sources.insert("site.yaml".to_owned(), src);
            site
        }
    };

    let mut files = Vec::new();
    // The walk and the reading of the cache file (about 2 KB per inventory,
    // read and indexed here, each entry checked where it is used) go side
    // by side.
    let standard_src = sources.get("standard.yaml").map(String::as_str);
    // The previous run's cache file (`serve` loads again and again) is
    // complete before it is read.
    if derive.is_some() {
        cache::wait_for_writes();
    }
    let ((), cache) = rayon::join(
        || walk(dir, &dir.join("communities"), 0, &mut files, &mut findings),
        || derive.and_then(|d| Cache::open(dir, standard_src, d.purpose)),
    );
    files.sort();

    let mut loaded: Vec<One> = files
        .par_iter()
        .map(|rel| load_one(dir, rel, &standard, derive, cache.as_ref()))
        .collect();

    if let Some(cache) = cache {
        // The cache file is written while the caller goes on (the report,
        // the build); the program waits for it before it exits
        // ([`cache::wait_for_writes`]).
        let stores: Vec<Store> = loaded
            .iter_mut()
            .map(|one| std::mem::replace(&mut one.store, Store::Nothing))
            .collect();
        cache::write_in_background(move || save_cache(&cache, &stores));
    }
    let mut communities = Vec::with_capacity(loaded.len());
    let mut derived = Vec::with_capacity(loaded.len());
    sources.reserve(loaded.len());
    for one in loaded {
        let One {
            community,
            read: mut f,
            derived: d,
            src,
            store: _,
        } = one;
        findings.append(&mut f);
        if let Some(src) = src {
            sources.insert(community.file.clone(), src);
        }
        communities.push(community);
        derived.push(d);
    }
    duplicate_ids(&communities, &mut findings);

    let content = Content {
        dir: dir.to_owned(),
        site,
        standard,
        communities,
        findings,
        sources,
    };
    (content, derived)
}

/// Read one inventory and derive from it, or take both from the cache.
fn load_one(
    dir: &Path,
    rel: &str,
    std: &Standard,
    derive: Option<Derive>,
    cache: Option<&Cache>,
) -> One {
    let run = |c: &Community| derive.map_or_else(Vec::new, |d| (d.run)(c, std));
    let bytes = match read::read_bytes(&dir.join(rel)) {
        Ok(bytes) => bytes,
        Err(e) => {
            let stem = file_stem(rel);
            let community = unread_community(rel, &stem);
            return One {
                derived: run(&community),
                community,
                read: vec![read_finding(rel, Some(&stem), e)],
                src: None,
                store: Store::Nothing,
            };
        }
    };
    let Some(cache) = cache else {
        let (community, read, src, _) = read_community(dir, rel, bytes, std);
        return One {
            derived: run(&community),
            community,
            read,
            src,
            store: Store::Nothing,
        };
    };
    let key = Cache::key(rel, &bytes);
    if let Some(hit) = cache.get(&key, dir) {
        return One {
            community: hit.community,
            read: hit.read,
            derived: hit.derived,
            // What `community_from_bytes` keeps of the file: its text when it is text.
            src: read::decode(bytes).ok(),
            store: Store::Keep(key),
        };
    }
    let (community, read, src, photos) = read_community(dir, rel, bytes, std);
    let derived = run(&community);
    let sealed = cache::seal(&cache::encode_entry(&photos, &community, &read, &derived));
    One {
        community,
        read,
        derived,
        src,
        store: Store::New(key, sealed),
    }
}

/// Bring the cache file up to date with this run's files: written only when
/// an entry is new or one is no longer wanted.
fn save_cache(cache: &Cache, stores: &[Store]) {
    let mut keys = Vec::with_capacity(stores.len());
    let mut fresh = false;
    for store in stores {
        match store {
            Store::Nothing => {}
            Store::Keep(key) => keys.push(*key),
            Store::New(key, _) => {
                keys.push(*key);
                fresh = true;
            }
        }
    }
    if !fresh && cache.holds_exactly(&keys) {
        return;
    }
    cache.save(stores.iter().filter_map(|store| match store {
        Store::Nothing => None,
        Store::Keep(key) => cache.stored(key).map(|p| (key, p)),
        Store::New(key, sealed) => Some((key, sealed.as_slice())),
    }));
}

/// Read `rel` under `dir`: `None` if it does not exist.
fn read_file(dir: &Path, rel: &str) -> Option<Result<String, Finding>> {
    let path = dir.join(rel);
    if !path.exists() {
        return None;
    }
    Some(read::read_text(&path).map_err(|e| read_finding(rel, None, e)))
}

fn file_stem(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    let cut = [".yaml", ".yml"]
        .iter()
        .find(|ext| lower.ends_with(*ext))
        .map_or(0, |ext| ext.len());
    name[..name.len() - cut].to_owned()
}

/// What is known of a community whose file could not be read: its file and
/// the id its name gives.
fn unread_community(rel: &str, stem: &str) -> Community {
    Community {
        file: rel.to_owned(),
        id: stem.to_owned(),
        ..Community::default()
    }
}

/// Load one community file (relative to the content folder): the community
/// (what could be read), its `input.*` findings and its text.
pub fn load_community(
    dir: &Path,
    rel: &str,
    std: &Standard,
) -> (Community, Vec<Finding>, Option<String>) {
    let stem = file_stem(rel);
    let broken = || unread_community(rel, &stem);
    match read::read_bytes(&dir.join(rel)) {
        Ok(bytes) => community_from_bytes(dir, rel, bytes, std),
        Err(e) => (broken(), vec![read_finding(rel, Some(&stem), e)], None),
    }
}

/// [`load_community`] for bytes already read: the file `rel` (relative to
/// the content folder `dir`, where its photos are looked up) holding `bytes`.
pub fn community_from_bytes(
    dir: &Path,
    rel: &str,
    bytes: Vec<u8>,
    std: &Standard,
) -> (Community, Vec<Finding>, Option<String>) {
    let (community, findings, src, _) = read_community(dir, rel, bytes, std);
    (community, findings, src)
}

/// [`community_from_bytes`], and the photos the reading looked at, stamped
/// (what the cache must check before it reuses the result).
type Read = (
    Community,
    Vec<Finding>,
    Option<String>,
    Vec<(String, cache::Stamp)>,
);

fn read_community(dir: &Path, rel: &str, bytes: Vec<u8>, std: &Standard) -> Read {
    let stem = file_stem(rel);
    let broken = || unread_community(rel, &stem);
    let src = match read::decode(bytes) {
        Ok(src) => src,
        Err(e) => {
            let f = read_finding(rel, Some(&stem), e);
            return (broken(), vec![f], None, Vec::new());
        }
    };
    let doc = match node::parse(&src) {
        Ok(doc) => doc,
        Err(e) => {
            let f = syntax_finding(rel, Some(&stem), &e);
            return (broken(), vec![f], Some(src), Vec::new());
        }
    };
    let mut ctx = Ctx::new(rel, &src, dir);
    ctx.community = Some(stem.clone());
    let community = community::read(&mut ctx, &doc, &stem, std);
    let Ctx {
        findings, photos, ..
    } = ctx;
    (community, findings, Some(src), photos)
}

/// Is `name` an inventory's file name? `.yaml` as SPEC §2 says, and `.yml`
/// too (the other common spelling: a clerk who saves `x.yml` means an
/// inventory), in any case.
pub fn is_inventory_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// An `input.file` finding about a file or folder found while walking
/// `communities/` (no line: the problem is the file itself).
fn walk_finding(rel: &str, message: Msg, fix: Msg) -> Finding {
    Finding {
        related: Vec::new(),
        rule: Rule::InputFile,
        community: None,
        file: rel.to_owned(),
        loc: Loc::START,
        entry: None,
        message,
        fix: Some(fix),
    }
}

/// Collect the inventories under `communities/`, relative to the content
/// folder. Every entry is either collected or, when it cannot or will not be
/// read, reported as `input.file`: nothing under `communities/` is left out
/// in silence (a file left out is a community that `check` never sees and
/// the site never publishes). Types are read from the directory entry and
/// `metadata`, never by opening, so a FIFO cannot block the walk.
fn walk(root: &Path, dir: &Path, depth: usize, out: &mut Vec<String>, findings: &mut Vec<Finding>) {
    let rel_of = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        // No communities/ at all: a county with no inventory yet.
        Err(e) if depth == 0 && e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            let rel = rel_of(dir);
            findings.push(walk_finding(
                &rel,
                Msg::new(
                    format!("读不了文件夹“{rel}”（{e}），里面的清单都没有检查"),
                    format!("cannot read the folder `{rel}` ({e}); no inventory in it was checked"),
                ),
                Msg::new(
                    "检查这个文件夹的读取权限（如 chmod u+rx），或把清单移到能读的文件夹里",
                    "give read permission on the folder (e.g. chmod u+rx) or move the inventories to a readable folder",
                ),
            ));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let rel = rel_of(dir);
                findings.push(walk_finding(
                    &rel,
                    Msg::new(
                        format!("读文件夹“{rel}”时出错（{e}），其中的清单可能没有全部检查"),
                        format!("an error while reading the folder `{rel}` ({e}); some inventories in it may be unchecked"),
                    ),
                    Msg::new(
                        "检查磁盘和文件夹权限，然后再运行一次",
                        "check the disk and the folder's permissions, then run again",
                    ),
                ));
                continue;
            }
        };
        let path = entry.path();
        let rel = rel_of(&path);
        let Ok(ftype) = entry.file_type() else {
            findings.push(unreadable(&rel));
            continue;
        };
        let os_name = entry.file_name();
        let Some(name) = os_name.to_str() else {
            findings.push(walk_finding(
                &rel,
                Msg::new(
                    format!("“{rel}”的名字不是 UTF-8 编码的文字（常见于从旧系统或压缩包里拷来的文件），没有读取"),
                    format!("the name of `{rel}` is not UTF-8 text (common for files copied from old systems or archives); it was not read"),
                ),
                Msg::new(
                    "把它改成正常的中文或英文名字（如 hongqi.yaml）",
                    "rename it to a plain name (e.g. hongqi.yaml)",
                ),
            ));
            continue;
        };
        if name.starts_with('.') {
            // Editor lock files (`.#x.yaml`, Emacs) come and go while someone edits.
            if name.starts_with(".#") {
                continue;
            }
            let holds = if ftype.is_dir() {
                holds_inventory(&path, depth)
            } else {
                is_inventory_name(name)
            };
            if holds {
                findings.push(walk_finding(
                    &rel,
                    Msg::new(
                        format!("“{rel}”以点开头，是隐藏的，里面的清单没有读取"),
                        format!("`{rel}` starts with a dot, so it is hidden and its inventory was not read"),
                    ),
                    Msg::new(
                        "去掉名字开头的点；不要的文件请移出 communities 文件夹",
                        "remove the leading dot; move files you do not want out of communities/",
                    ),
                ));
            }
            continue;
        }
        if ftype.is_symlink() {
            // Only a link that stays inside the content folder is followed.
            match (path.canonicalize(), root.canonicalize()) {
                (Ok(real), Ok(root)) if real.starts_with(&root) => {}
                (Err(_), _) => {
                    findings.push(walk_finding(
                        &rel,
                        Msg::new(
                            format!("“{rel}”是一个链接，但它指向的文件不存在"),
                            format!("`{rel}` is a link to something that does not exist"),
                        ),
                        Msg::new(
                            "删掉这个链接，或把文件本身放在这里",
                            "remove the link, or put the file itself here",
                        ),
                    ));
                    continue;
                }
                _ => {
                    findings.push(walk_finding(
                        &rel,
                        Msg::new(
                            format!("“{rel}”是指向 content 文件夹以外的链接"),
                            format!("`{rel}` is a link that leads outside the content folder"),
                        ),
                        Msg::new(
                            "把文件本身复制进 content 文件夹",
                            "copy the file itself into the content folder",
                        ),
                    ));
                    continue;
                }
            }
        }
        // What the entry is (through a link): never found out by opening it.
        // The directory entry already says so for anything but a link (one
        // `stat` fewer per inventory, on the walk that no thread shares).
        let ftype = if ftype.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(meta) => meta.file_type(),
                Err(_) => {
                    findings.push(unreadable(&rel));
                    continue;
                }
            }
        } else {
            ftype
        };
        if ftype.is_dir() {
            if depth < MAX_DEPTH {
                walk(root, &path, depth + 1, out, findings);
            } else {
                findings.push(walk_finding(
                    &rel,
                    Msg::new(
                        format!(
                            "文件夹“{rel}”在 communities 下超过 {MAX_DEPTH} 层，里面的清单没有读取"
                        ),
                        format!(
                            "the folder `{rel}` is more than {MAX_DEPTH} levels below communities/; its inventories were not read"
                        ),
                    ),
                    Msg::new(
                        "把清单放在 communities/乡镇/ 下，最多再分几层",
                        "keep inventories in communities/TOWN/, a level or two deeper at most",
                    ),
                ));
            }
        } else if ftype.is_file() {
            if is_inventory_name(name) {
                out.push(rel);
            }
        } else {
            let (zh, en) = read::kind_of(ftype);
            findings.push(walk_finding(
                &rel,
                Msg::new(
                    format!("“{rel}”不是普通文件，而是{zh}，没有读取"),
                    format!("`{rel}` is not a regular file but {en}; it was not read"),
                ),
                Msg::new(
                    "删掉它，把清单作为普通文件保存在这里",
                    "remove it and save the inventory here as a regular file",
                ),
            ));
        }
    }
}

fn unreadable(rel: &str) -> Finding {
    walk_finding(
        rel,
        Msg::new(
            format!("读不出“{rel}”是文件还是文件夹，没有读取"),
            format!("cannot tell what `{rel}` is; it was not read"),
        ),
        Msg::new(
            "检查它的权限，或删掉后重新保存",
            "check its permissions, or remove it and save it again",
        ),
    )
}

/// Does a hidden folder hold an inventory (at any depth the walk would go)?
/// Such a folder is reported; one without (`.git`, editor folders) is not.
fn holds_inventory(dir: &Path, depth: usize) -> bool {
    if depth >= MAX_DEPTH {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let name = e.file_name();
        let Ok(ft) = e.file_type() else {
            return false;
        };
        if ft.is_dir() {
            holds_inventory(&e.path(), depth + 1)
        } else {
            name.to_str().is_some_and(is_inventory_name)
        }
    })
}

/// `input.duplicate-id` for every community whose id an earlier file already uses.
pub fn duplicate_ids(communities: &[Community], findings: &mut Vec<Finding>) {
    let mut first: HashMap<&str, &Community> = HashMap::new();
    for c in communities {
        match first.get(c.id.as_str()) {
            None => {
                first.insert(&c.id, c);
            }
            Some(other) => findings.push(Finding {
                related: Vec::new(),
                rule: Rule::InputDuplicateId,
                community: Some(c.id.clone()),
                file: c.file.clone(),
                loc: c.id_loc,
                entry: None,
                message: Msg::new(
                    format!(
                        "编号“{}”和 {} 重复：编号在整个网站里必须唯一",
                        c.id, other.file
                    ),
                    format!(
                        "the id `{}` is also used by {}: ids must be unique",
                        c.id, other.file
                    ),
                ),
                fix: Some(Msg::new(
                    "给其中一个换个编号：在文件里写 id: 新编号，或给文件改名",
                    "give one of them another id: write `id: ...` in the file, or rename the file",
                )),
            }),
        }
    }
}

pub fn read_finding(file: &str, community: Option<&str>, e: ReadError) -> Finding {
    let (rule, loc, message, fix) = match e {
        ReadError::TooLarge { bytes } => (
            Rule::InputYaml,
            Loc::START,
            Msg::new(
                format!(
                    "文件太大（{bytes} 字节），不像是一份清单：上限是 {} 字节",
                    read::MAX_FILE_BYTES
                ),
                format!(
                    "the file is too large ({bytes} bytes) for an inventory; the limit is {} bytes",
                    read::MAX_FILE_BYTES
                ),
            ),
            Msg::new(
                "检查是不是放错了文件；照片等请放进 photos 文件夹，在清单里写路径",
                "check it is the right file; put photos in photos/ and refer to them by path",
            ),
        ),
        ReadError::NotUtf8 {
            line,
            column,
            guess,
        } => {
            let (zh, en) = match guess {
                Some("GBK") => (
                    "文件不是 UTF-8 编码（看起来是 GBK，Windows 记事本或 WPS 常这样保存）".to_owned(),
                    "the file is not UTF-8 (it looks like GBK, as Windows Notepad or WPS often save)".to_owned(),
                ),
                Some(enc) => (
                    format!("文件不是 UTF-8 编码（看起来是 {enc}）"),
                    format!("the file is not UTF-8 (it looks like {enc})"),
                ),
                None => ("文件不是 UTF-8 编码的文字".to_owned(), "the file is not UTF-8 text".to_owned()),
            };
            (
                Rule::InputYaml,
                Loc {
                    line,
                    column,
                    len: 1,
                },
                Msg::new(zh, en),
                Msg::new(
                    "用编辑器“另存为”，编码选 UTF-8（VS Code：点右下角的编码 → 通过编码保存 → UTF-8）",
                    "save it again as UTF-8 (VS Code: click the encoding at the bottom right → Save with Encoding → UTF-8)",
                ),
            )
        }
        ReadError::NotRegular { kind: (zh, en) } => (
            Rule::InputFile,
            Loc::START,
            Msg::new(
                format!("这不是普通文件，而是{zh}，没有读取"),
                format!("this is not a regular file but {en}; it was not read"),
            ),
            Msg::new(
                "删掉它，把内容作为普通文件保存在这里",
                "remove it and save the content here as a regular file",
            ),
        ),
        ReadError::Io(err) => (
            Rule::InputFile,
            Loc::START,
            Msg::new(
                format!("读不了这个文件：{err}"),
                format!("cannot read the file: {err}"),
            ),
            Msg::new(
                "检查文件是否存在、有没有读取权限",
                "check the file exists and can be read",
            ),
        ),
    };
    Finding {
        related: Vec::new(),
        rule,
        community: community.map(str::to_owned),
        file: file.to_owned(),
        loc,
        entry: None,
        message,
        fix: Some(fix),
    }
}

pub fn syntax_finding(file: &str, community: Option<&str>, e: &SyntaxError) -> Finding {
    let (zh, en, fix_zh, fix_en) = match e.kind {
        SyntaxErrorKind::Syntax => (
            format!("YAML 格式有误：{}", e.detail),
            format!("invalid YAML: {}", e.detail),
            "检查这一行和上一行：缩进用空格对齐，冒号后面要有空格，引号和括号要成对",
            "check this line and the one before: indent with spaces, a space after each colon, quotes and brackets in pairs",
        ),
        SyntaxErrorKind::TooComplex => (
            format!(
                "文件结构过于复杂，超过了上限（锚点别名展开太多或嵌套太深）：{}",
                e.detail
            ),
            format!(
                "the file is too complex (too many alias expansions or nesting too deep): {}",
                e.detail
            ),
            "清单不需要锚点（&）、别名（*）和很深的嵌套：按示例的格式重写",
            "an inventory needs no anchors (&), aliases (*) or deep nesting: write it like the sample",
        ),
        SyntaxErrorKind::DuplicateKey => (
            format!("同一个键写了两次：{}", e.detail),
            format!("a key is written twice: {}", e.detail),
            "删掉或合并重复的那一项",
            "remove or merge the repeated key",
        ),
        SyntaxErrorKind::Empty => (
            "文件是空的".to_owned(),
            "the file is empty".to_owned(),
            "写入内容；新的村(社区)清单可以用 qingpai new 生成",
            "fill it in; `qingpai new` writes a starting inventory",
        ),
    };
    Finding {
        related: Vec::new(),
        rule: Rule::InputYaml,
        community: community.map(str::to_owned),
        file: file.to_owned(),
        loc: e.loc,
        entry: None,
        message: Msg::new(zh, en),
        fix: Some(Msg::new(fix_zh, fix_en)),
    }
}
