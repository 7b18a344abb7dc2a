//! The theme: Tera templates for pages and signs, and static assets.
//!
//! The default theme (`themes/default/`) is embedded in the binary, so a fresh
//! `qingpai` builds with no themes folder. A site that names a theme in
//! `site.yaml` (`theme: mine`) gets `themes/mine/` beside its content folder,
//! file by file over the default: copy one template, restyle it, the rest
//! stays as shipped.

use std::path::{Path, PathBuf};

use sha2::Digest;

use tera::{Kwargs, State, Tera, Value};

use crate::fonts::{self, Anchor, Weight};

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../themes/default/", $path)) as &[u8])),*]
    };
}

/// Every file of the default theme except the fonts (which `fonts` embeds).
pub static DEFAULT_FILES: &[(&str, &[u8])] = embed!(
    "templates/base.html",
    "templates/index.html",
    "templates/town.html",
    "templates/community.html",
    "templates/standard.html",
    "templates/supervision.html",
    "templates/404.html",
    "templates/sitemap.xml",
    "templates/robots.txt",
    "signs/vertical.svg",
    "signs/identifier.svg",
    "signs/guide.svg",
    "signs/gate.svg",
    "static/style.css",
    "static/site.js",
    "static/favicon.svg",
);

pub struct Theme {
    pub tera: Tera,
    /// Files copied as they are into `output/assets/`.
    pub statics: Vec<(String, Vec<u8>)>,
    /// The folder on disk, when the site names one.
    pub dir: Option<PathBuf>,
    /// A hash of every template and static file as used: the incremental
    /// build re-renders everything when the theme changes.
    pub fingerprint: String,
}

/// Problems loading a theme, in (zh, en).
#[derive(Debug)]
pub struct ThemeError {
    pub file: String,
    pub zh: String,
    pub en: String,
}

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.en)
    }
}

/// Is `name` a plain folder name (no path separators, no `..`)?
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0', ':'])
}

pub fn load(site_root: &Path, name: Option<&str>) -> Result<Theme, ThemeError> {
    let dir = match name {
        None => None,
        Some(n) if !valid_name(n) => {
            return Err(ThemeError {
                file: "site.yaml".into(),
                zh: format!("主题名“{n}”不能作文件夹名：只写 themes/ 下的文件夹名，如 theme: mine"),
                en: format!(
                    "the theme `{n}` is not a folder name; write the name of a folder under themes/"
                ),
            });
        }
        Some(n) => {
            let d = site_root.join("themes").join(n);
            if !d.is_dir() {
                return Err(ThemeError {
                    file: "site.yaml".into(),
                    zh: format!("找不到主题文件夹 {}", d.display()),
                    en: format!("the theme folder {} does not exist", d.display()),
                });
            }
            Some(d)
        }
    };
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".svg", ".xml"]);
    register_functions(&mut tera);
    let mut statics = Vec::new();
    let mut templates = Vec::new();
    let mut hash = sha2::Sha256::new();
    for (path, bytes) in DEFAULT_FILES {
        let own = dir.as_ref().map(|d| d.join(path)).filter(|p| p.is_file());
        let bytes: Vec<u8> = match &own {
            Some(p) => std::fs::read(p).map_err(|e| ThemeError {
                file: p.display().to_string(),
                zh: format!("读不了主题文件：{e}"),
                en: format!("cannot read the theme file: {e}"),
            })?,
            None => bytes.to_vec(),
        };
        hash.update(path.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
        if let Some(name) = path.strip_prefix("static/") {
            statics.push((name.to_owned(), bytes));
            continue;
        }
        let text = String::from_utf8(bytes).map_err(|_| ThemeError {
            file: path.to_string(),
            zh: "模板不是 UTF-8 编码".into(),
            en: "the template is not UTF-8".into(),
        })?;
        let name = path.strip_prefix("templates/").unwrap_or(path);
        templates.push((name.to_owned(), text));
    }
    // Extra static files of the site's theme (images, fonts for pages ...).
    if let Some(d) = &dir {
        collect_extra_statics(&d.join("static"), "", &mut statics);
    }
    for (name, bytes) in &statics {
        hash.update(name.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    }
    let fingerprint = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| ThemeError {
            file: "themes".into(),
            zh: format!("模板有误：{e}"),
            en: format!("a template is invalid: {e}"),
        })?;
    Ok(Theme {
        tera,
        statics,
        dir,
        fingerprint,
    })
}

fn collect_extra_statics(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let rel = format!("{prefix}{name}");
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect_extra_statics(&entry.path(), &format!("{rel}/"), out);
        } else if kind.is_file()
            && !out.iter().any(|(n, _)| *n == rel)
            && let Ok(bytes) = std::fs::read(entry.path())
        {
            out.push((rel, bytes));
        }
    }
}

fn weight(kwargs: &Kwargs) -> tera::TeraResult<Weight> {
    Ok(match kwargs.get::<&str>("weight")? {
        Some("regular") => Weight::Regular,
        _ => Weight::Bold,
    })
}

fn num(kwargs: &Kwargs, key: &str) -> tera::TeraResult<f32> {
    let v: Value = kwargs.must_get(key)?;
    v.as_f64()
        .map(|n| n as f32)
        .ok_or_else(|| tera::Error::message(format!("`{key}` must be a number")))
}

/// Functions the sign templates call to set text as outlines:
///
/// - `glyphs(text, x, y, size, anchor="start"|"middle"|"end", weight="bold"|"regular", fill)`
///   — one line, `y` is the baseline;
/// - `vglyphs(text, x, top, bottom, size, weight, fill)` — one character per line,
///   centred on `x`, spread from `top` to `bottom`;
/// - `text_width(text, size, weight)`.
fn register_functions(tera: &mut Tera) {
    tera.register_function(
        "glyphs",
        |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let text: &str = kwargs.must_get("text")?;
            let anchor = match kwargs.get::<&str>("anchor")? {
                Some("middle") => Anchor::Middle,
                Some("end") => Anchor::End,
                _ => Anchor::Start,
            };
            let fill: &str = kwargs.get("fill")?.unwrap_or("#000");
            let svg = fonts::line(
                text,
                num(&kwargs, "x")?,
                num(&kwargs, "y")?,
                num(&kwargs, "size")?,
                anchor,
                weight(&kwargs)?,
                fill,
            );
            Ok(Value::safe_string(&svg))
        },
    );
    tera.register_function(
        "vglyphs",
        |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let text: &str = kwargs.must_get("text")?;
            let fill: &str = kwargs.get("fill")?.unwrap_or("#000");
            let svg = fonts::vertical(
                text,
                num(&kwargs, "x")?,
                num(&kwargs, "top")?,
                num(&kwargs, "bottom")?,
                num(&kwargs, "size")?,
                weight(&kwargs)?,
                fill,
            );
            Ok(Value::safe_string(&svg))
        },
    );
    tera.register_function(
        "text_width",
        |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let text: &str = kwargs.must_get("text")?;
            let w = fonts::FONTS
                .get(weight(&kwargs)?)
                .width(text, num(&kwargs, "size")?);
            Ok(Value::from(f64::from(w)))
        },
    );
}
