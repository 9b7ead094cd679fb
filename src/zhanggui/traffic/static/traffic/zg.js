/* Zhanggui storefront events; see docs/traffic.md. zg.track(kind, props) queues an
   event; batches go out with sendBeacon (or fetch). */
(function (w, d) {
  var s = d.currentScript, A = function (n) { return s.getAttribute("data-" + n); };
  var ep = A("endpoint"), url = ep + (ep.indexOf("?") < 0 ? "?" : "&") + "key=" + encodeURIComponent(A("key"));
  var q = [], timer = null, MAX = 50;
  function uuid() {
    if (w.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = "";
    b[6] = b[6] & 15 | 64; b[8] = b[8] & 63 | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1) + ([3, 5, 7, 9].indexOf(i) < 0 ? "" : "-");
    return h;
  }
  function keep(store, name, make) {
    try { var v = store.getItem(name); if (!v) { v = make(); store.setItem(name, v); } return v; }
    catch (e) { return make(); }
  }
  function source() {
    var p = new URLSearchParams(location.search), m = (p.get("utm_medium") || "").toLowerCase();
    var host = d.referrer ? new URL(d.referrer).hostname : "";
    if (A("source")) return A("source");
    if (/cpc|ppc|ads?|paid/.test(m)) return "ads";
    if (/live/.test(m)) return "live";
    if (/social/.test(m)) return "social";
    if (p.get("utm_campaign")) return "campaign";
    if (!host || host === location.hostname) return "direct";
    if (/baidu|google|bing|sogou|so\.com|sm\.cn|yandex|duckduckgo/.test(host)) return "search";
    if (/weibo|xiaohongshu|xhs|douyin|weixin|qq\.com|zhihu|bilibili|facebook|instagram/.test(host)) return "social";
    return "channel";
  }
  var ua = navigator.userAgent;
  var dev = A("device") || (/iPad|Tablet/i.test(ua) ? "tablet" : /Mobi|Android|iPhone/i.test(ua) ? "mobile" : "desktop");
  var vid = keep(localStorage, "zg_vid", uuid), sid = keep(sessionStorage, "zg_sid", uuid);
  var src = keep(sessionStorage, "zg_src", source);
  function flush() {
    clearTimeout(timer); timer = null;
    while (q.length) {
      var body = JSON.stringify({ events: q.splice(0, MAX) });
      if (!(navigator.sendBeacon && navigator.sendBeacon(url, body)))
        fetch(url, { method: "POST", body: body, keepalive: true, credentials: "omit" });
    }
  }
  function track(kind, props) {
    var e = { event_id: uuid(), kind: kind, visitor_id: vid, session_id: sid, source: src,
              device: dev, url: location.href.slice(0, 500), occurred_at: new Date().toISOString() };
    for (var k in props || {}) e[k] = props[k];
    q.push(e);
    if (q.length >= MAX) flush(); else if (!timer) timer = setTimeout(flush, 2000);
  }
  d.addEventListener("visibilitychange", function () { if (d.visibilityState === "hidden") flush(); });
  w.addEventListener("pagehide", flush);
  w.zg = { track: track, flush: flush, visitorId: vid, sessionId: sid };
  if (A("auto") !== "false") track("page_view");
})(window, document);
