// The pipeline page: /pipeline.json every few seconds, as tables and a chart.
"use strict";

(() => {
  const { el, svg, date, number, json, showError, clear, STAGES } = tin;
  const REFRESH_MS = 5000;
  const COLORS = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989"];
  const STATUS_TEXT = {
    OK: "Ổn", WARN: "Chậm", ERR: "Lỗi", STOP: "Dừng", STALL: "Kẹt", REWIND: "Lùi", NOTFOUND: "Không thấy",
  };

  function status(value) {
    return el("span", { class: `status status-${value}`, "data-status": value },
      `${value} · ${STATUS_TEXT[value] || value}`);
  }

  function renderGroups(groups) {
    const box = clear(document.getElementById("groups"));
    const rows = clear(document.querySelector("#lag tbody"));
    if (!groups.length) box.append(el("p", { class: "note" }, "Chưa quan sát lần nào (mỗi vài giây một lần)."));
    for (const g of groups) {
      box.append(el("p", { class: "group", "data-group": g.group, "data-status": g.status },
        "Nhóm ", el("strong", {}, g.group), " ", status(g.status),
        ` · trạng thái ${g.state || "?"} · trễ ${number(g.lag)} tin, ${number(g.lag_seconds, 1)} giây`));
      for (const t of g.topics) {
        rows.append(el("tr", { "data-group": g.group, "data-topic": t.topic },
          el("td", {}, g.group), el("td", {}, t.topic), el("td", { class: "num" }, t.partitions),
          el("td", { class: "num lag" }, number(t.lag)), el("td", { class: "num" }, number(t.lag_seconds, 1)),
          el("td", {}, status(t.status)), el("td", { class: "num" }, number(t.consumed_per_s, 2)),
          el("td", { class: "num" }, number(t.produced_per_s, 2))));
      }
    }
  }

  function renderHistory(history) {
    const box = clear(document.getElementById("history"));
    if (history.error) box.append(el("p", { class: "note" }, history.error));
    const topics = Object.entries(history.topics || {}).filter(([, points]) => points.length);
    if (!topics.length) {
      box.append(el("p", { class: "note" }, "Chưa có lịch sử độ trễ."));
      return;
    }
    const width = 640;
    const height = 200;
    const pad = 36;
    const times = topics.flatMap(([, ps]) => ps.map((p) => Date.parse(p.time)));
    const end = Math.max(Date.now(), ...times);
    const start = end - 3600 * 1000;
    const most = Math.max(1, ...topics.flatMap(([, ps]) => ps.map((p) => p.lag)));
    const x = (t) => pad + ((t - start) / (end - start)) * (width - pad - 8);
    const y = (v) => height - 20 - (v / most) * (height - 36);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
      "aria-label": "Độ trễ (tin) của từng topic trong một giờ qua" });
    chart.append(svg("line", { x1: pad, y1: y(0), x2: width - 8, y2: y(0), class: "axis-line" }),
      svg("text", { x: pad - 4, y: y(most) + 4, class: "tick", "text-anchor": "end" }, number(most)),
      svg("text", { x: pad - 4, y: y(0), class: "tick", "text-anchor": "end" }, "0"),
      svg("text", { x: pad, y: height - 4, class: "tick" }, "−60 phút"),
      svg("text", { x: width - 8, y: height - 4, class: "tick", "text-anchor": "end" }, "bây giờ"));
    const legend = el("ul", { class: "legend" });
    topics.forEach(([topic, points], i) => {
      const color = COLORS[i % COLORS.length];
      const path = points.map((p) => `${x(Date.parse(p.time)).toFixed(1)},${y(p.lag).toFixed(1)}`).join(" ");
      chart.append(svg("polyline", { points: path, fill: "none", stroke: color, "stroke-width": 2 }));
      for (const p of points) {
        chart.append(svg("circle", { cx: x(Date.parse(p.time)), cy: y(p.lag), r: 2.5, fill: color },
          svg("title", {}, `${topic} ${date(p.time, true)}: ${number(p.lag, 1)} tin, ${number(p.lag_seconds, 1)} giây`)));
      }
      const swatch = el("span", { class: "swatch" });
      swatch.style.background = color; // CSSOM: allowed by the page's style-src
      legend.append(el("li", {}, swatch, topic));
    });
    box.append(chart, legend);
  }

  function renderThroughput(t) {
    const box = clear(document.getElementById("throughput"));
    const rows = [
      ["Đã làm giàu", t.articles_enriched, t.articles_enriched_per_s],
      ["Đã lập chỉ mục", t.documents_indexed, t.documents_indexed_per_s],
    ];
    for (const [name, total, rate] of rows) {
      box.append(el("dt", {}, name), el("dd", {}, `${number(total)} bài`,
        rate === undefined ? "" : ` · ${number(rate, 2)} bài/giây trong ${number(t.window_s)} giây qua`));
    }
  }

  function renderDeadLetters(dead) {
    const rows = clear(document.querySelector("#dead-stages tbody"));
    const stages = Object.entries(dead.by_stage || {});
    if (!stages.length) rows.append(el("tr", {}, el("td", { colspan: 2 }, "Không có thư chết nào.")));
    for (const [stage, count] of stages) {
      rows.append(el("tr", { "data-stage": stage }, el("td", {}, `${STAGES[stage] || stage} (${stage})`),
        el("td", { class: "num" }, number(count))));
    }
    const list = clear(document.getElementById("dead-recent"));
    for (const letter of dead.recent || []) {
      list.append(el("li", { "data-stage": letter.stage },
        el("span", { class: "meta" }, `${date(letter.failed_at, true)} · ${STAGES[letter.stage] || letter.stage}`,
          letter.article_id ? ` · ${letter.article_id}` : ""), el("br"), letter.reason));
    }
  }

  async function refresh() {
    try {
      const state = await json("/pipeline.json");
      renderGroups(state.groups || []);
      renderHistory(state.history || {});
      renderThroughput(state.throughput || {});
      renderDeadLetters(state.dead_letters || {});
      const seen = state.observed_at ? `quan sát lúc ${date(state.observed_at, true)}` : "chưa quan sát";
      document.getElementById("updated").textContent =
        `Nhóm ${state.group} · ${seen} · cập nhật mỗi ${REFRESH_MS / 1000} giây`;
      document.getElementById("error").hidden = true;
    } catch (error) {
      showError(error.message);
    }
  }

  refresh();
  window.setInterval(refresh, REFRESH_MS);
})();
