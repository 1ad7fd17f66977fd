// Shared by the status pages (status.js: one process; cluster.js: PD's view of the cluster): number
// formats, time-series charts drawn on <canvas>, table filling and the refresh loop. Exposed as
// window.esStatusPage; no dependencies, no external resources.
(function () {
  'use strict';
  var REFRESH_MS = 2000;
  var MAX_POINTS = 90;
  var PALETTE = ['#2f6fec', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#dc2626', '#4b5563', '#db2777'];

  function bytes(v) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[i];
  }
  function bytesPerSec(v) { return bytes(v) + '/s'; }
  function millis(v) { return v < 10 ? v.toFixed(2) + ' ms' : v.toFixed(0) + ' ms'; }

  // A chart of one series (points) or of several named ones (series: name -> points, drawn with a legend).
  function chart(id, color, unit, floor) {
    return { id: id, color: color, unit: unit, floor: floor, points: [], series: {} };
  }

  function append(points, t, v) {
    points.push({ t: t, v: v });
    if (points.length > MAX_POINTS) { points.shift(); }
  }
  function push(c, t, v) { append(c.points, t, v); }
  function pushSeries(c, name, t, v) {
    if (!c.series[name]) { c.series[name] = []; }
    append(c.series[name], t, v);
  }

  function lines(c) {
    var names = Object.keys(c.series).sort();
    if (names.length === 0) { return [{ name: null, color: c.color, points: c.points }]; }
    return names.map(function (name, i) {
      return { name: name, color: PALETTE[i % PALETTE.length], points: c.series[name] };
    });
  }

  function draw(c) {
    var canvas = document.getElementById(c.id);
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio)) { canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio); }
    var ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    var left = 70, right = 8, top = 8, bottom = 20;
    var all = lines(c);
    var max = 0, t0 = Infinity, t1 = -Infinity;
    all.forEach(function (l) {
      l.points.forEach(function (p) {
        if (p.v > max) { max = p.v; }
        if (p.t < t0) { t0 = p.t; }
        if (p.t > t1) { t1 = p.t; }
      });
    });
    max = Math.max(max * 1.15, c.floor);
    ctx.font = '11px system-ui, sans-serif';
    ctx.strokeStyle = '#e2e5ec';
    ctx.fillStyle = '#6b7385';
    ctx.lineWidth = 1;
    for (var g = 0; g <= 4; g++) {
      var y = top + (h - top - bottom) * g / 4;
      ctx.beginPath(); ctx.moveTo(left, y + 0.5); ctx.lineTo(w - right, y + 0.5); ctx.stroke();
      ctx.textAlign = 'right';
      ctx.fillText(c.unit(max * (4 - g) / 4), left - 6, y + 4);
    }
    ctx.textAlign = 'left';
    ctx.fillText('last ' + Math.round(MAX_POINTS * REFRESH_MS / 60000) + ' min', left, h - 5);
    var legendX = w - right;
    all.slice().reverse().forEach(function (l) {
      if (l.name === null) { return; }
      ctx.textAlign = 'right'; ctx.fillStyle = l.color;
      ctx.fillText(l.name, legendX, h - 5);
      legendX -= ctx.measureText(l.name).width + 12;
    });
    var span = Math.max(t1 - t0, 1);
    function x(p) { return left + (w - left - right) * (p.t - t0) / span; }
    function yv(p) { return top + (h - top - bottom) * (1 - p.v / max); }
    all.forEach(function (l) {
      var pts = l.points;
      if (pts.length < 2) { return; }
      if (all.length === 1) {
        ctx.beginPath();
        ctx.moveTo(x(pts[0]), h - bottom);
        pts.forEach(function (p) { ctx.lineTo(x(p), yv(p)); });
        ctx.lineTo(x(pts[pts.length - 1]), h - bottom);
        ctx.closePath();
        ctx.globalAlpha = 0.15; ctx.fillStyle = l.color; ctx.fill(); ctx.globalAlpha = 1;
      }
      ctx.beginPath();
      pts.forEach(function (p, i) { if (i === 0) { ctx.moveTo(x(p), yv(p)); } else { ctx.lineTo(x(p), yv(p)); } });
      ctx.strokeStyle = l.color; ctx.lineWidth = 2; ctx.stroke();
    });
  }

  // The latest value of a chart, formatted (for a series chart: of each series, "name value").
  function last(c) {
    var names = Object.keys(c.series).sort();
    if (names.length > 0) {
      return names.map(function (n) { var p = c.series[n]; return n + ' ' + c.unit(p[p.length - 1].v); }).join(' · ');
    }
    var p = c.points;
    return p.length ? c.unit(p[p.length - 1].v) : '';
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

  function showError(message) {
    var err = document.getElementById('error');
    err.hidden = !message;
    err.textContent = message || '';
  }

  // Polls url every REFRESH_MS, hands each document to render(doc), then redraws every chart in charts.
  function start(url, charts, render) {
    function drawAll() { Object.keys(charts).forEach(function (k) { draw(charts[k]); }); }
    function poll() {
      fetch(url, { cache: 'no-store' })
        .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
        .then(function (doc) { render(doc); drawAll(); })
        .catch(function (e) { showError('cannot load ' + url + ': ' + e.message); })
        .finally(function () { setTimeout(poll, REFRESH_MS); });
    }
    window.addEventListener('resize', drawAll);
    poll();
  }

  // Fills the 'topics' table (topic, partition, owner, epoch, stream) from a status document's topics;
  // epochOf(partition) reads the partition's leader epoch, named differently in the two documents.
  function fillTopics(topics, epochOf) {
    var rows = [];
    (topics || []).forEach(function (topic) {
      topic.partitions.forEach(function (p) {
        rows.push([topic.name, p.partition, p.owner >= 0 ? p.owner : '–', epochOf(p), p.streamId]);
      });
    });
    fill('topics', rows, 5);
  }

  // The five charts both status pages draw (their canvases are in index.html and cluster.html).
  function standardCharts() {
    return {
      produce: chart('chart-produce', '#2f6fec', bytesPerSec, 1024),
      fetch: chart('chart-fetch', '#16a34a', bytesPerSec, 1024),
      produceP99: chart('chart-produce-p99', '#d97706', millis, 1),
      fsyncP99: chart('chart-fsync-p99', '#9333ea', millis, 1),
      disk: chart('chart-disk', '#0891b2', bytes, 1024 * 1024)
    };
  }

  window.esStatusPage = {
    REFRESH_MS: REFRESH_MS, bytes: bytes, bytesPerSec: bytesPerSec, millis: millis, chart: chart, push: push,
    pushSeries: pushSeries, draw: draw, last: last, text: text, fill: fill, showError: showError, start: start,
    standardCharts: standardCharts, fillTopics: fillTopics
  };
}());
