// Shared by the pages: building elements from data as text, highlights, labels.
// Data is never parsed as markup: every value becomes a text node, so a title
// holding "<script>" or a quote shows as those characters.
"use strict";

const tin = (() => {
  // el("a", {href: "?x=1", class: "c"}, "text", childNode, ...)
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else node.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    for (const child of children) node.append(child instanceof Node ? child : String(child));
    return node;
  }

  // A highlighted fragment ("… <em>Hà Nội</em> …") as text with <mark>s: the fragment
  // is split on the two mark tags and every other piece, tags included, stays text.
  function marked(fragment) {
    const out = document.createDocumentFragment();
    let mark = null;
    for (const piece of String(fragment).split(/(<em>|<\/em>)/)) {
      if (piece === "<em>") {
        mark = el("mark");
        out.append(mark);
      } else if (piece === "</em>") {
        mark = null;
      } else if (piece) {
        // Line breaks of the article would break a snippet's layout.
        (mark || out).append(document.createTextNode(piece.replace(/\s+/g, " ")));
      }
    }
    return out;
  }

  const TOPICS = {
    "doi-song": "Đời sống", "khoa-hoc": "Khoa học", "kinh-doanh": "Kinh doanh",
    "phap-luat": "Pháp luật", "suc-khoe": "Sức khoẻ", "the-gioi": "Thế giới",
    "the-thao": "Thể thao", "van-hoa": "Văn hoá",
  };
  const TONES = { negative: "Tiêu cực", neutral: "Trung tính", positive: "Tích cực" };
  const STAGES = {
    decode: "Giải mã", validate: "Kiểm tra", enrich: "Làm giàu", index: "Lập chỉ mục",
  };

  function label(kind, value) {
    const table = kind === "category" ? TOPICS : kind === "sentiment" ? TONES : null;
    return (table && table[value]) || value;
  }

  function date(iso, withTime) {
    if (!iso) return "";
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    const options = { day: "2-digit", month: "2-digit", year: "numeric" };
    if (withTime) Object.assign(options, { hour: "2-digit", minute: "2-digit" });
    return d.toLocaleString("vi-VN", options);
  }

  function number(value, digits) {
    if (value === null || value === undefined) return "–";
    return Number(value).toLocaleString("vi-VN", { maximumFractionDigits: digits || 0 });
  }

  // With TINSTREAM_WORKER_API_TOKEN set, the data needs a bearer token: asked once
  // (a 401 says so), kept for this tab only, and sent as a header, never in a URL.
  const TOKEN_KEY = "tinstream-api-token";

  async function json(url) {
    const headers = { Accept: "application/json" };
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) headers.Authorization = `Bearer ${saved}`;
    let response = await fetch(url, { headers });
    if (response.status === 401) {
      const token = window.prompt("Khoá truy cập API (TINSTREAM_WORKER_API_TOKEN):");
      if (token) {
        sessionStorage.setItem(TOKEN_KEY, token.trim());
        headers.Authorization = `Bearer ${token.trim()}`;
        response = await fetch(url, { headers });
      }
    }
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (!response.ok) {
      const why = body && body.error ? body.error : `HTTP ${response.status}`;
      throw new Error(why);
    }
    return body;
  }

  function showError(message) {
    const box = document.getElementById("error");
    box.textContent = `Lỗi: ${message}`;
    box.hidden = false;
  }

  function clear(node) {
    node.replaceChildren();
    return node;
  }

  return { el, svg, marked, label, date, number, json, showError, clear, TOPICS, TONES, STAGES };
})();
