//! Which external tools the tests can use on this machine, as cfgs for the
//! tests' `#[cfg_attr(missing_…, ignore = "needs …")]`: where a tool is
//! missing, `cargo test` lists each test that needs it as ignored, with what
//! to install, instead of letting it pass without checking anything. Under CI
//! (`CI` set, as `.ci/run` sets it) nothing is ignored, so a missing tool
//! fails its tests. Nothing here touches the program itself.

use std::path::{Path, PathBuf};

/// Each cfg, and the programs (looked up on PATH) it stands for.
const TOOLS: &[(&str, &[&str])] = &[
    (
        "missing_poppler",
        &["pdfinfo", "pdftotext", "pdffonts", "pdfimages", "pdftoppm"],
    ),
    ("missing_qpdf", &["qpdf"]),
    ("missing_ghostscript", &["gs"]),
    ("missing_libreoffice", &["soffice"]),
];

fn on_path(program: &str, dirs: &[PathBuf]) -> bool {
    dirs.iter().any(|d| d.join(program).is_file())
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=PATH");
    let dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    // Installing a tool changes a folder on PATH (or tools/browser): look again then.
    for d in dirs.iter().filter(|d| d.is_dir()) {
        println!("cargo::rerun-if-changed={}", d.display());
    }
    println!("cargo::rerun-if-changed=tools/browser");
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    let mut names: Vec<&str> = TOOLS.iter().map(|(cfg, _)| *cfg).collect();
    names.push("missing_browser");
    println!("cargo::rustc-check-cfg=cfg({})", names.join(", "));
    if ci {
        return;
    }
    for (cfg, programs) in TOOLS {
        if !programs.iter().all(|p| on_path(p, &dirs)) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
    // The browser test: node, Debian's Chromium and `npm ci --prefix tools/browser`.
    let browser = on_path("node", &dirs)
        && Path::new("/usr/bin/chromium").exists()
        && Path::new("tools/browser/node_modules/playwright-core").exists();
    if !browser {
        println!("cargo::rustc-cfg=missing_browser");
    }
}
