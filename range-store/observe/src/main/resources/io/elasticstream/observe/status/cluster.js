// PD's status page: polls the cluster view (/status.json) every 2 s and charts what the members reported
// with their latest heartbeats: produce and fetch throughput summed over live brokers, produce p99 of the
// slowest broker, WAL fsync p99 of the slowest range server, and each range server's WAL disk use.
// Uses the shared chart code (charts.js). The chart data is exposed as window.esCharts (used by the
// headless browser test), the latest view as window.esStatus.
(function () {
  'use strict';
  var page = window.esStatusPage;
  var charts = page.standardCharts();
  window.esCharts = charts;
  window.esStatus = null;
  var bytes = page.bytes, text = page.text;

  function live(members) { return (members || []).filter(function (m) { return m.live && m.load; }); }
  function sum(members, f) { return members.reduce(function (a, m) { return a + f(m.load); }, 0); }
  function max(members, f) { return members.reduce(function (a, m) { return Math.max(a, f(m.load) || 0); }, 0); }
  function state(m) { return m.live ? 'live' : 'down'; }
  function load(m, f, format) { return m.live && m.load ? format(f(m.load) || 0) : '–'; }

  function render(view) {
    window.esStatus = view;
    page.showError(view.error);
    if (!view.brokers) { return; }
    var t = Date.now();
    var brokers = live(view.brokers), servers = live(view.rangeServers);
    page.push(charts.produce, t, sum(brokers, function (l) { return l.bytesInPerSecond; }));
    page.push(charts.fetch, t, sum(brokers, function (l) { return l.bytesOutPerSecond; }));
    page.push(charts.produceP99, t, max(brokers, function (l) { return l.produceP99Ms; }));
    page.push(charts.fsyncP99, t, max(servers, function (l) { return l.walFsyncP99Ms; }));
    servers.forEach(function (s) { page.pushSeries(charts.disk, 'rs ' + s.id, t, s.load.diskUsedBytes || 0); });
    text('produce-now', page.last(charts.produce));
    text('fetch-now', page.last(charts.fetch));
    text('produce-p99-now', page.last(charts.produceP99));
    text('fsync-p99-now', page.last(charts.fsyncP99));
    text('disk-now', page.last(charts.disk));
    var leader = view.pd && view.pd.leader;
    text('cluster', 'PD term ' + (view.pd ? view.pd.term : '?') + ' · metadata revision ' + view.revision);
    text('pd-leader', leader ? leader.id + ' at ' + leader.address : 'none');
    text('brokers-live', brokers.length + ' of ' + view.brokers.length);
    text('range-servers-live', servers.length + ' of ' + view.rangeServers.length);
    var partitions = 0, unowned = 0;
    view.topics.forEach(function (topic) {
      topic.partitions.forEach(function (p) { partitions++; if (p.owner < 0) { unowned++; } });
    });
    text('partitions', partitions + (unowned > 0 ? ' (' + unowned + ' without owner)' : ''));
    var leastFree = servers.reduce(function (a, s) { return Math.min(a, s.load.diskFreeBytes); }, Infinity);
    text('disk-free', servers.length ? bytes(leastFree) + ' on the fullest live range server' : 'unknown');
    text('fetch-p99', page.millis(max(brokers, function (l) { return l.fetchP99Ms; })) + ' (slowest broker, long polls included)');
    text('updated', 'updated ' + new Date(t).toLocaleTimeString());
    page.fill('brokers', view.brokers.map(function (b) {
      return [b.id, b.host + ':' + b.port, state(b), load(b, function (l) { return l.partitionsOwned; }, String),
        load(b, function (l) { return l.bytesInPerSecond; }, page.bytesPerSec),
        load(b, function (l) { return l.bytesOutPerSecond; }, page.bytesPerSec),
        load(b, function (l) { return l.produceP99Ms; }, page.millis)];
    }), 7);
    page.fill('range-servers', view.rangeServers.map(function (r) {
      return [r.id, r.host + ':' + r.port, state(r), load(r, function (l) { return l.rangesHeld; }, String),
        load(r, function (l) { return l.diskUsedBytes; }, bytes),
        load(r, function (l) { return l.diskFreeBytes; }, bytes),
        load(r, function (l) { return l.walFsyncP99Ms; }, page.millis)];
    }), 7);
    page.fillTopics(view.topics, function (p) { return p.epoch; });
  }

  page.start('/status.json', charts, render);
}());
