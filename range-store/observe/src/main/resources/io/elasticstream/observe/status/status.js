// Status page: polls /status.json every 2 s, keeps the last 90 samples and draws them on <canvas>.
// Counters in the JSON are cumulative; rates are differences between two samples.
// The chart data is exposed as window.esCharts (used by the headless browser test).
(function () {
  'use strict';
  var REFRESH_MS = 2000;
  var MAX_POINTS = 90;
  var charts = {
    produce: { id: 'chart-produce', color: '#2f6fec', unit: bytesPerSec, floor: 1024, points: [] },
    fetch: { id: 'chart-fetch', color: '#16a34a', unit: bytesPerSec, floor: 1024, points: [] },
    produceP99: { id: 'chart-produce-p99', color: '#d97706', unit: millis, floor: 1, points: [] },
    fsyncP99: { id: 'chart-fsync-p99', color: '#9333ea', unit: millis, floor: 1, points: [] },
    disk: { id: 'chart-disk', color: '#0891b2', unit: bytes, floor: 1024 * 1024, points: [] }
  };
  window.esCharts = charts;
  window.esStatus = null;
  var previous = null;

  function bytes(v) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[i];
  }
  function bytesPerSec(v) { return bytes(v) + '/s'; }
  function millis(v) { return v < 10 ? v.toFixed(2) + ' ms' : v.toFixed(0) + ' ms'; }

  function push(chart, t, v) {
    chart.points.push({ t: t, v: v });
    if (chart.points.length > MAX_POINTS) { chart.points.shift(); }
  }

  function draw(chart) {
    var canvas = document.getElementById(chart.id);
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio)) { canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio); }
    var ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    var left = 70, right = 8, top = 8, bottom = 20;
    var pts = chart.points;
    var max = 0;
    pts.forEach(function (p) { if (p.v > max) { max = p.v; } });
    max = Math.max(max * 1.15, chart.floor);
    ctx.font = '11px system-ui, sans-serif';
    ctx.strokeStyle = '#e2e5ec';
    ctx.fillStyle = '#6b7385';
    ctx.lineWidth = 1;
    for (var g = 0; g <= 4; g++) {
      var y = top + (h - top - bottom) * g / 4;
      ctx.beginPath(); ctx.moveTo(left, y + 0.5); ctx.lineTo(w - right, y + 0.5); ctx.stroke();
      ctx.textAlign = 'right';
      ctx.fillText(chart.unit(max * (4 - g) / 4), left - 6, y + 4);
    }
    ctx.textAlign = 'left';
    ctx.fillText('last ' + Math.round(MAX_POINTS * REFRESH_MS / 60000) + ' min', left, h - 5);
    if (pts.length < 2) { return; }
    var t0 = pts[0].t, t1 = pts[pts.length - 1].t;
    var span = Math.max(t1 - t0, 1);
    function x(p) { return left + (w - left - right) * (p.t - t0) / span; }
    function yv(p) { return top + (h - top - bottom) * (1 - p.v / max); }
    ctx.beginPath();
    ctx.moveTo(x(pts[0]), h - bottom);
    pts.forEach(function (p) { ctx.lineTo(x(p), yv(p)); });
    ctx.lineTo(x(pts[pts.length - 1]), h - bottom);
    ctx.closePath();
    ctx.globalAlpha = 0.15; ctx.fillStyle = chart.color; ctx.fill(); ctx.globalAlpha = 1;
    ctx.beginPath();
    pts.forEach(function (p, i) { if (i === 0) { ctx.moveTo(x(p), yv(p)); } else { ctx.lineTo(x(p), yv(p)); } });
    ctx.strokeStyle = chart.color; ctx.lineWidth = 2; ctx.stroke();
  }

  function text(id, value) { document.getElementById(id).textContent = value; }

  function row(cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) { var td = document.createElement('td'); td.textContent = c; tr.appendChild(td); });
    return tr;
  }

  function fill(tableId, rows, columns) {
    var body = document.querySelector('#' + tableId + ' tbody');
    body.textContent = '';
    if (rows.length === 0) {
      var tr = document.createElement('tr'), td = document.createElement('td');
      td.colSpan = columns; td.className = 'empty'; td.textContent = 'none';
      tr.appendChild(td); body.appendChild(tr);
      return;
    }
    rows.forEach(function (r) { body.appendChild(row(r)); });
  }

  function render(s) {
    window.esStatus = s;
    var m = s.metrics;
    var t = s.timeMs;
    if (previous) {
      var dt = Math.max((t - previous.timeMs) / 1000, 0.001);
      push(charts.produce, t, Math.max(0, (m.produceBytes - previous.metrics.produceBytes) / dt));
      push(charts.fetch, t, Math.max(0, (m.fetchBytes - previous.metrics.fetchBytes) / dt));
    }
    push(charts.produceP99, t, m.produceP99Ms);
    push(charts.fsyncP99, t, m.fsyncP99Ms);
    push(charts.disk, t, Math.max(0, m.diskUsedBytes));
    previous = s;
    Object.keys(charts).forEach(function (k) { draw(charts[k]); });
    function last(c) { var p = c.points; return p.length ? c.unit(p[p.length - 1].v) : ''; }
    text('produce-now', last(charts.produce));
    text('fetch-now', last(charts.fetch));
    text('produce-p99-now', last(charts.produceP99));
    text('fsync-p99-now', last(charts.fsyncP99));
    text('disk-now', last(charts.disk));
    text('connections', String(m.connections));
    text('heap', bytes(m.heapUsedBytes) + ' of ' + bytes(m.heapMaxBytes));
    text('disk-free', m.diskFreeBytes >= 0 ? bytes(m.diskFreeBytes) + ' of ' + bytes(m.diskTotalBytes) : 'unknown');
    text('produce-requests', String(m.produceRequests));
    text('fetch-requests', String(m.fetchRequests));
    text('cluster', 'cluster ' + s.clusterId);
    text('updated', 'updated ' + new Date(t).toLocaleTimeString());
    var err = document.getElementById('error');
    err.hidden = !s.error;
    err.textContent = s.error || '';
    fill('brokers', s.brokers.map(function (b) { return [b.id, b.host + ':' + b.port]; }), 2);
    fill('range-servers', s.rangeServers.map(function (r) {
      return [r.id, r.host + ':' + r.port, r.walSegments, r.diskUsedBytes >= 0 ? bytes(r.diskUsedBytes) : '?'];
    }), 4);
    var topicRows = [];
    s.topics.forEach(function (topic) {
      topic.partitions.forEach(function (p) {
        topicRows.push([topic.name, p.partition, p.owner >= 0 ? p.owner : '–', p.leaderEpoch, p.streamId]);
      });
    });
    fill('topics', topicRows, 5);
  }

  function poll() {
    fetch('/status.json', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(render)
      .catch(function (e) {
        var err = document.getElementById('error');
        err.hidden = false;
        err.textContent = 'cannot load /status.json: ' + e.message;
      })
      .finally(function () { setTimeout(poll, REFRESH_MS); });
  }
  window.addEventListener('resize', function () { Object.keys(charts).forEach(function (k) { draw(charts[k]); }); });
  poll();
}());
