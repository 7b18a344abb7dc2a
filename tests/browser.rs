//! The built sample site in a real browser: tools/browser/check.mjs serves the
//! output folder, drives Chromium through playwright-core at a phone and a
//! desktop width, and reports what it saw as JSON; the assertions are here.
//!
//! Needs node, Chromium at /usr/bin/chromium and `npm ci --prefix
//! tools/browser`. Without them `cargo test` lists the test as ignored
//! (build.rs looks for them), except under CI, where it runs and fails. Screenshots go to target/browser-screenshots.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const CHROMIUM: &str = "/usr/bin/chromium";
const PAGES: &[&str] = &["overview", "hongqi", "shawo"];
const WIDTHS: &[u64] = &[375, 1280];
const SEARCH_WIDTHS: &[u64] = &[375, 1280];
/// check.mjs gives up by itself after 150 s; this is the backstop.
const TIMEOUT: Duration = Duration::from_secs(240);

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What is missing for the browser test to run (empty: it can run).
fn missing_tools() -> Vec<String> {
    let mut missing = Vec::new();
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|s| s.success()) {
        missing.push("node is not on PATH".to_owned());
    }
    if !Path::new(CHROMIUM).exists() {
        missing.push(format!("{CHROMIUM} does not exist"));
    }
    let playwright = manifest_dir().join("tools/browser/node_modules/playwright-core");
    if !playwright.exists() {
        missing.push(format!("{} does not exist", playwright.display()));
    }
    missing
}

/// Run check.mjs on a built site and parse the JSON it prints.
fn run_check(site: &Path, shots: &Path) -> Value {
    let script = manifest_dir().join("tools/browser/check.mjs");
    let mut child = Command::new("node")
        .arg(&script)
        .arg(site)
        .arg(shots)
        .current_dir(manifest_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for node") {
            break Some(status);
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = stdout.join().unwrap();
    let stderr = stderr.join().unwrap();
    let Some(status) = status else {
        panic!(
            "{} did not finish within {TIMEOUT:?}\nstderr:\n{stderr}",
            script.display()
        );
    };
    assert!(
        status.success(),
        "{} failed ({status}); the browser could not run\nstderr:\n{stderr}\nstdout:\n{stdout}",
        script.display()
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("check.mjs printed no JSON report ({e})\nstdout:\n{stdout}\nstderr:\n{stderr}")
    })
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn nonempty(v: &Value) -> bool {
    v.as_array().is_some_and(|a| !a.is_empty())
}

/// Console errors, page errors and failed requests collected on one page.
fn log_problems(label: &str, entry: &Value, problems: &mut Vec<String>) {
    let lists = [
        ("consoleErrors", "console errors"),
        ("pageErrors", "uncaught exceptions"),
        ("failedRequests", "failed requests"),
    ];
    for (key, what) in lists {
        if nonempty(&entry[key]) {
            problems.push(format!("{label}: {what}: {}", compact(&entry[key])));
        }
    }
}

fn page_problems(page: &Value, problems: &mut Vec<String>) {
    let label = format!(
        "{} at {}px",
        page["path"].as_str().unwrap_or("?"),
        page["width"]
    );
    if !page["error"].is_null() {
        problems.push(format!(
            "{label}: could not be checked: {}",
            page["error"].as_str().unwrap_or("?")
        ));
    }
    if page["status"] != 200 {
        problems.push(format!("{label}: HTTP status {}", page["status"]));
    }
    log_problems(&label, page, problems);
    if page["horizontalOverflow"] != false || nonempty(&page["overflowing"]) {
        problems.push(format!(
            "{label}: overflows horizontally: scrollWidth {} > innerWidth {}; {} element(s) \
             stick out past the right edge, first ones: {}",
            page["scrollWidth"],
            page["innerWidth"],
            page["overflowingCount"],
            compact(&page["overflowing"])
        ));
    }
    if nonempty(&page["imagesWithoutAlt"]) {
        problems.push(format!(
            "{label}: <img> without alt text: {}",
            compact(&page["imagesWithoutAlt"])
        ));
    }
    if nonempty(&page["brokenImages"]) {
        problems.push(format!(
            "{label}: images that did not load: {}",
            compact(&page["brokenImages"])
        ));
    }
    if page["lang"] != "zh-CN" {
        problems.push(format!(
            "{label}: <html lang> is {}, not \"zh-CN\"",
            page["lang"]
        ));
    }
    if page["h1Count"] != 1 {
        problems.push(format!(
            "{label}: {} <h1> elements instead of one: {}",
            page["h1Count"],
            compact(&page["h1s"])
        ));
    }
}

fn search_problems(run: &Value, problems: &mut Vec<String>) {
    let label = format!("overview search and filters at {}px", run["width"]);
    log_problems(&label, run, problems);
    for q in run["queries"].as_array().into_iter().flatten() {
        let (query, expect) = (&q["query"], &q["expect"]);
        if !q["error"].is_null() {
            problems.push(format!("{label}: search {query}: {}", q["error"]));
        }
        if q["found"] != true {
            problems.push(format!(
                "{label}: typing {query} into #q showed no result link containing {expect} \
                 within 5 s; #results held: {}",
                compact(&q["results"])
            ));
        } else if q.get("navigated").is_some() && q["navigated"] != true {
            problems.push(format!(
                "{label}: clicking the {expect} result (href {}) ended at {}, not the \
                 community's page",
                q["href"], q["url"]
            ));
        }
    }
    let f = &run["filter"];
    if !f["error"].is_null() {
        problems.push(format!("{label}: status filter: {}", f["error"]));
    }
    let (visible, total) = (f["visible"].as_u64(), f["total"].as_u64());
    if !matches!((visible, total), (Some(v), Some(t)) if v > 0 && v < t) {
        problems.push(format!(
            "{label}: after choosing {} in #f-status, {} of {} .item elements are still \
             visible ({} hidden; #f-count says {}). If #f-count counts fewer, a CSS display \
             rule is overriding the hidden attribute.",
            f["value"], f["visible"], f["total"], f["hidden"], f["countText"]
        ));
    } else if nonempty(&f["visibleWithOtherStatus"]) {
        problems.push(format!(
            "{label}: filtered to {} but these other items are visible: {}",
            f["value"],
            compact(&f["visibleWithOtherStatus"])
        ));
    }
}

/// Every problem in check.mjs's report, one line each.
fn problems(report: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let pages = report["pages"].as_array().cloned().unwrap_or_default();
    for name in PAGES {
        for width in WIDTHS {
            if !pages
                .iter()
                .any(|p| p["page"] == *name && p["width"] == *width)
            {
                problems.push(format!("page {name} was not checked at {width}px"));
            }
        }
    }
    for page in &pages {
        page_problems(page, &mut problems);
    }
    let searches = report["search"].as_array().cloned().unwrap_or_default();
    for width in SEARCH_WIDTHS {
        if !searches.iter().any(|s| s["width"] == *width) {
            problems.push(format!("search and filters were not tried at {width}px"));
        }
    }
    for run in &searches {
        search_problems(run, &mut problems);
    }
    if nonempty(&report["serverMisses"]) {
        let misses = compact(&report["serverMisses"]);
        let hint = if misses.contains("/favicon.ico") {
            " (/favicon.ico: the pages declare no <link rel=\"icon\">, so the browser asks the \
             server root for one)"
        } else {
            ""
        };
        problems.push(format!(
            "the browser asked for files the site does not have: {misses}{hint}"
        ));
    }
    problems
}

#[test]
#[cfg_attr(
    missing_browser,
    ignore = "needs node, /usr/bin/chromium and `npm ci --prefix tools/browser` (.ci/run installs them)"
)]
fn sample_site_works_in_a_real_browser() {
    let missing = missing_tools();
    if !missing.is_empty() {
        let how = "install Chromium and the test's node packages: `apt-get install chromium` \
                   and `npm ci --prefix tools/browser` (as .ci/run does); see \
                   tools/browser/README.md";
        // build.rs has this test ignored where they are missing; here it
        // runs (CI, or --include-ignored), so they must be there.
        panic!("the browser test cannot run: {}; {how}", missing.join("; "));
    }

    let tmp = tempfile::tempdir().expect("a temporary folder");
    let site = tmp.path().join("site");
    let build = common::qingpai_in(
        &common::sample_content(),
        &[
            "build",
            "--output",
            site.to_str().expect("a UTF-8 temp path"),
        ],
    );
    assert!(
        build.status.success(),
        "qingpai build failed:\n{}{}",
        common::stdout(&build),
        common::stderr(&build)
    );

    let shots: PathBuf = manifest_dir().join("target/browser-screenshots");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).expect("the screenshot folder");

    let report = run_check(&site, &shots);
    let problems = problems(&report);
    assert!(
        problems.is_empty(),
        "{} problem(s) in Chromium {} (screenshots in {}):\n- {}",
        problems.len(),
        report["chromium"]["version"],
        shots.display(),
        problems.join("\n- ")
    );
}
