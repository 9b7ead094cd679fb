/* A segment's size at each evaluation (members), with who joined and left, from
   #segment-trend-data. */
(function () {
  "use strict";
  const node = document.getElementById("segment-trend-data");
  const target = document.getElementById("segment-trend-chart");
  if (!node || !target || typeof echarts === "undefined") return;
  const rows = JSON.parse(node.textContent);
  const chart = echarts.init(target);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 30, bottom: 30 },
    xAxis: { type: "category", data: rows.map((r) => r.at) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "members", type: "line", data: rows.map((r) => r.members), smooth: true },
      { name: "+", type: "bar", data: rows.map((r) => r.joined), itemStyle: { color: "#16a34a" } },
      { name: "−", type: "bar", data: rows.map((r) => -r.left), itemStyle: { color: "#dc2626" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
