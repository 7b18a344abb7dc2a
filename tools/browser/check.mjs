// Real-browser checks of a site built by `qingpai build`.
//
//   node tools/browser/check.mjs OUTPUT_FOLDER SCREENSHOT_FOLDER
//
// Serves OUTPUT_FOLDER on 127.0.0.1 (a free port), opens a few pages in
// Chromium at a phone and a desktop width, runs axe-core on each (loaded from
// node_modules into the page, no network), tries the search combobox (typing,
// arrow keys, Enter, Escape) and the overview's filters (kept in the address),
// then the same from file://, saves a full-page screenshot per page and
// width, and prints ONE JSON object to stdout. It asserts nothing: tests/browser.rs reads
// the JSON and decides. It exits non-zero only when it cannot run at all
// (bad arguments, server or browser does not start).

import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const CHROMIUM = process.env.QINGPAI_CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const VIEWPORTS = [
  { width: 375, height: 812 },
  { width: 1280, height: 900 },
];
const PAGES = [
  { name: "overview", path: "index.html" },
  { name: "town", path: encodeURI("towns/城关镇/index.html") },
  { name: "hongqi", path: "communities/hongqi/index.html" },
  { name: "nanguan", path: "communities/nanguan/index.html" },
  { name: "shawo", path: "communities/shawo/index.html" },
  { name: "standard", path: "standard/index.html" },
];
// how: "click" (the mouse), "enter" (Enter with no option chosen: the first),
// or a number n (ArrowDown n times, then Enter: the n-th option).
const SEARCHES = [
  { query: "红旗", expect: "红旗社区", how: "click" },
  { query: "HONGQI", expect: "红旗社区", how: 1 },
  { query: "NanGuan", expect: "南关社区", how: "enter" },
  { query: "证明", expect: null, how: 2, minResults: 2 },
  { query: "沙窝", expect: "沙窝村", how: null },
];
const STEP_TIMEOUT = 10_000;
const SEARCH_TIMEOUT = 5_000;

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

function die(message) {
  process.stderr.write(`check.mjs: ${message}\n`);
  process.exit(2);
}

const [outArg, shotsArg] = process.argv.slice(2);
if (!outArg || !shotsArg) {
  die("usage: node check.mjs OUTPUT_FOLDER SCREENSHOT_FOLDER");
}
const root = path.resolve(outArg);
const shots = path.resolve(shotsArg);
if (!fs.existsSync(path.join(root, "index.html"))) {
  die(`${root} has no index.html; build the site first`);
}
fs.mkdirSync(shots, { recursive: true });

// A watchdog, so a wedged browser cannot hang the cargo test forever.
const watchdog = setTimeout(() => die("gave up after 150 s"), 150_000);
watchdog.unref();

// --- Static server ---------------------------------------------------------

const misses = []; // paths the server answered 404 for

function serve(req, res) {
  let rel;
  try {
    rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  let file = path.join(root, path.normalize(rel));
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  } catch {
    // Missing: handled below.
  }
  fs.readFile(file, (err, body) => {
    if (err) {
      misses.push(rel);
      const notFound = path.join(root, "404.html");
      const page = fs.existsSync(notFound) ? fs.readFileSync(notFound) : "not found";
      res.writeHead(404, { "content-type": TYPES[".html"], "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : page);
      return;
    }
    const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
    res.writeHead(200, {
      "content-type": type,
      "content-length": body.length,
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
}

const server = http.createServer(serve);
await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(0, "127.0.0.1", resolve);
}).catch((e) => die(`the server did not start: ${e.message}`));
const base = `http://127.0.0.1:${server.address().port}/`;

// --- Fonts -----------------------------------------------------------------

// A bare CI machine has no Chinese fonts, so every character would be drawn
// as a box: screenshots unreadable, line breaks unlike a phone's. The theme
// ships Noto Sans CJK SC (the family its CSS asks for); a private fontconfig
// file adds it to the system's fonts for this browser only.
const themeFonts = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../themes/default/fonts",
);
const fonts = { extraDir: null, fontconfig: null };
const browserEnv = { ...process.env };
if (fs.existsSync(themeFonts) && !process.env.QINGPAI_SYSTEM_FONTS_ONLY) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qingpai-fonts-"));
  const conf = path.join(dir, "fonts.conf");
  fs.writeFileSync(
    conf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${themeFonts}</dir>
  <cachedir>${path.join(dir, "cache")}</cachedir>
</fontconfig>
`,
  );
  browserEnv.FONTCONFIG_FILE = conf;
  fonts.extraDir = themeFonts;
  fonts.fontconfig = conf;
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
}

// --- Browser ---------------------------------------------------------------

let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    env: browserEnv,
    timeout: 30_000,
  });
} catch (e) {
  server.close();
  die(`Chromium (${CHROMIUM}) did not start: ${e.message}`);
}

function errorText(e) {
  return String((e && e.message) || e).split("\n")[0];
}

/** A fresh page with listeners that collect what went wrong. */
async function openPage(viewport) {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    locale: "zh-CN",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  const log = { consoleErrors: [], pageErrors: [], failedRequests: [], abortedRequests: [] };
  page.on("console", (msg) => {
    if (msg.type() === "error") {
      const where = msg.location();
      log.consoleErrors.push({
        text: msg.text(),
        url: where && where.url ? where.url.replace(base, "") : null,
        line: where ? where.lineNumber : null,
      });
    }
  });
  page.on("pageerror", (err) => {
    log.pageErrors.push({ message: err.message, stack: err.stack || null });
  });
  page.on("requestfailed", (req) => {
    const failure = req.failure();
    const entry = {
      url: req.url().replace(base, ""),
      error: failure ? failure.errorText : "failed",
      resourceType: req.resourceType(),
    };
    // A navigation away (clicking a search result) cancels loads still in
    // flight; that is the browser's doing, not the site's.
    if (entry.error === "net::ERR_ABORTED" && log.navigatedAway) {
      log.abortedRequests.push(entry);
    } else {
      log.failedRequests.push(entry);
    }
  });
  page.on("response", (resp) => {
    if (resp.status() >= 400) {
      log.failedRequests.push({
        url: resp.url().replace(base, ""),
        status: resp.status(),
        resourceType: resp.request().resourceType(),
      });
    }
  });
  return { context, page, log };
}

/** Scroll through the page so lazy images load, then wait for them. */
async function settle(page) {
  await page.evaluate(async () => {
    const pause = (ms) => new Promise((r) => setTimeout(r, ms));
    const step = Math.max(200, window.innerHeight);
    for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
      window.scrollTo(0, y);
      await pause(30);
    }
    window.scrollTo(0, document.documentElement.scrollHeight);
    await pause(50);
    window.scrollTo(0, 0);
    // Lazy images the scroll brought near the viewport: wait until each has
    // loaded or failed (a failure shows up as a failed request).
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && [...document.images].some((i) => !i.complete)) {
      await pause(50);
    }
    if (document.fonts && document.fonts.ready) await document.fonts.ready;
  });
}

/** Layout and markup facts about the page as it is now. */
function inspect(page) {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    const clipsX = (el) => {
      for (let a = el.parentElement; a; a = a.parentElement) {
        if (a === document.body || a === document.documentElement) break;
        const o = getComputedStyle(a).overflowX;
        if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true;
      }
      return false;
    };
    const describe = (el) => {
      let s = el.tagName.toLowerCase();
      if (el.id) s += `#${el.id}`;
      for (const c of el.classList) s += `.${c}`;
      return s;
    };
    const overflowing = [];
    let overflowingCount = 0;
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right <= innerWidth + 1) continue;
      if (clipsX(el)) continue;
      overflowingCount++;
      if (overflowing.length < 10) {
        overflowing.push({
          element: describe(el),
          left: Math.round(r.left),
          right: Math.round(r.right),
          width: Math.round(r.width),
          text: (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 60),
        });
      }
    }
    const imgs = [...document.images];
    // The gate drawing: its width against the screen and where a tap leads.
    const drawing = document.querySelector(".gate .drawing");
    const drawingSvg = drawing && drawing.querySelector("svg");
    const gate = drawing
      ? {
          href: drawing.getAttribute("href"),
          tag: drawing.tagName.toLowerCase(),
          width: Math.round(drawingSvg ? drawingSvg.getBoundingClientRect().width : 0),
          right: Math.round(drawing.getBoundingClientRect().right),
        }
      : null;
    // Chart labels as drawn: font size in user units times the SVG's scale.
    let chartLabelMinPx = null;
    for (const svg of document.querySelectorAll("svg.bars")) {
      const vb = svg.viewBox && svg.viewBox.baseVal;
      if (!vb || !vb.width) continue;
      const scale = svg.getBoundingClientRect().width / vb.width;
      for (const t of svg.querySelectorAll("text")) {
        const px = parseFloat(getComputedStyle(t).fontSize) * scale;
        if (chartLabelMinPx === null || px < chartLabelMinPx) chartLabelMinPx = px;
      }
    }
    // Boxes that scroll sideways: each needs to be reachable by keyboard.
    const sideScrollers = [...document.body.querySelectorAll("*")]
      .filter((el) => {
        const o = getComputedStyle(el).overflowX;
        return (o === "auto" || o === "scroll") && el.scrollWidth > el.clientWidth + 1;
      })
      .map((el) => ({ element: describe(el), focusable: el.tabIndex >= 0 }));
    return {
      gate,
      chartLabelMinPx: chartLabelMinPx === null ? null : Math.round(chartLabelMinPx * 10) / 10,
      sideScrollers,
      innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
      horizontalOverflow: document.documentElement.scrollWidth > innerWidth,
      overflowing,
      overflowingCount,
      images: imgs.length,
      imagesWithoutAlt: imgs
        .filter((i) => !(i.getAttribute("alt") || "").trim())
        .map((i) => i.getAttribute("src")),
      brokenImages: imgs
        .filter((i) => i.complete && i.naturalWidth === 0)
        .map((i) => i.getAttribute("src")),
      lang: document.documentElement.getAttribute("lang"),
      h1Count: document.querySelectorAll("h1").length,
      h1s: [...document.querySelectorAll("h1")].map((h) => h.textContent.trim()),
      title: document.title,
    };
  });
}

/** axe-core's violations (every rule axe runs by default), slimmed down. */
async function runAxe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return {
      version: window.axe.version,
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({
          target: n.target.join(" "),
          html: n.html.slice(0, 160),
          summary: (n.failureSummary || "").slice(0, 300),
        })),
        count: v.nodes.length,
      })),
    };
  });
}

async function checkPage(spec, viewport) {
  const result = {
    page: spec.name,
    path: spec.path,
    width: viewport.width,
    height: viewport.height,
    status: null,
    screenshot: path.join(shots, `${spec.name}-${viewport.width}.png`),
    error: null,
  };
  const { context, page, log } = await openPage(viewport);
  try {
    const resp = await page.goto(base + spec.path, { waitUntil: "load" });
    result.status = resp ? resp.status() : null;
    await settle(page);
    Object.assign(result, await inspect(page));
    result.axe = await runAxe(page);
    await page.screenshot({ path: result.screenshot, fullPage: true });
  } catch (e) {
    result.error = errorText(e);
  }
  await context.close();
  return Object.assign(result, log);
}

/** The combobox's state as a screen reader would get it. */
function comboState(page) {
  return page.evaluate(() => {
    const input = document.getElementById("q");
    const list = document.getElementById("results");
    const opts = [...list.querySelectorAll("[role=option]")];
    const activeId = input.getAttribute("aria-activedescendant");
    const activeEl = activeId ? document.getElementById(activeId) : null;
    return {
      role: input.getAttribute("role"),
      expanded: input.getAttribute("aria-expanded"),
      controls: input.getAttribute("aria-controls"),
      listRole: list.getAttribute("role"),
      listVisible: list.checkVisibility(),
      options: opts.map((o) => ({
        id: o.id,
        text: o.textContent.replace(/\s+/g, " ").trim(),
        href: o.getAttribute("data-href"),
        selected: o.getAttribute("aria-selected"),
      })),
      activeId,
      activeIsOption: !!activeEl && activeEl.getAttribute("role") === "option" && list.contains(activeEl),
      activeText: activeEl ? activeEl.textContent.replace(/\s+/g, " ").trim() : null,
      activeHref: activeEl ? activeEl.getAttribute("data-href") : null,
      live: (() => {
        const s = document.getElementById("q-status");
        return s ? { role: s.getAttribute("role"), ariaLive: s.getAttribute("aria-live"), text: s.textContent } : null;
      })(),
    };
  });
}

/** Types a query and waits for the popup (or the "none found" line). */
async function typeQuery(page, query) {
  const input = page.locator("#q");
  await input.click();
  await input.fill("");
  await input.pressSequentially(query, { delay: 40 });
  await page
    .waitForFunction(() => {
      const l = document.getElementById("results");
      const n = document.getElementById("q-none");
      return (l && !l.hidden && l.children.length) || (n && !n.hidden);
    }, null, { timeout: SEARCH_TIMEOUT })
    .catch(() => {});
  // The live region speaks after a pause in typing.
  await page
    .waitForFunction(() => (document.getElementById("q-status") || {}).textContent, null, {
      timeout: SEARCH_TIMEOUT,
    })
    .catch(() => {});
}

async function checkSearch(viewport, start, log, page, label) {
  const result = { width: viewport.width, origin: label, queries: [], escape: null, filter: null, axeOpen: null };
  const overview = start + "index.html";
  const go = async (url) => {
    log.navigatedAway = true;
    await page.goto(url, { waitUntil: "load" });
    log.navigatedAway = false;
  };

  for (const s of SEARCHES) {
    const q = { query: s.query, expect: s.expect, how: s.how, minResults: s.minResults || 1, error: null };
    try {
      await go(overview);
      await typeQuery(page, s.query);
      const input = page.locator("#q");
      if (typeof s.how === "number") {
        for (let i = 0; i < s.how; i++) await input.press("ArrowDown");
      }
      q.before = await comboState(page);
      q.found = s.expect ? q.before.options.some((o) => o.text.includes(s.expect)) : q.before.options.length > 0;
      if (s.how !== null && q.before.options.length) {
        // Where the choice should lead: the active option, or else the first.
        const chosen = typeof s.how === "number" ? q.before.activeHref : null;
        const wanted = s.how === "click" || s.how === "enter"
          ? (q.before.options.find((o) => !s.expect || o.text.includes(s.expect)) || {}).href
          : chosen;
        q.wanted = wanted ? new URL(wanted, page.url()).href.replace(start, "") : null;
        log.navigatedAway = true;
        const nav = page.waitForURL((u) => !u.href.startsWith(overview), { timeout: STEP_TIMEOUT });
        if (s.how === "click") {
          await page.locator("#results [role=option]", { hasText: s.expect }).first().click();
        } else {
          await input.press("Enter");
        }
        await nav;
        await page.waitForLoadState("load");
        q.url = page.url().replace(start, "");
        q.navigated = !!q.wanted && q.url === q.wanted;
      }
    } catch (e) {
      q.error = errorText(e);
    }
    result.queries.push(q);
  }

  // Escape closes the popup; axe looks at the page with the popup open.
  const esc = { error: null };
  try {
    await go(overview);
    await typeQuery(page, "社区");
    await page.locator("#q").press("ArrowDown");
    esc.open = await comboState(page);
    if (label === "http") result.axeOpen = await runAxe(page);
    await page.locator("#q").press("Escape");
    esc.closed = await comboState(page);
  } catch (e) {
    esc.error = errorText(e);
  }
  result.escape = esc;

  // The status filter, kept in the address and read back after a reload.
  const filter = { value: "noncompliant", total: 0, visible: 0, hidden: 0, error: null };
  const measure = () =>
    page.evaluate((value) => {
      const items = [...document.querySelectorAll(".item")];
      const shown = items.filter((it) => it.checkVisibility());
      return {
        total: items.length,
        visible: shown.length,
        hidden: items.length - shown.length,
        visibleWithOtherStatus: shown
          .filter((it) => it.getAttribute("data-status") !== value)
          .map((it) => (it.querySelector(".name") || it).textContent.trim()),
        countText: (document.getElementById("f-count") || {}).textContent || null,
        select: (document.getElementById("f-status") || {}).value,
        town: (document.getElementById("f-town") || {}).value,
        search: window.location.search,
      };
    }, filter.value);
  try {
    await go(overview);
    await page.locator("#f-status").selectOption(filter.value);
    Object.assign(filter, await measure());
    log.navigatedAway = true;
    await page.reload({ waitUntil: "load" });
    log.navigatedAway = false;
    filter.afterReload = await measure();
    // A link someone was sent: both filters in the address.
    const townSlug = await page.evaluate(() => {
      const o = document.querySelector("#f-town option[value]:not([value=''])");
      return o ? o.value : null;
    });
    filter.townSlug = townSlug;
    await go(overview + "?town=" + encodeURIComponent(townSlug) + "&status=" + filter.value);
    filter.linked = await page.evaluate(() => {
      const shown = [...document.querySelectorAll(".item")].filter((it) => it.checkVisibility());
      return {
        town: document.getElementById("f-town").value,
        status: document.getElementById("f-status").value,
        shownTowns: [...new Set(shown.map((it) => it.closest("section.town").getAttribute("data-town")))],
        shownStatuses: [...new Set(shown.map((it) => it.getAttribute("data-status")))],
        visible: shown.length,
      };
    });
  } catch (e) {
    filter.error = errorText(e);
  }
  result.filter = filter;
  return result;
}

async function checkSearchOver(viewport, start, label) {
  const { context, page, log } = await openPage(viewport);
  let result;
  try {
    result = await checkSearch(viewport, start, log, page, label);
  } catch (e) {
    result = { width: viewport.width, origin: label, error: errorText(e) };
  }
  await context.close();
  return Object.assign(result, log);
}

const report = {
  base,
  chromium: { path: CHROMIUM, version: browser.version() },
  screenshots: shots,
  fonts,
  pages: [],
  search: [],
  serverMisses: misses,
};
for (const viewport of VIEWPORTS) {
  for (const spec of PAGES) report.pages.push(await checkPage(spec, viewport));
  report.search.push(await checkSearchOver(viewport, base, "http"));
}
// The same search and filters from the folder itself, as a clerk opens it.
report.search.push(await checkSearchOver(VIEWPORTS[0], pathToFileURL(root + path.sep).href, "file"));

await browser.close();
server.close();
for (const entry of [...report.pages, ...report.search]) delete entry.navigatedAway;
process.stdout.write(JSON.stringify(report, null, 2) + "\n");
process.exit(0);
