// qingpai: search and the overview's filters. No library, no network: the
// search index is a local script loaded the first time someone types.
(function () {
  "use strict";

  function norm(s) {
    return (s || "").normalize("NFKC").replace(/\s+/g, "").toLowerCase();
  }

  // --- Search -------------------------------------------------------------
  var form = document.querySelector("form.search");
  if (form) {
    var input = form.querySelector("input");
    var list = form.querySelector(".results");
    var root = form.getAttribute("data-root") || "";
    var waiting = null; // callbacks waiting for the index, while it loads

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
      s.onerror = function () { waiting = null; };
      document.head.appendChild(s);
    }

    function show() {
      var q = norm(input.value);
      list.textContent = "";
      if (!q) { list.hidden = true; return; }
      var hits = [];
      var index = window.QINGPAI_INDEX || [];
      for (var i = 0; i < index.length && hits.length < 30; i++) {
        if (index[i].x.indexOf(q) !== -1) { hits.push(index[i]); }
      }
      if (!hits.length) {
        var none = document.createElement("li");
        none.className = "small";
        none.style.padding = "8px 10px";
        none.textContent = "没有找到“" + input.value + "”";
        list.appendChild(none);
      }
      hits.forEach(function (h) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + h.u;
        a.textContent = h.n;
        var meta = document.createElement("span");
        meta.className = "small";
        meta.textContent = h.t + " · " + h.s;
        a.appendChild(meta);
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = false;
    }

    input.addEventListener("input", function () { load(show); });
    input.addEventListener("focus", function () { load(function () {}); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) { window.location.href = first.href; }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { list.hidden = true; }
    });
    document.addEventListener("click", function (e) {
      if (!form.contains(e.target)) { list.hidden = true; }
    });
  }

  // --- Overview filters (without script, every community is listed) -------
  var filters = document.querySelector(".filters");
  if (filters) {
    filters.hidden = false;
    var town = document.getElementById("f-town");
    var status = document.getElementById("f-status");
    var count = document.getElementById("f-count");
    function apply() {
      var shown = 0;
      document.querySelectorAll("section.town").forEach(function (sec) {
        var townOk = !town.value || sec.getAttribute("data-town") === town.value;
        var any = false;
        sec.querySelectorAll(".item").forEach(function (it) {
          var ok = townOk && (!status.value || it.getAttribute("data-status") === status.value);
          it.hidden = !ok;
          if (ok) { any = true; shown++; }
        });
        sec.hidden = !any;
      });
      count.textContent = "显示 " + shown + " 个";
    }
    town.addEventListener("change", apply);
    status.addEventListener("change", apply);
    apply();
  }
})();
