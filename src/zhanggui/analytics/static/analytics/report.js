/* Renders a report's JSON (the same as /api/v1/analytics/reports/<name>) as KPI cards,
   ECharts charts, tables and the "how is this computed" panel. */
(function () {
  "use strict";
  const dataNode = document.getElementById("report-data");
  if (!dataNode) return;
  const report = JSON.parse(dataNode.textContent);
  const labels = JSON.parse(document.getElementById("report-labels").textContent);
  const money = new Intl.NumberFormat("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  const count = new Intl.NumberFormat("zh-CN");

  function format(value, unit) {
    if (value === null || value === undefined || value === "") return "—";
    if (unit === "money") return "¥" + money.format(Number(value));
    if (unit === "rate") return (Number(value) * 100).toFixed(2) + "%";
    if (unit === "count") return count.format(Number(value));
    if (unit === "number") return Number(value).toFixed(2);
    return String(value);
  }
  // A change against an earlier period (rules.compare): a percentage only against a base
  // large enough; "new" after nothing, "—" for nothing in either, else the two numbers.
  function change(comparison, unit) {
    if (!comparison || comparison.kind === "none") return "—";
    if (comparison.kind === "new") return labels.new;
    if (comparison.kind === "absolute") return format(comparison.base, unit) + " → " + format(comparison.current, unit);
    const text = (comparison.rate * 100).toFixed(1) + "%";
    return comparison.rate > 0 ? "+" + text : text;
  }
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const kpis = document.getElementById("kpis");
  report.kpis.forEach((k) => {
    const card = el("div", {"class": "border border-base-200 rounded-default p-3 dark:border-base-800",
                            "data-metric": k.code});
    card.appendChild(el("div", {"class": "text-xs text-base-500"}, k.name));
    card.appendChild(el("div", {"class": "text-xl font-semibold kpi-value"}, format(k.value, k.unit)));
    card.appendChild(el("div", {"class": "text-xs", "data-compare": "previous", "data-kind": k.comparison_previous.kind},
                        labels.vs_previous + " " + change(k.comparison_previous, k.unit)));
    card.appendChild(el("div", {"class": "text-xs", "data-compare": "last_year", "data-kind": k.comparison_last_year.kind},
                        labels.vs_last_year + " " + change(k.comparison_last_year, k.unit)));
    if (k.target !== undefined) {  // a goal (the 48-hour ship rate's 95 %): met or not
      const met = k.meets_target === null ? "" : (k.meets_target ? " text-green-700" : " text-red-700");
      card.appendChild(el("div", {"class": "text-xs kpi-target" + met, "data-meets": String(k.meets_target)},
                          labels.target + (k.target_at_most ? " ≤ " : " ≥ ") + format(k.target, k.unit)));
    }
    if (k.note) card.appendChild(el("div", {"class": "text-xs text-base-500 kpi-note"}, k.note));
    kpis.appendChild(card);
  });

  function option(chart) {
    const series = chart.series.map((s) => ({...s, type: chart.type}));
    if (chart.type === "pie" || chart.type === "funnel") {
      return {tooltip: {trigger: "item"}, legend: {bottom: 0}, series: series.map((s) => ({...s, radius: chart.type === "pie" ? ["35%", "65%"] : undefined}))};
    }
    if (chart.type === "heatmap") {
      const values = series[0].data.map((d) => d[2]);
      return {tooltip: {}, grid: {left: 70, right: 80, top: 10, bottom: 30},
              xAxis: {type: "category", data: chart.x},
              yAxis: {type: "category", data: chart.y, inverse: Boolean(chart.inverse_y)},
              visualMap: {min: 0, max: Math.max(1, ...values), orient: "vertical", right: 0, top: "center", calculable: true},
              series: series};
    }
    const crowded = chart.x.length > 6;
    // Rates are fractions in the data and percentages on screen; a missing value stays a gap.
    const scale = chart.unit === "rate" ? 100 : 1;
    const value = (v) => (v === null || v === undefined ? null : Number(v) * scale);
    const axis = chart.unit === "rate" ? {axisLabel: {formatter: "{value}%"}} : {};
    const axes = chart.same_axis || chart.target !== undefined ? [chart.series[0]] : chart.series;
    const drawn = series.map((s, i) => ({...s, yAxisIndex: Math.min(i, axes.length - 1), data: s.data.map(value)}));
    if (chart.target !== undefined && drawn.length) {  // the goal as a dashed line
      drawn[0].markLine = {symbol: "none", lineStyle: {type: "dashed", color: "#dc2626"},
                           label: {formatter: chart.target_label || "", position: "insideEndTop"},
                           data: [{yAxis: chart.target * scale}]};
    }
    return {tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 70, right: 50, top: 40, bottom: crowded ? 90 : 40},
            xAxis: {type: "category", data: chart.x, axisLabel: {interval: 0, rotate: crowded ? 40 : 0, fontSize: 11}},
            yAxis: axes.map((s, i) => ({type: "value", position: i ? "right" : "left", ...axis,
                                        ...(chart.target !== undefined ? {max: 100, min: 0} : {})})),
            series: drawn};
  }
  const charts = document.getElementById("charts");
  report.charts.forEach((chart) => {
    const box = el("div", {"class": "border border-base-200 rounded-default p-3 dark:border-base-800"});
    box.appendChild(el("h3", {"class": "font-semibold mb-2"}, chart.title));
    const canvas = el("div", {"class": "report-chart", "data-chart": chart.id, "style": "height: 320px"});
    box.appendChild(canvas);
    charts.appendChild(box);
    const instance = echarts.init(canvas, null, {renderer: "svg"});
    instance.setOption(option(chart));
    window.addEventListener("resize", () => instance.resize());
  });

  const tables = document.getElementById("tables");
  report.tables.forEach((table) => {
    const box = el("section", {"class": "overflow-x-auto", "data-table": table.id});
    box.appendChild(el("h3", {"class": "font-semibold mb-2"}, table.title));
    const t = el("table", {"class": "min-w-full text-sm border border-base-200 dark:border-base-800"});
    const head = el("tr");
    table.columns.forEach((c) => head.appendChild(el("th", {"class": "text-left px-2 py-1 border-b"}, c.label)));
    t.appendChild(head);
    table.rows.forEach((row) => {
      const tr = el("tr");
      table.columns.forEach((c) => tr.appendChild(el("td", {"class": "px-2 py-1 border-b", "data-key": c.key}, format(row[c.key], c.unit))));
      t.appendChild(tr);
    });
    box.appendChild(t);
    if (table.total_rows && table.total_rows > table.rows.length) {
      box.appendChild(el("p", {"class": "text-xs text-base-500"}, table.rows.length + " " + labels.rows_shown + " " + table.total_rows));
    }
    tables.appendChild(box);
  });

  const explain = document.getElementById("explain-body");
  const seen = new Set();
  report.explain.forEach((e) => {
    if (seen.has(e.code)) return;
    seen.add(e.code);
    const item = el("div", {"data-explain": e.code});
    item.appendChild(el("div", {"class": "font-semibold"}, e.name + " (" + e.code + ")"));
    item.appendChild(el("div", {}, labels.formula + ": " + e.formula));
    if (e.notes) item.appendChild(el("div", {"class": "text-base-500"}, e.notes));
    e.sql.forEach((sql) => item.appendChild(el("pre", {"class": "bg-base-100 dark:bg-base-800 p-2 overflow-x-auto text-xs"}, sql)));
    explain.appendChild(item);
  });
})();
