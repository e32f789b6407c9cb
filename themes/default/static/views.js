/* briefgen default theme: filters for the actor index and the timeline, and the switches for
   the marks in a briefing's article. Progressive enhancement: every page is complete without
   this file (the full lists, the marks on); the controls it drives stay hidden until it runs. */
(function () {
  "use strict";

  /* Case and accents do not count when filtering ("etats" finds "États-Unis"). */
  function comparable(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  /* Show the items `keep` accepts; hide each group left empty; report "shown of total". */
  function applyFilter(root, items, keep) {
    var shown = 0;
    items.forEach(function (item) {
      var visible = keep(item);
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    root.querySelectorAll("[data-list-filter-group]").forEach(function (group) {
      var members = group.querySelectorAll("[data-filter-text], [data-actors]");
      group.hidden = !Array.prototype.some.call(members, function (m) { return !m.hidden; });
    });
    var empty = root.querySelector("[data-list-filter-empty]");
    if (empty) empty.hidden = shown > 0;
    var count = root.querySelector("[data-count-template]");
    if (count) {
      count.textContent = shown === items.length ? "" : count.dataset.countTemplate
        .replace("{shown}", shown.toLocaleString(document.documentElement.lang))
        .replace("{total}", items.length.toLocaleString(document.documentElement.lang));
    }
  }

  function setUpListFilter(root) {
    var box = root.querySelector("[data-list-filter]");
    if (!box) return;
    var input = box.querySelector("[data-list-filter-input]");
    var items = Array.prototype.slice.call(root.querySelectorAll("[data-filter-text]"));
    box.hidden = false;
    input.addEventListener("input", function () {
      var words = comparable(input.value).split(/\s+/).filter(Boolean);
      applyFilter(root, items, function (item) {
        var text = item.dataset.filterText;
        return words.every(function (word) { return text.indexOf(word) >= 0; });
      });
    });
  }

  function setUpTimelineFilter(root) {
    var form = root.querySelector("[data-timeline-filter]");
    if (!form) return;
    var actor = form.querySelector("[data-timeline-filter-actor]");
    var tag = form.querySelector("[data-timeline-filter-tag]");
    var items = Array.prototype.slice.call(root.querySelectorAll("[data-actors]"));
    var params = new URLSearchParams(window.location.search);
    [[actor, "actor"], [tag, "tag"]].forEach(function (pair) {
      var wanted = params.get(pair[1]);
      if (wanted && pair[0].querySelector('option[value="' + CSS.escape(wanted) + '"]')) {
        pair[0].value = wanted;
      }
    });
    function has(list, value) {
      return !value || list.split(" ").indexOf(value) >= 0;
    }
    function update() {
      applyFilter(root, items, function (item) {
        return has(item.dataset.actors, actor.value) && has(item.dataset.tags, tag.value);
      });
      var query = new URLSearchParams();
      if (actor.value) query.set("actor", actor.value);
      if (tag.value) query.set("tag", tag.value);
      var search = query.toString();
      window.history.replaceState(null, "", search ? "?" + search + window.location.hash :
        window.location.pathname + window.location.hash);
    }
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    actor.addEventListener("change", update);
    tag.addEventListener("change", update);
    if (actor.value || tag.value) update();
  }

  /* A switched-off mark is no link at all (its address kept aside), so it is neither styled
     nor focusable; the choice is remembered for the next article. */
  function setUpHighlights(root) {
    var toggles = root.querySelector("[data-highlight-toggles]");
    var article = root.querySelector("[data-highlight-article]");
    if (!toggles || !article) return;
    function show(kind, on) {
      article.querySelectorAll("a.mention-" + kind).forEach(function (mark) {
        if (on && mark.dataset.href) {
          mark.setAttribute("href", mark.dataset.href);
        } else if (!on && mark.hasAttribute("href")) {
          mark.dataset.href = mark.getAttribute("href");
          mark.removeAttribute("href");
        }
      });
      article.classList.toggle("marks-" + kind + "-off", !on);
    }
    toggles.querySelectorAll("[data-highlight]").forEach(function (button) {
      var kind = button.dataset.highlight;
      var key = "briefgen-marks-" + kind;
      var stored = null;
      try { stored = window.localStorage.getItem(key); } catch (error) { stored = null; }
      var on = stored !== "off";
      button.setAttribute("aria-pressed", String(on));
      show(kind, on);
      button.addEventListener("click", function () {
        on = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", String(on));
        show(kind, on);
        try { window.localStorage.setItem(key, on ? "on" : "off"); } catch (error) { /* private mode */ }
      });
    });
    toggles.hidden = !article.querySelector("a.mention");
  }

  setUpListFilter(document);
  setUpTimelineFilter(document);
  setUpHighlights(document);
})();
