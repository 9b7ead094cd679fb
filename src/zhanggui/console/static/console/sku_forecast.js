/* The SKU forecast chart: daily units sold (last 90 days) with stock-out days marked, then
   the forecast and its prediction interval as a band. Data from #forecast-data. */
(function () {
  "use strict";
  const node = document.getElementById("forecast-data");
  const target = document.getElementById("forecast-chart");
  if (!node || !target || typeof echarts === "undefined") return;
  const data = JSON.parse(node.textContent);
  const labels = JSON.parse(document.getElementById("forecast-labels").textContent);
  const days = data.days.concat(data.forecast.map((f) => f.day));
  const pad = (values, before) => Array(before).fill(null).concat(values);
  const history = data.days.length;
  const sold = data.units.concat(Array(data.forecast.length).fill(null));
  const stockout = new Set(data.stockout);
  const outPoints = data.days.map((day, i) => (stockout.has(day) ? [day, data.units[i]] : null))
    .filter((p) => p !== null);
  const lower = pad(data.forecast.map((f) => f.lower), history);
  const band = pad(data.forecast.map((f) => Math.max(f.upper - f.lower, 0)), history);
  const forecast = pad(data.forecast.map((f) => f.quantity), history);
  // One line per figure of the day; the interval as "low – high", not the band's height.
  function tooltip(params) {
    const index = params[0].dataIndex;
    const lines = [days[index]];
    if (sold[index] !== null) lines.push(labels.sold + ": " + sold[index]);
    if (stockout.has(days[index])) lines.push(labels.stockout);
    if (forecast[index] !== null) {
      lines.push(labels.forecast + ": " + forecast[index].toFixed(2));
      lines.push(labels.interval + ": " + lower[index].toFixed(2) + " – " +
                 (lower[index] + band[index]).toFixed(2));
    }
    return lines.join("<br>");
  }
  const chart = echarts.init(target);
  chart.setOption({
    animation: false,
    tooltip: {trigger: "axis", formatter: tooltip},
    legend: {top: 4, data: [labels.sold, labels.stockout, labels.forecast, labels.interval]},
    grid: {left: 48, right: 24, top: 44, bottom: 64},
    xAxis: {type: "category", data: days, boundaryGap: false},
    yAxis: {type: "value", min: 0},
    dataZoom: [{type: "inside"}, {type: "slider", height: 18, bottom: 8}],
    series: [
      {name: labels.sold, type: "line", data: sold, symbol: "none", lineStyle: {width: 1.5},
       itemStyle: {color: "#2563eb"}},
      {name: labels.stockout, type: "scatter", data: outPoints, symbol: "triangle",
       symbolSize: 9, itemStyle: {color: "#dc2626"}},
      {name: "lower", type: "line", data: lower, stack: "band", symbol: "none",
       lineStyle: {opacity: 0}, tooltip: {show: false}},
      {name: labels.interval, type: "line", data: band, stack: "band", symbol: "none",
       lineStyle: {opacity: 0}, areaStyle: {color: "rgba(234, 88, 12, 0.2)"},
       itemStyle: {color: "rgba(234, 88, 12, 0.4)"}},
      {name: labels.forecast, type: "line", data: forecast, symbol: "none",
       lineStyle: {width: 2, type: "dashed"}, itemStyle: {color: "#ea580c"}},
    ],
  });
  window.addEventListener("resize", () => chart.resize());
  target.dataset.rendered = "true";
})();
