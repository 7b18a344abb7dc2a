// qingpai: search and the overview's filters. No library, no network: the
// search index is a local script loaded the first time someone types, so all
// of it also works from a folder opened in the browser (file://).
(function () {
  "use strict";

  // The index (src/site/search.rs) is normalised the same way and lower-cased,
  // so "HONGQI" or full-width "ＨＯＮＧＱＩ" finds hongqi.
  function norm(s) {
    return (s || "").normalize("NFKC").replace(/\s+/g, "").toLowerCase();
  }

  // --- Search: an ARIA 1.2 combobox with a listbox popup -------------------
  var form = document.querySelector("form.search");
  if (form) {
    var input = form.querySelector("input");
    var list = document.getElementById("results");
    var none = document.getElementById("q-none");
    var status = document.getElementById("q-status");
    var root = form.getAttribute("data-root") || "";
    var waiting = null; // callbacks waiting for the index, while it loads
    var options = []; // the option elements now shown
    var active = -1; // index into options of the active one, -1 for none
    var announce = null; // timer: the live region speaks once typing pauses

    function load(then) {
      if (window.QINGPAI_INDEX) { then(); return; }
      if (waiting) { waiting.push(then); return; }
      waiting = [then];
      var s = document.createElement("script");
      s.src = form.getAttribute("data-index");
      s.onload = function () {
        var calls = waiting;
        waiting = null;
        calls.forEach(function (f) { f(); });
      };
      s.onerror = function () {
        waiting = null;
        say("搜索索引没有加载成功，请刷新页面再试。");
      };
      document.head.appendChild(s);
    }

    function say(text) {
      clearTimeout(announce);
      // Waiting a moment lets a screen reader finish echoing the keystroke;
      // clearing first makes the same count be announced again.
      status.textContent = "";
      announce = setTimeout(function () { status.textContent = text; }, 400);
    }

    function setActive(i) {
      if (active >= 0 && options[active]) {
        options[active].classList.remove("active");
        options[active].setAttribute("aria-selected", "false");
      }
      active = i;
      if (i >= 0 && options[i]) {
        options[i].classList.add("active");
        options[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[i].id);
        if (options[i].scrollIntoView) { options[i].scrollIntoView({ block: "nearest" }); }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      none.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function open(option) {
      var href = option && option.getAttribute("data-href");
      if (href) { window.location.href = href; }
    }

    function show() {
      var q = norm(input.value);
      options = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.textContent = "";
      if (!q) { close(); status.textContent = ""; return; }
      var hits = [];
      var total = 0;
      var index = window.QINGPAI_INDEX || [];
      for (var i = 0; i < index.length; i++) {
        if (index[i].x.indexOf(q) !== -1) {
          total++;
          if (hits.length < 30) { hits.push(index[i]); }
        }
      }
      hits.forEach(function (h, n) {
        var li = document.createElement("li");
        li.id = "results-" + n;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-href", root + h.u);
        var name = document.createElement("span");
        name.className = "name";
        name.textContent = h.n;
        var meta = document.createElement("span");
        meta.className = "small";
        meta.textContent = h.t + " · " + h.s;
        li.appendChild(name);
        li.appendChild(meta);
        list.appendChild(li);
        options.push(li);
      });
      list.hidden = !hits.length;
      input.setAttribute("aria-expanded", hits.length ? "true" : "false");
      none.hidden = !!hits.length;
      if (!hits.length) {
        none.textContent = "没有找到“" + input.value.trim() + "”";
        say(none.textContent);
      } else if (total > hits.length) {
        say("找到 " + total + " 个村(社区)，显示前 " + hits.length + " 个，用上下方向键选择，回车打开");
      } else {
        say("找到 " + total + " 个村(社区)，用上下方向键选择，回车打开");
      }
    }

    input.addEventListener("input", function () { load(show); });
    input.addEventListener("focus", function () { load(function () {}); });
    input.addEventListener("keydown", function (e) {
      if (e.isComposing) { return; } // keys of an input method choosing characters
      var n = options.length;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) {
          // Reopen what was closed (Escape), or search if nothing is shown yet.
          if (n) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
          else { load(show); return; }
        }
        if (!n) { return; }
        var down = e.key === "ArrowDown";
        setActive(active < 0 ? (down ? 0 : n - 1) : (active + (down ? 1 : n - 1)) % n);
      } else if (e.key === "Enter") {
        e.preventDefault();
        // The active option, or else the only or first result.
        if (!list.hidden && n) { open(options[active >= 0 ? active : 0]); }
      } else if (e.key === "Escape") {
        if (!list.hidden || !none.hidden) { e.preventDefault(); close(); }
        else if (input.value) { e.preventDefault(); input.value = ""; status.textContent = ""; }
      }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!list.hidden && options.length) { open(options[active >= 0 ? active : 0]); }
    });
    // mousedown would blur the input before the click lands.
    list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    list.addEventListener("click", function (e) {
      var li = e.target.closest ? e.target.closest("[role=option]") : null;
      if (li) { open(li); }
    });
    list.addEventListener("mousemove", function (e) {
      var li = e.target.closest ? e.target.closest("[role=option]") : null;
      var i = options.indexOf(li);
      if (i >= 0 && i !== active) { setActive(i); }
    });
    document.addEventListener("click", function (e) {
      if (!form.contains(e.target)) { close(); }
    });
    input.addEventListener("blur", function () {
      // Leaving the box by Tab closes the popup; clicks on it are kept by mousedown above.
      setTimeout(function () { if (document.activeElement !== input) { close(); } }, 0);
    });
  }

  // --- Overview filters (without script, every community is listed) -------
  // The choice is kept in the address (?town=…&status=…) so a filtered list
  // can be reloaded, bookmarked and sent on.
  var filters = document.querySelector(".filters");
  if (filters) {
    filters.hidden = false;
    var town = document.getElementById("f-town");
    var statusSel = document.getElementById("f-status");
    var count = document.getElementById("f-count");

    function choose(select, value) {
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === value) { select.value = value; return; }
      }
      // An unknown value (an old link, a typo) shows everything.
      select.value = "";
    }

    function readUrl() {
      var params;
      try {
        params = new URLSearchParams(window.location.search);
      } catch (err) {
        return;
      }
      if (params.has("town")) { choose(town, params.get("town")); }
      if (params.has("status")) { choose(statusSel, params.get("status")); }
    }

    function writeUrl() {
      var params = new URLSearchParams(window.location.search);
      [["town", town.value], ["status", statusSel.value]].forEach(function (kv) {
        if (kv[1]) { params.set(kv[0], kv[1]); } else { params.delete(kv[0]); }
      });
      var qs = params.toString();
      var url = window.location.pathname + (qs ? "?" + qs : "") + window.location.hash;
      try {
        window.history.replaceState(window.history.state, "", url);
      } catch (err) {
        // A browser that refuses to rewrite a file:// address: the filter
        // still works, it is only not kept.
      }
    }

    function apply() {
      var shown = 0;
      document.querySelectorAll("section.town").forEach(function (sec) {
        var townOk = !town.value || sec.getAttribute("data-town") === town.value;
        var any = false;
        sec.querySelectorAll(".item").forEach(function (it) {
          var ok = townOk && (!statusSel.value || it.getAttribute("data-status") === statusSel.value);
          it.hidden = !ok;
          if (ok) { any = true; shown++; }
        });
        sec.hidden = !any;
      });
      count.textContent = "显示 " + shown + " 个";
    }

    function changed() { apply(); writeUrl(); }
    town.addEventListener("change", changed);
    statusSel.addEventListener("change", changed);
    readUrl();
    apply();
  }
})();
