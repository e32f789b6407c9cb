// Site search, with no server: briefgen writes the index as small shard files under search/
// (see briefgen/search.py), and this script loads only the shards a query needs, with <script>
// elements, which also work when the site is opened from disk (fetch() does not, on file://).
//
// Every form with data-search-root searches as the reader types, and shows results in the
// element named by data-search-results. Without this script the form still works: it opens the
// search page, whose results need this script (the page says so in a <noscript>).
(() => {
  "use strict";

  const MAX_WORD_LENGTH = 32;
  const MORE = 20;
  // Past this many bytes of shards, the word being typed is completed only within its own
  // shard: a two-letter prefix must not download a large part of the index.
  const PREFIX_BUDGET = 60000;
  const LETTERS_AND_DIGITS = /[\p{L}\p{N}]+/gu;
  const NONSPACING_MARKS = /\p{Mn}/gu;

  const waiting = new Map();
  const loads = new Map();

  // Every shard file calls this with its name and its data.
  window.__briefgenSearch = (name, data) => {
    const resolve = waiting.get(name);
    if (resolve) {
      waiting.delete(name);
      resolve(data);
    }
  };

  const load = (root, name) => {
    const url = new URL(`${name}.js`, root).href;
    if (!loads.has(url)) {
      loads.set(url, new Promise((resolve, reject) => {
        const script = document.createElement("script");
        const fail = () => {
          waiting.delete(name);
          loads.delete(url);
          reject(new Error(`search: cannot load ${url}`));
        };
        waiting.set(name, resolve);
        script.src = url;
        script.onload = () => { script.remove(); if (waiting.has(name)) fail(); };
        script.onerror = () => { script.remove(); fail(); };
        document.head.append(script);
      }));
    }
    return loads.get(url);
  };

  // The same words as briefgen/search.py finds: letters and digits, lower case, decomposed,
  // nonspacing marks dropped.
  const words = (text, minLength) => {
    const found = text.toLowerCase().normalize("NFKD").replace(NONSPACING_MARKS, "")
      .match(LETTERS_AND_DIGITS) || [];
    return [...new Set(found.filter((word) => {
      const length = [...word].length;
      return length >= minLength && length <= MAX_WORD_LENGTH;
    }))];
  };

  const decode = (gaps) => {
    let id = 0;
    return gaps.split(",").map((gap) => (id += parseInt(gap, 36)));
  };

  const intersect = (left, right) => {
    const keep = new Set(right);
    return left.filter((id) => keep.has(id));
  };

  class Index {
    constructor(root) {
      this.root = root;
      this.manifest = null;
    }

    async open() {
      this.manifest ??= await load(this.root, "manifest");
      return this.manifest;
    }

    // The last shard whose first key sorts at or before `word` (JavaScript's string order,
    // which briefgen sorts by too).
    shardOf(word) {
      const shards = this.manifest.shards;
      let low = 0;
      let high = shards.length - 1;
      while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if (shards[middle][0] <= word) low = middle; else high = middle - 1;
      }
      return low;
    }

    async postings(word, isPrefix) {
      if (!this.manifest.shards.length) return [];
      const first = this.shardOf(word);
      let last = isPrefix ? this.shardOf(`${word}\uffff`) : first;
      let bytes = 0;
      for (let n = first; n <= last; n += 1) bytes += this.manifest.shards[n][1];
      if (bytes > PREFIX_BUDGET) last = first;
      const numbers = Array.from({ length: last - first + 1 }, (_, i) => first + i);
      const shards = await Promise.all(numbers.map((n) => load(this.root, `w/${n}`)));
      if (!isPrefix) {
        return Object.hasOwn(shards[0], word) ? decode(shards[0][word]) : [];
      }
      const ids = new Set();
      for (const shard of shards) {
        for (const [found, gaps] of Object.entries(shard)) {
          if (found.startsWith(word)) decode(gaps).forEach((id) => ids.add(id));
        }
      }
      return [...ids].sort((a, b) => a - b);
    }

    // The ids of the documents that hold every word of `query`, in id order; the last word may
    // be the start of a word while the reader is still typing it.
    async search(query) {
      const manifest = await this.open();
      const terms = words(query, manifest.minWord);
      if (!terms.length) return null;
      const typing = !/\s$/.test(query);
      let ids = null;
      for (const [i, term] of terms.entries()) {
        const found = await this.postings(term, typing && i === terms.length - 1);
        ids = ids === null ? found : intersect(ids, found);
        if (!ids.length) break;
      }
      return ids;
    }

    async documents(ids) {
      const per = this.manifest.perShard;
      const numbers = [...new Set(ids.map((id) => Math.floor(id / per)))];
      const shards = new Map(await Promise.all(
        numbers.map(async (n) => [n, await load(this.root, `d/${n}`)]),
      ));
      return ids.map((id) => shards.get(Math.floor(id / per))[id % per]);
    }
  }

  const plural = (forms, count, lang) => {
    const form = new Intl.PluralRules(lang).select(count);
    const text = forms[form] ?? forms.other;
    return text.replace("{count}", new Intl.NumberFormat(lang).format(count));
  };

  const element = (name, className, text) => {
    const made = document.createElement(name);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  };

  class SearchBox {
    constructor(form) {
      this.form = form;
      this.input = form.querySelector("input[type=search]");
      this.panel = document.getElementById(form.dataset.searchResults);
      this.status = this.panel.querySelector("[role=status]");
      this.list = this.panel.querySelector("ol");
      this.labels = JSON.parse(form.dataset.searchLabels);
      this.lang = document.documentElement.lang || "en";
      this.step = Number(form.dataset.searchLimit) || MORE;
      this.isPage = "searchPage" in form.dataset;
      this.siteRoot = new URL("../", new URL(form.dataset.searchRoot, document.baseURI));
      this.index = new Index(new URL(form.dataset.searchRoot, document.baseURI));
      this.asked = 0;
      this.input.addEventListener("input", () => this.update(this.step));
      this.input.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && !this.isPage) this.clear();
      });
      if (this.isPage) {
        const query = new URLSearchParams(window.location.search).get("q");
        if (query) {
          this.input.value = query;
          this.update(this.step);
        }
      }
    }

    clear() {
      this.asked += 1;
      this.status.textContent = "";
      this.list.replaceChildren();
      this.panel.classList.remove("is-open");
    }

    async update(limit) {
      const asked = (this.asked += 1);
      const query = this.input.value;
      if (this.isPage) {
        const address = new URL(window.location.href);
        address.searchParams.set("q", query);
        window.history.replaceState(null, "", address);
      }
      let ids;
      let shown;
      try {
        ids = await this.index.search(query);
        shown = ids === null ? [] : await this.index.documents(ids.slice(0, limit));
      } catch (error) {
        if (asked === this.asked) this.show(this.labels.unavailable, []);
        throw error;
      }
      if (asked !== this.asked) return;
      if (ids === null) {
        this.clear();
        return;
      }
      const status = ids.length
        ? plural(this.labels.results, ids.length, this.lang)
        : this.labels.no_results;
      this.show(status, shown);
      if (ids.length > shown.length) this.list.append(this.moreItem(limit));
    }

    show(status, records) {
      this.panel.classList.add("is-open");
      this.status.textContent = status;
      this.list.replaceChildren(...records.map((record) => this.item(record)));
    }

    item([kind, address, title, lang, date, detail]) {
      const item = element("li", `search-result search-result-${kind}`);
      const link = element("a", "search-result-title", title);
      link.href = new URL(address, this.siteRoot).href;
      if (lang) link.lang = lang;
      item.append(link, element("span", "search-result-detail", this.detail(kind, date, detail)));
      return item;
    }

    detail(kind, date, detail) {
      if (kind === "a") return this.labels.kinds[detail] ?? detail;
      if (kind === "t") return `${this.labels.tag} · ${plural(this.labels.briefings, Number(detail), this.lang)}`;
      const [year, month, day] = date.split("-").map(Number);
      const published = new Intl.DateTimeFormat(this.lang, { dateStyle: "long", timeZone: "UTC" })
        .format(new Date(Date.UTC(year, month - 1, day)));
      return [published, detail].filter(Boolean).join(" · ");
    }

    moreItem(limit) {
      const item = element("li", "search-more");
      if (this.isPage) {
        const button = element("button", "", this.labels.more);
        button.type = "button";
        button.addEventListener("click", () => this.update(limit + MORE));
        item.append(button);
      } else {
        const link = element("a", "", this.labels.all_results);
        const address = new URL(this.form.getAttribute("action"), document.baseURI);
        address.searchParams.set("q", this.input.value);
        link.href = address.href;
        item.append(link);
      }
      return item;
    }
  }

  document.querySelectorAll("form[data-search-root]").forEach((form) => new SearchBox(form));
})();
