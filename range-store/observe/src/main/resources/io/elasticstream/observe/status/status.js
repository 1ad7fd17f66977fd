// Status page of one process (standalone server or a cluster broker): polls /status.json every 2 s, keeps
// the last 90 samples and draws them with the shared chart code (charts.js). Counters in the JSON are
// cumulative; rates are differences between two samples.
// The chart data is exposed as window.esCharts (used by the headless browser test).
(function () {
  'use strict';
  var page = window.esStatusPage;
  var charts = page.standardCharts();
  window.esCharts = charts;
  window.esStatus = null;
  var previous = null;
  var bytes = page.bytes, text = page.text;

  function address(m) { return m.host + ':' + m.port + (m.live === false ? ' (down)' : ''); }

  function render(s) {
    window.esStatus = s;
    var m = s.metrics;
    var t = s.timeMs;
    if (previous) {
      var dt = Math.max((t - previous.timeMs) / 1000, 0.001);
      page.push(charts.produce, t, Math.max(0, (m.produceBytes - previous.metrics.produceBytes) / dt));
      page.push(charts.fetch, t, Math.max(0, (m.fetchBytes - previous.metrics.fetchBytes) / dt));
    }
    page.push(charts.produceP99, t, m.produceP99Ms);
    page.push(charts.fsyncP99, t, m.fsyncP99Ms);
    page.push(charts.disk, t, Math.max(0, m.diskUsedBytes));
    previous = s;
    text('produce-now', page.last(charts.produce));
    text('fetch-now', page.last(charts.fetch));
    text('produce-p99-now', page.last(charts.produceP99));
    text('fsync-p99-now', page.last(charts.fsyncP99));
    text('disk-now', page.last(charts.disk));
    text('connections', String(m.connections));
    text('heap', bytes(m.heapUsedBytes) + ' of ' + bytes(m.heapMaxBytes));
    text('disk-free', m.diskFreeBytes >= 0 ? bytes(m.diskFreeBytes) + ' of ' + bytes(m.diskTotalBytes) : 'unknown');
    text('produce-requests', String(m.produceRequests));
    text('fetch-requests', String(m.fetchRequests));
    text('cluster', 'cluster ' + s.clusterId);
    text('updated', 'updated ' + new Date(t).toLocaleTimeString());
    page.showError(s.error);
    page.fill('brokers', s.brokers.map(function (b) { return [b.id, address(b)]; }), 2);
    page.fill('range-servers', s.rangeServers.map(function (r) {
      return [r.id, address(r), r.walSegments >= 0 ? r.walSegments : '?', r.diskUsedBytes >= 0 ? bytes(r.diskUsedBytes) : '?'];
    }), 4);
    page.fillTopics(s.topics, function (p) { return p.leaderEpoch; });
  }

  page.start('/status.json', charts, render);
}());
