//! The benchmark: generate a county of thousands of communities and time the
//! real release binary on it.
//!
//!     cargo bench --bench county                      # 10,000 communities
//!     cargo bench --bench county -- --communities 2000 --runs 3 --keep /tmp/county
//!     cargo bench --bench county -- --only check --runs 9 --keep /tmp/county   # `check` alone
//!     cargo bench --bench county -- --seed 7                # another county of the same kind
//!
//! It prints wall time (min and median over the runs) and the peak memory of
//! each command, and for `check` the median CPU time; where Hugo is installed,
//! Hugo building the same records as plain pages, in the same run, as the
//! yardstick for a cold build. Nothing here is asserted: the figures go into
//! the README.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const TOWNS: &[&str] = &[
    "城关镇",
    "东城街道",
    "西城街道",
    "南关街道",
    "北塔街道",
    "红柳湾乡",
    "杨和镇",
    "望远镇",
    "李俊镇",
    "通贵乡",
    "掌政镇",
    "大新镇",
    "胜利乡",
    "洪广镇",
    "金贵镇",
    "立岗镇",
    "常信乡",
    "习岗镇",
    "姚伏镇",
    "崇岗镇",
];
const SYLLABLES: &[&str] = &[
    "红", "旗", "幸", "福", "金", "星", "朝", "阳", "康", "宁", "东", "方", "南", "关", "沙", "窝",
    "雁", "湖", "杨", "和", "望", "远", "马", "家", "庄", "李", "新", "华", "文", "明", "丰", "收",
    "团", "结", "光", "明",
];

/// A small deterministic generator, so every run benchmarks the same county.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn community(rng: &mut Lcg, i: usize) -> (String, String) {
    let town = TOWNS[i % TOWNS.len()];
    let village = rng.chance(40);
    let stem: String = (0..2).map(|_| rng.pick(SYLLABLES)).collect();
    let name = format!("{stem}{}{}", i, if village { "村" } else { "社区" });
    let kind = if village { "village" } else { "community" };
    let mut y = format!(
        "# yaml-language-server: $schema=../../community.schema.json\nid: c{i}\nname: {name}\nkind: {kind}\ntown: {town}\naddress: {town}{stem}路{i}号\nsurveyed_on: 2024-09-12\n\ngate:\n"
    );
    y.push_str(&format!(
        "  - text: 中共{name}委员会\n    size_mm: [400, 2400]\n"
    ));
    y.push_str(&format!(
        "  - text: {name}{}\n    size_mm: [400, 2400]\n",
        if village {
            "村民委员会"
        } else {
            "居民委员会"
        }
    ));
    if !rng.chance(10) {
        y.push_str(&format!("  - {name}服务站\n"));
    }
    if rng.chance(30) {
        y.push_str(&format!("  - {name}退役军人服务站\n"));
    }
    y.push_str("header:\n  - 中国社区\n");
    y.push_str(&format!("  - {name}党群服务中心\n"));
    if rng.chance(15) {
        y.push_str(&format!("  - {name}综治中心\n"));
    }
    y.push_str("gate_walls:\n  - text: 一室八中心引导牌\n    rooms:\n");
    for room in [
        "党组织书记办公室",
        "便民服务中心",
        "党员活动中心",
        "综治中心",
        "日间照料中心",
    ] {
        y.push_str(&format!(
            "      - {{name: {room}, floor: 1, direction: left}}\n"
        ));
    }
    if rng.chance(20) {
        y.push_str("  - 文明创建宣传栏\n");
    }
    y.push_str("indoor:\n  - text: 人民调解室\n    approval: 市社治组〔2024〕12号\n");
    if rng.chance(25) {
        y.push_str("  - text: 妇女之家\n    location: 二楼\n");
    }
    y.push_str("wall_rules:\n  - {title: 图书室借阅须知, category: notice}\n");
    y.push_str(&format!(
        "  - title: 工作职责\n    category: duties\n    on_wall: {}\n    body: |\n      一、宣传贯彻法律法规。\n      二、办理公共事务和公益事业。\n",
        rng.chance(30)
    ));
    y.push_str(&format!(
        "awards:\n  - title: 文明社区\n    issuer: 市精神文明建设指导委员会\n    year: 2021\n    display: {}\n",
        if rng.chance(30) { "wall" } else { "thumbnail" }
    ));
    y.push_str("certificates:\n  - name: 居住证明\n    purpose: 子女入学\n");
    if rng.chance(20) {
        y.push_str("  - name: 亲属关系证明\n");
    }
    (format!("communities/{town}/c{i}.yaml"), y)
}

pub fn generate(dir: &Path, n: usize, seed: u64) -> u64 {
    let mut rng = Lcg(seed);
    std::fs::create_dir_all(dir.join("communities")).unwrap();
    std::fs::write(
        dir.join("site.yaml"),
        "title: 基准测试县公示\nregion: 基准测试县\nsupervision:\n  - {level: 县, phone: \"0951-0000000\", email: a@example.gov.cn}\n",
    )
    .unwrap();
    let mut bytes = 0;
    for i in 0..n {
        let (rel, text) = community(&mut rng, i);
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        bytes += text.len() as u64;
        std::fs::write(path, text).unwrap();
    }
    bytes
}

/// Run `bin args --content content` `runs` times: (min, median) wall time,
/// the largest peak memory of a run in MiB, and the last exit status.
fn time(bin: &Path, args: &[&str], content: &Path, runs: usize) -> (Duration, Duration, f64, i32) {
    let (min, median, _, peak, code) = time_cpu(bin, args, content, runs, &|| {});
    (min, median, peak, code)
}

/// [`time`], with the median CPU time (user + system, all threads) of a run
/// as well: on a machine shared with other work the wall time says more about
/// the neighbours than about the program.
fn time_cpu(
    bin: &Path,
    args: &[&str],
    content: &Path,
    runs: usize,
    before: &dyn Fn(),
) -> (Duration, Duration, Cpu, f64, i32) {
    repeat(runs, before, &|| {
        let mut cmd = Command::new(bin);
        cmd.args(args).arg("--content").arg(content);
        cmd
    })
}

/// Run the command `runs` times, `before` ahead of each run, untimed (to
/// make it a cold one): (min, median) wall time, median CPU time, the
/// largest peak memory in MiB and the last exit status.
fn repeat(
    runs: usize,
    before: &dyn Fn(),
    command: &dyn Fn() -> Command,
) -> (Duration, Duration, Cpu, f64, i32) {
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    let mut peak = 0.0f64;
    let mut code = 0;
    for _ in 0..runs {
        before();
        let (t, c, p, status) = measure(command());
        times.push(t);
        cpu.push(c);
        peak = peak.max(p);
        code = status;
    }
    times.sort();
    cpu.sort_by_key(|c: &Cpu| c.total);
    (
        times[0],
        times[times.len() / 2],
        cpu[cpu.len() / 2],
        peak,
        code,
    )
}

/// Run a command once: its wall time, CPU time (user + system, all
/// threads), peak memory in MiB and exit status.
fn measure(mut cmd: Command) -> (Duration, Cpu, f64, i32) {
    // Write out what earlier runs left in the page cache first: otherwise a
    // run pays for the previous one's gigabytes (the kernel throttles
    // writers while it flushes), and cold builds measured 5 s or 17 s.
    // SAFETY: sync() takes no arguments and cannot fail.
    unsafe { libc::sync() };
    let start = Instant::now();
    // Reaped by wait4 below, which also gives the child's peak memory.
    #[allow(clippy::zombie_processes)]
    let child = cmd.stdout(std::process::Stdio::null()).spawn().unwrap();
    let mut status = 0;
    // SAFETY: wait4 writes the child's status and resource usage into our locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (
        wall,
        Cpu {
            total: tv(usage.ru_utime) + tv(usage.ru_stime),
            system: tv(usage.ru_stime),
        },
        usage.ru_maxrss as f64 / 1024.0,
        code,
    )
}

/// CPU time of a run, all threads: user + system, and the system part
/// (large when the file system makes file creation slow, see [`set_aside`]).
#[derive(Clone, Copy)]
struct Cpu {
    total: Duration,
    system: Duration,
}

impl std::fmt::Display for Cpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.2}s CPU ({:.2}s system)",
            self.total.as_secs_f64(),
            self.system.as_secs_f64()
        )
    }
}

/// The same records for Hugo, as plain pages: one Markdown page per
/// community (its name as the title, its inventory as the text) under its
/// town, and the smallest layouts that list and show them. The issue's
/// yardstick: a cold `build --no-pdf` should take no longer than Hugo here.
fn hugo_site(content: &Path, site: &Path) {
    let _ = std::fs::remove_dir_all(site);
    for (name, text) in [
        (
            "config.toml",
            "baseURL = '/'\ntitle = 'bench'\ndisableKinds = ['taxonomy', 'term']\n",
        ),
        (
            "layouts/_default/baseof.html",
            "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n",
        ),
        (
            "layouts/_default/single.html",
            "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n",
        ),
        (
            "layouts/_default/list.html",
            "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
        ),
    ] {
        let path = site.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    for town in std::fs::read_dir(content.join("communities"))
        .unwrap()
        .flatten()
    {
        let dir = site.join("content").join(town.file_name());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("_index.md"),
            format!(
                "---\ntitle: \"{}\"\n---\n",
                town.file_name().to_string_lossy()
            ),
        )
        .unwrap();
        for file in std::fs::read_dir(town.path()).unwrap().flatten() {
            let yaml = std::fs::read_to_string(file.path()).unwrap();
            let name = yaml
                .lines()
                .find_map(|l| l.strip_prefix("name: "))
                .unwrap_or("?");
            let stem = file
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            std::fs::write(
                dir.join(format!("{stem}.md")),
                format!("---\ntitle: \"{name}\"\n---\n\n```yaml\n{yaml}```\n"),
            )
            .unwrap();
        }
    }
}

/// Remove the per-file check cache (`.qingpai-cache/` beside the content
/// folder), so that a run reads and checks every inventory.
fn forget_check_cache(content: &Path) {
    if let Some(parent) = content.parent() {
        let _ = std::fs::remove_dir_all(parent.join(".qingpai-cache"));
    }
}

/// Move `path` (a previous run's output) into the bench's trash folder
/// (in its temporary folder, removed when the bench ends). Deleting 70,000 files just before
/// a run would time the kernel instead: ext4 without a journal (this
/// machine's disk) will not reuse an inode for 60 s after its deletion and
/// searches past every such inode at each file it creates (a third of a
/// cold build's time here). Hugo's runs are treated the same way.
fn set_aside(path: &Path) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    if !path.exists() {
        return;
    }
    let trash = TRASH.get().expect("set in main");
    std::fs::create_dir_all(trash).unwrap();
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::fs::rename(path, trash.join(n.to_string())).unwrap();
}

/// Where [`set_aside`] puts things: in the bench's temporary folder.
static TRASH: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// [`time`] of a cold build: the output folder (and with it the previous
/// build's manifest) is set aside before each run ([`set_aside`]).
fn time_cold(
    bin: &Path,
    args: &[&str],
    content: &Path,
    runs: usize,
    out: &Path,
) -> (Duration, Duration, Cpu, f64, i32) {
    time_cpu(bin, args, content, runs, &|| {
        set_aside(out);
        forget_check_cache(content);
    })
}

/// Edit-to-reload under `serve`: start it on the county, listen for reload
/// events, edit one community file `edits` times. Returns the time to the
/// first page (ms) and each edit's time to its reload event.
fn serve_reload(bin: &Path, content: &Path, edits: usize) -> (Duration, Vec<Duration>) {
    use std::io::{BufRead, BufReader, Write};
    let start = Instant::now();
    let mut child = Command::new(bin)
        .args(["serve", "--port", "0", "--content"])
        .arg(content)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let port: u16 = loop {
        line.clear();
        out.read_line(&mut line).unwrap();
        if let Some(at) = line.find("http://127.0.0.1:") {
            let rest = &line[at + 17..];
            break rest[..rest.find('/').unwrap()].parse().unwrap();
        }
    };
    let ready = start.elapsed();
    std::thread::spawn(move || for _ in out.lines() {});
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET /__qingpai/events HTTP/1.1\r\n\r\n").unwrap();
    let mut events = BufReader::new(s);
    let file = content.join("communities/城关镇/c0.yaml");
    let original = std::fs::read_to_string(&file).unwrap();
    let mut times = Vec::new();
    for i in 0..edits {
        std::thread::sleep(Duration::from_millis(300));
        let edited = original.replace("人民调解室", &format!("人民调解室{i}"));
        let t = Instant::now();
        std::fs::write(&file, edited).unwrap();
        loop {
            line.clear();
            events.read_line(&mut line).unwrap();
            if line.trim() == "data: reload" {
                break;
            }
        }
        times.push(t.elapsed());
    }
    std::fs::write(&file, original).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    (ready, times)
}

fn dir_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                total += e.metadata().map_or(0, |m| m.len());
            }
        }
    }
    total
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let n: usize = value("--communities")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runs: usize = value("--runs").and_then(|v| v.parse().ok()).unwrap_or(5);
    // Another seed, another county (the same size and mix of problems).
    let seed: u64 = value("--seed")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_201_015);
    let tmp = tempfile::tempdir().unwrap();
    let dir = value("--keep").map_or_else(|| tmp.path().to_owned(), std::path::PathBuf::from);
    let bin = Path::new(env!("CARGO_BIN_EXE_qingpai"));

    // `--only serve` (or check, build) runs one part; `--keep DIR` with an
    // existing county reuses it instead of generating a new one.
    let only = value("--only");
    let wants = |part: &str| only.as_deref().is_none_or(|o| o == part);
    let start = Instant::now();
    let bytes = if dir.join("site.yaml").is_file() {
        0
    } else {
        generate(&dir, n, seed)
    };
    println!(
        "generated {n} communities, {:.1} MB of YAML, in {:.2?} ({})",
        bytes as f64 / 1e6,
        start.elapsed(),
        dir.display()
    );
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    if wants("check") {
        // Cold: the per-file cache removed before each run.
        let (min, median, cpu, peak, code) =
            time_cpu(bin, &["check", "--format", "json"], &dir, runs, &|| {
                forget_check_cache(&dir)
            });
        println!(
            "check --format json, cold (no cache): min {:.3}s, median {:.3}s over {runs} runs (exit {code}); median {cpu}; peak memory {peak:.0} MiB",
            min.as_secs_f64(),
            median.as_secs_f64(),
        );
        let (min, median, cpu, peak, code) =
            time_cpu(bin, &["check", "--format", "json"], &dir, runs, &|| {});
        println!(
            "check --format json, with the per-file cache: min {:.3}s, median {:.3}s over {runs} runs (exit {code}); median {cpu}; peak memory {peak:.0} MiB",
            min.as_secs_f64(),
            median.as_secs_f64(),
        );
    }

    // Outside the content folder, so serve's watcher does not see it.
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("bench-output");
    TRASH.set(out_dir.path().join("bench-trash")).unwrap();
    let out_s = out.to_str().unwrap();
    let build_runs = runs.min(3);
    // Hugo on the same records, when it is installed (`apt-get install hugo`).
    let hugo_installed = Command::new("hugo")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if wants("build") && hugo_installed {
        let site = out_dir.path().join("hugo-site");
        hugo_site(&dir, &site);
        let (min, median, _, peak, code) = repeat(
            build_runs,
            &|| {
                set_aside(&site.join("public"));
                set_aside(&site.join("resources"));
            },
            &|| {
                let mut cmd = Command::new("hugo");
                cmd.args(["--quiet", "--source"]).arg(&site);
                cmd
            },
        );
        assert_eq!(code, 0, "hugo failed");
        let version = Command::new("hugo").arg("version").output().unwrap();
        println!(
            "hugo, the same records as plain pages: min {:.2}s, median {:.2}s over {build_runs} runs; peak memory {peak:.0} MiB ({})",
            min.as_secs_f64(),
            median.as_secs_f64(),
            String::from_utf8_lossy(&version.stdout)
                .split_whitespace()
                .nth(1)
                .unwrap_or("?"),
        );
        set_aside(&site);
    } else if wants("build") {
        println!("hugo: not installed, not measured (apt-get install hugo)");
    }

    if wants("build") {
        for (label, extra) in [
            ("build --no-pdf --no-previews", &["--no-previews"][..]),
            ("build --no-pdf", &[][..]),
        ] {
            let mut args = vec!["build", "--no-pdf", "--output", out_s];
            args.extend_from_slice(extra);
            let (min, median, cpu, peak, code) = time_cold(bin, &args, &dir, build_runs, &out);
            println!(
                "{label}: min {:.2}s, median {:.2}s over {build_runs} runs (exit {code}); median {cpu}; {:.0} MB written; peak memory {peak:.0} MiB",
                min.as_secs_f64(),
                median.as_secs_f64(),
                dir_bytes(&out) as f64 / 1e6,
            );
        }

        // The full build, with every PDF.
        let full = ["build", "--output", out_s];
        let (min, median, cpu, peak, code) = time_cold(bin, &full, &dir, build_runs, &out);
        let pdf_bytes: u64 = ["sheet.pdf", "signs.pdf", "handbook.pdf", "honours.pdf"]
            .iter()
            .map(|f| {
                let mut total = 0;
                for e in std::fs::read_dir(out.join("communities"))
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    total += std::fs::metadata(e.path().join(f)).map_or(0, |m| m.len());
                }
                total
            })
            .sum();
        println!(
            "build (with PDFs): min {:.1}s, median {:.1}s over {build_runs} runs (exit {code}); median {cpu}; {:.0} MB written, of which PDFs {:.0} MB ({:.0} KB per community); peak memory {peak:.0} MiB",
            min.as_secs_f64(),
            median.as_secs_f64(),
            dir_bytes(&out) as f64 / 1e6,
            pdf_bytes as f64 / 1e6,
            pdf_bytes as f64 / 1e3 / n as f64,
        );
    }

    if wants("build") {
        // Incremental: the same build again, then after one inventory edit.
        let full = ["build", "--output", out_s];
        let (min, median, peak, code) = time(bin, &full, &dir, build_runs);
        println!(
            "build again, nothing changed: min {:.2}s, median {:.2}s over {build_runs} runs (exit {code}); peak memory {peak:.0} MiB",
            min.as_secs_f64(),
            median.as_secs_f64(),
        );
        let file = dir.join("communities/城关镇/c0.yaml");
        let original = std::fs::read_to_string(&file).unwrap();
        let mut times = Vec::new();
        let mut peak = 0.0f64;
        for i in 0..build_runs {
            std::fs::write(
                &file,
                original.replace("人民调解室", &format!("人民调解室{i}")),
            )
            .unwrap();
            let (t, _, p, _) = time(bin, &full, &dir, 1);
            times.push(t);
            peak = peak.max(p);
        }
        std::fs::write(&file, &original).unwrap();
        times.sort();
        println!(
            "build after one inventory was edited: min {:.2}s, median {:.2}s over {build_runs} runs; peak memory {peak:.0} MiB",
            times[0].as_secs_f64(),
            times[times.len() / 2].as_secs_f64(),
        );
    }

    if wants("serve") {
        let (ready, mut edits) = serve_reload(bin, &dir, 7);
        edits.sort();
        println!(
            "serve: first page after {:.1}s; edit-to-reload min {} ms, median {} ms, max {} ms over {} edits",
            ready.as_secs_f64(),
            edits[0].as_millis(),
            edits[edits.len() / 2].as_millis(),
            edits[edits.len() - 1].as_millis(),
            edits.len()
        );
    }
}
