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
const PAGES: &[&str] = &["overview", "town", "hongqi", "nanguan", "shawo", "standard"];
const WIDTHS: &[u64] = &[375, 1280];
const SEARCH_WIDTHS: &[u64] = &[375, 1280];
/// Chart labels scale with the screen; below this they are hard to read.
const MIN_CHART_LABEL_PX: f64 = 11.9;
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
    axe_problems(&label, &page["axe"], problems);
    let gate = &page["gate"];
    if !gate.is_null() {
        if gate["tag"] != "a" || gate["href"] != "gate.svg" {
            problems.push(format!(
                "{label}: the gate drawing is not a link to gate.svg (tap to enlarge): {}",
                compact(gate)
            ));
        }
        if gate["right"].as_f64().unwrap_or(f64::MAX) > page["innerWidth"].as_f64().unwrap_or(0.0) {
            problems.push(format!(
                "{label}: the gate drawing does not fit the screen: {}",
                compact(gate)
            ));
        }
    }
    if let Some(px) = page["chartLabelMinPx"]
        .as_f64()
        .filter(|px| *px < MIN_CHART_LABEL_PX)
    {
        problems.push(format!(
            "{label}: chart labels are drawn at {px} px, below {MIN_CHART_LABEL_PX} px"
        ));
    }
    if let Some(bad) = page["sideScrollers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|s| s["focusable"] != true)
                .collect::<Vec<_>>()
        })
        .filter(|a| !a.is_empty())
    {
        problems.push(format!(
            "{label}: boxes that scroll sideways but cannot take keyboard focus: {}",
            compact(&Value::from(bad.into_iter().cloned().collect::<Vec<_>>()))
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

/// axe-core's serious and critical violations fail the test; moderate and
/// minor ones are listed by check.mjs but do not.
fn axe_problems(label: &str, axe: &Value, problems: &mut Vec<String>) {
    if axe.is_null() || axe["violations"].as_array().is_none() {
        problems.push(format!("{label}: axe-core did not run: {}", compact(axe)));
        return;
    }
    for v in axe["violations"].as_array().into_iter().flatten() {
        if v["impact"] == "serious" || v["impact"] == "critical" {
            problems.push(format!(
                "{label}: axe-core {} ({}), {} element(s): {}; first: {}",
                v["id"],
                v["impact"],
                v["count"],
                v["help"],
                compact(&v["nodes"])
            ));
        }
    }
}

/// The combobox as a screen reader sees it with the popup open.
fn combobox_problems(label: &str, what: &str, st: &Value, problems: &mut Vec<String>) {
    let ok = st["role"] == "combobox"
        && st["expanded"] == "true"
        && st["controls"] == "results"
        && st["listRole"] == "listbox"
        && st["listVisible"] == true
        && st["live"]["role"] == "status"
        && st["live"]["text"]
            .as_str()
            .is_some_and(|t| t.contains(char::is_numeric) || t.contains("没有找到"));
    if !ok {
        problems.push(format!(
            "{label}: {what}: not an open combobox (role=combobox, aria-expanded=true, \
             aria-controls=results, a visible role=listbox, a role=status region announcing \
             the count): {}",
            compact(st)
        ));
    }
}

fn search_problems(run: &Value, problems: &mut Vec<String>) {
    let label = format!(
        "overview search and filters over {} at {}px",
        run["origin"].as_str().unwrap_or("?"),
        run["width"]
    );
    if !run["error"].is_null() {
        problems.push(format!("{label}: could not be checked: {}", run["error"]));
    }
    log_problems(&label, run, problems);
    for q in run["queries"].as_array().into_iter().flatten() {
        let (query, expect, how) = (&q["query"], &q["expect"], &q["how"]);
        let st = &q["before"];
        if !q["error"].is_null() {
            problems.push(format!("{label}: search {query}: {}", q["error"]));
        }
        let count = st["options"].as_array().map_or(0, Vec::len) as u64;
        if q["found"] != true || count < q["minResults"].as_u64().unwrap_or(1) {
            problems.push(format!(
                "{label}: typing {query} into #q showed {count} option(s), expected at least {} \
                 {}; the combobox held: {}",
                q["minResults"],
                if expect.is_null() {
                    String::new()
                } else {
                    format!("including {expect}")
                },
                compact(st)
            ));
            continue;
        }
        combobox_problems(&label, &format!("after typing {query}"), st, problems);
        if let Some(n) = how.as_u64() {
            // ArrowDown n times: the n-th option is active, and only it is selected.
            let nth = &st["options"][n as usize - 1];
            let selected = st["options"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|o| o["selected"] == "true")
                .count();
            if st["activeIsOption"] != true || st["activeId"] != nth["id"] || selected != 1 {
                problems.push(format!(
                    "{label}: after {query} and ArrowDown ×{n}, aria-activedescendant is {} \
                     (option {} expected, {selected} option(s) aria-selected)",
                    st["activeId"], nth["id"]
                ));
            }
        }
        if !how.is_null() && q["navigated"] != true {
            problems.push(format!(
                "{label}: choosing a result of {query} ({how}) ended at {}, not {}",
                q["url"], q["wanted"]
            ));
        }
    }
    let esc = &run["escape"];
    if !esc["error"].is_null() {
        problems.push(format!("{label}: Escape: {}", esc["error"]));
    } else {
        combobox_problems(&label, "before Escape", &esc["open"], problems);
        if esc["closed"]["expanded"] != "false" || esc["closed"]["listVisible"] != false {
            problems.push(format!(
                "{label}: Escape did not close the popup: {}",
                compact(&esc["closed"])
            ));
        }
    }
    if run["origin"] == "http" {
        axe_problems(&format!("{label}, popup open"), &run["axeOpen"], problems);
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
    let want = format!("?status={}", f["value"].as_str().unwrap_or("?"));
    if f["search"] != want.as_str() {
        problems.push(format!(
            "{label}: after choosing {} the address's query is {}, not {want}",
            f["value"], f["search"]
        ));
    }
    let after = &f["afterReload"];
    if after["select"] != f["value"]
        || after["visible"] != f["visible"]
        || after["search"] != want.as_str()
    {
        problems.push(format!(
            "{label}: after a reload of the filtered overview the filter was not restored: {}",
            compact(after)
        ));
    }
    let linked = &f["linked"];
    let one = |key: &str, v: &Value| {
        linked[key]
            .as_array()
            .is_some_and(|a| a.len() == 1 && a[0] == *v)
    };
    if linked["town"] != f["townSlug"]
        || linked["status"] != f["value"]
        || !one("shownTowns", &f["townSlug"])
        || !one("shownStatuses", &f["value"])
    {
        problems.push(format!(
            "{label}: ?town={}&status={} did not set and apply both filters: {}",
            f["townSlug"],
            f["value"],
            compact(linked)
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
        if !searches
            .iter()
            .any(|s| s["width"] == *width && s["origin"] == "http")
        {
            problems.push(format!("search and filters were not tried at {width}px"));
        }
    }
    if !searches.iter().any(|s| s["origin"] == "file") {
        problems.push("search and filters were not tried from file://".to_owned());
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
