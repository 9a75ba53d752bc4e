// The search page: the query and filters live in the address (?q=…&person=…&page=…),
// so every result, filter and article has a link; ?article=ID opens one article.
"use strict";

(() => {
  const { el, svg, marked, label, date, number, json, showError, clear } = tin;
  const SIZE = 10;
  const MAX_WINDOW = 10000;
  // URL parameter, facet in /search's answer, heading.
  const FILTERS = [
    ["person", "persons", "Người"],
    ["location", "locations", "Địa điểm"],
    ["organization", "organizations", "Tổ chức"],
    ["category", "category", "Chủ đề"],
    ["sentiment", "sentiment", "Sắc thái"],
    ["source", "source", "Nguồn"],
  ];
  const ENTITY_PARAM = { PER: "person", LOC: "location", ORG: "organization" };
  const params = new URLSearchParams(window.location.search);

  function href(change) {
    const next = new URLSearchParams(params);
    next.delete("page");
    next.delete("article");
    change(next);
    const query = next.toString();
    return query ? `/?${query}` : "/";
  }

  function about(name, value) {
    return `/?${new URLSearchParams([[name, value]]).toString()}`;
  }

  function active() {
    const out = [];
    for (const [name, , heading] of FILTERS) {
      for (const value of params.getAll(name)) out.push([name, value, heading]);
    }
    return out;
  }

  function renderFacets(facets) {
    const aside = clear(document.getElementById("facets"));
    const chosen = new Set(active().map(([n, v]) => `${n}\u0000${v}`));
    for (const [name, key, heading] of FILTERS) {
      const buckets = (facets[key] || []).filter((b) => !chosen.has(`${name}\u0000${b.value}`));
      if (!buckets.length) continue;
      const list = el("ul", { class: "facet-values" });
      for (const bucket of buckets) {
        const link = el(
          "a",
          {
            href: href((p) => p.append(name, bucket.value)),
            class: "facet",
            "data-facet": name,
            "data-value": bucket.value,
          },
          el("span", { class: "facet-name" }, label(name, bucket.value)),
          el("span", { class: "count" }, number(bucket.count)),
        );
        list.append(el("li", {}, link));
      }
      aside.append(el("details", { open: true, class: "facet-group", "data-facet": name },
        el("summary", {}, heading), list));
    }
  }

  function renderActive() {
    const box = clear(document.getElementById("active-filters"));
    const kept = clear(document.getElementById("kept-filters"));
    for (const [name, value, heading] of active()) {
      const remove = href((p) => {
        const rest = p.getAll(name).filter((v) => v !== value);
        p.delete(name);
        for (const v of rest) p.append(name, v);
      });
      box.append(el("a", { class: "chip", href: remove, "data-facet": name, "data-value": value,
        title: "Bỏ bộ lọc này" }, `${heading}: ${label(name, value)}`, el("span", { "aria-hidden": "true" }, " ×")));
      // A new query keeps the filters.
      kept.append(el("input", { type: "hidden", name, value }));
    }
  }

  function renderHistogram(buckets) {
    const figure = document.getElementById("histogram");
    figure.querySelectorAll("svg, .axis").forEach((n) => n.remove());
    if (!buckets || buckets.length < 2) {
      figure.hidden = true;
      return;
    }
    const width = 600;
    const height = 80;
    const most = Math.max(...buckets.map((b) => b.count));
    // Days on a time axis: days without articles are gaps, not hidden.
    const DAY = 86400000;
    const first = Date.parse(buckets[0].value);
    const days = Math.max(1, Math.round((Date.parse(buckets[buckets.length - 1].value) - first) / DAY) + 1);
    const step = width / days;
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
      "aria-label": "Số bài theo ngày", preserveAspectRatio: "none" });
    for (const b of buckets) {
      const h = Math.max(1, (b.count / most) * (height - 4));
      const x = Math.round((Date.parse(b.value) - first) / DAY) * step;
      chart.append(svg("rect", { x, y: height - h, width: Math.max(1.5, step * 0.8),
        height: h, class: "bar" }, svg("title", {}, `${date(b.value)}: ${b.count} bài`)));
    }
    figure.append(chart, el("div", { class: "axis" },
      el("span", {}, date(buckets[0].value)), el("span", {}, date(buckets[buckets.length - 1].value))));
    figure.hidden = false;
  }

  function meta(hit) {
    const category = hit.category && (hit.category.label || hit.category);
    const tone = hit.sentiment && (hit.sentiment.label || hit.sentiment);
    return [hit.source, date(hit.published_at), category && label("category", category),
      tone && label("sentiment", tone)].filter(Boolean).join(" · ");
  }

  function renderHit(hit) {
    const title = (hit.highlight && hit.highlight.title && hit.highlight.title[0]) || null;
    const heading = el("a", { href: `/?article=${encodeURIComponent(hit.id)}`, class: "hit-title" });
    if (title) heading.append(marked(title));
    else heading.textContent = hit.title;
    const item = el("li", { class: "hit", "data-id": hit.id }, el("h3", {}, heading),
      el("p", { class: "meta" }, meta(hit)));
    const fragments = [...((hit.highlight || {}).summary || []), ...((hit.highlight || {}).content || [])];
    const snippet = el("p", { class: "snippet" });
    if (fragments.length) {
      fragments.slice(0, 2).forEach((f, i) => {
        if (i) snippet.append(" … ");
        snippet.append(marked(f));
      });
    } else if (hit.summary) {
      snippet.textContent = hit.summary.replace(/\s+/g, " ");
    }
    if (snippet.childNodes.length) item.append(snippet);
    return item;
  }

  function renderPager(total, page) {
    const nav = clear(document.getElementById("pager"));
    const pages = Math.min(Math.ceil(total / SIZE), Math.floor(MAX_WINDOW / SIZE));
    if (pages <= 1) return;
    const to = (n) => {
      const next = new URLSearchParams(params);
      next.set("page", String(n));
      return `/?${next.toString()}`;
    };
    if (page > 1) nav.append(el("a", { href: to(page - 1), rel: "prev" }, "← Trước"));
    nav.append(el("span", { class: "current" }, `Trang ${page} / ${pages}`));
    if (page < pages) nav.append(el("a", { href: to(page + 1), rel: "next" }, "Sau →"));
  }

  async function search() {
    const query = new URLSearchParams();
    const text = params.get("q") || "";
    if (text) query.set("q", text);
    for (const [name, value] of active()) query.append(name, value);
    const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
    query.set("page", String(page));
    query.set("size", String(SIZE));
    document.getElementById("q").value = text;
    renderActive();
    const result = await json(`/search?${query.toString()}`);
    const summary = document.getElementById("summary");
    summary.dataset.total = String(result.total);
    const filters = active();
    const subject = !text && filters.length === 1 && ["person", "location", "organization"].includes(filters[0][0])
      ? ` về ${filters[0][1]}` : "";
    summary.textContent = result.total
      ? `${number(result.total)} bài${subject}`
      : "Không có bài nào khớp. Thử bỏ bớt bộ lọc hoặc đổi từ khoá.";
    if (result.total && text) summary.append(` cho “${text}”`);
    renderFacets(result.facets || {});
    renderHistogram((result.facets || {}).published_at);
    const hits = clear(document.getElementById("hits"));
    for (const hit of result.hits) hits.append(renderHit(hit));
    renderPager(result.total, page);
    document.title = text ? `${text} · tinstream` : "tinstream · Tìm tin";
  }

  function entityList(article) {
    const groups = [["PER", "Người"], ["LOC", "Địa điểm"], ["ORG", "Tổ chức"]];
    const box = el("section", { class: "entities", "aria-label": "Thực thể" });
    for (const [type, heading] of groups) {
      const entities = (article.entities || []).filter((e) => e.type === type);
      if (!entities.length) continue;
      const list = el("ul", { class: "chips" });
      for (const e of entities) {
        const aliases = (e.aliases || []).length ? ` (${e.aliases.join(", ")})` : "";
        list.append(el("li", {}, el("a", { class: "chip entity", "data-type": type,
          href: about(ENTITY_PARAM[type], e.text), title: `Mọi tin về ${e.text}` },
          `${e.text}${aliases}`, e.count > 1 ? el("span", { class: "count" }, `×${e.count}`) : null)));
      }
      box.append(el("h3", {}, heading), list);
    }
    if ((article.keywords || []).length) {
      box.append(el("h3", {}, "Từ khoá"), el("p", { class: "keywords" }, article.keywords.join(" · ")));
    }
    return box;
  }

  function relatedList(related) {
    const box = el("section", { class: "related", "aria-label": "Bài liên quan" }, el("h2", {}, "Bài liên quan"));
    if (!related.length) {
      box.append(el("p", {}, "Chưa có bài nào chung người, nơi, tổ chức hay từ khoá."));
      return box;
    }
    const names = { persons: "người", organizations: "tổ chức", locations: "nơi", keywords: "từ khoá" };
    const list = el("ol", { class: "hits" });
    for (const r of related) {
      const why = Object.entries(r.shared || {}).map(([k, v]) => `${names[k] || k}: ${v.join(", ")}`).join("; ");
      list.append(el("li", { class: "hit related-hit", "data-id": r.id },
        el("h3", {}, el("a", { href: `/?article=${encodeURIComponent(r.id)}` }, r.title)),
        el("p", { class: "meta" }, meta(r)), why ? el("p", { class: "why" }, `Chung ${why}`) : null));
    }
    box.append(list);
    return box;
  }

  async function showArticle(id) {
    document.getElementById("search-view").hidden = true;
    document.getElementById("search-form").hidden = false;
    const view = document.getElementById("article-view");
    view.hidden = false;
    const article = await json(`/articles/${encodeURIComponent(id)}`);
    const box = clear(document.getElementById("article"));
    box.dataset.id = article.id;
    box.append(el("h1", { id: "article-title" }, article.title), el("p", { class: "meta" }, meta(article),
      article.author ? ` · ${article.author}` : ""));
    if (article.duplicate_of) {
      box.append(el("p", { class: "note" }, "Bản gần giống của ",
        el("a", { href: `/?article=${encodeURIComponent(article.duplicate_of)}` }, "một bài đăng trước")));
    }
    if (article.summary) box.append(el("p", { class: "lead" }, article.summary));
    const body = el("div", { class: "content" });
    for (const paragraph of String(article.content || "").split(/\n+/)) {
      if (paragraph.trim()) body.append(el("p", {}, paragraph.trim()));
    }
    box.append(body);
    // Only web addresses become links (never javascript: or data:).
    if (/^https?:\/\//i.test(article.url || "")) box.append(el("p", {}, el("a", { href: article.url, rel: "noopener noreferrer nofollow" }, "Đọc bài gốc")));
    box.append(entityList(article), relatedList(article.related || []));
    document.title = `${article.title} · tinstream`;
  }

  const id = params.get("article");
  (id ? showArticle(id) : search()).catch((error) => {
    document.getElementById("summary").textContent = "";
    showError(error.message);
  });
})();
