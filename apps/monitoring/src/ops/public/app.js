// Keel ops page: plain DOM and SVG, no framework. Reads /api/* once, then follows /api/stream (SSE).
'use strict';

const state = { model: null, overview: null, windows: [], alerts: [], performance: [], throughput: {} };
const $ = (sel) => document.querySelector(sel);
const esc = (s) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
const fmt = (x, d = 3) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(d));
const time = (ms) => (ms ? new Date(ms).toLocaleTimeString() : '–');

async function getJson(url) {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

// A small SVG line chart: series = [{ name, color, points: [[x, y], ...] }].
function lineChart(series, opts = {}) {
  const w = opts.width ?? 560;
  const h = opts.height ?? 150;
  const pad = { l: 44, r: 10, t: 10, b: 20 };
  const pts = series.flatMap((s) => s.points);
  if (pts.length === 0) return '<p class="muted">no data yet</p>';
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]).concat(opts.yInclude ?? []);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x) => pad.l + ((x - x0) / (x1 - x0 || 1)) * (w - pad.l - pad.r);
  const sy = (y) => h - pad.b - ((y - y0) / (y1 - y0)) * (h - pad.t - pad.b);
  const paths = series
    .map((s) => {
      const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join('');
      const dash = s.dashed ? ' stroke-dasharray="4 3"' : '';
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${dash}><title>${esc(s.name)}</title></path>`;
    })
    .join('');
  const legend = series
    .map((s, i) => `<text x="${pad.l + 8 + i * 150}" y="${pad.t + 8}" style="fill:${s.color}">${esc(s.name)}</text>`)
    .join('');
  const axis =
    `<text x="4" y="${sy(y1) + 4}">${fmt(y1, opts.digits ?? 2)}</text>` +
    `<text x="4" y="${sy(y0) + 4}">${fmt(y0, opts.digits ?? 2)}</text>` +
    `<text x="${pad.l}" y="${h - 4}">${esc(opts.xLabel ? opts.xLabel(x0) : x0)}</text>` +
    `<text x="${w - pad.r - 60}" y="${h - 4}">${esc(opts.xLabel ? opts.xLabel(x1) : x1)}</text>`;
  return `<svg viewBox="0 0 ${w} ${h}" width="100%" height="${h}">${axis}${paths}${legend}</svg>`;
}

function renderModels() {
  const o = state.overview;
  if (!o) return;
  const monitors = new Map(o.monitors.map((m) => [m.model, m]));
  const models = Array.isArray(o.models) ? o.models : [];
  const names = [...new Set([...models.map((m) => m.name), ...monitors.keys()])].sort();
  const rows = names.map((name) => {
    const m = models.find((x) => x.name === name);
    const mon = monitors.get(name);
    const versions = (m?.versions ?? [])
      .map((v) => {
        const aliases = v.aliases.map((a) => `<span class="tag">${esc(a)}</span>`).join('');
        const gate = Object.entries(v.tags)
          .filter(([k]) => /gate|decision|promot/i.test(k))
          .map(([k, val]) => `<span class="tag gate" title="${esc(k)}">${esc(val)}</span>`)
          .join('');
        return `v${v.version} ${aliases}${gate}`;
      })
      .join(' · ');
    const status = mon
      ? mon.active
        ? `monitoring v${mon.version}: ${mon.pendingRows}/${mon.settings.windowSize || mon.settings.windowSeconds + ' s'} rows, ${mon.windowsClosed} windows, ${mon.firingAlerts} firing`
        : esc(mon.note)
      : 'not monitored';
    return `<tr><td><b>${esc(name)}</b></td><td>${versions || '<span class="muted">–</span>'}</td><td>${status}</td><td class="muted">${esc(mon?.dataset ?? '')}${mon?.datasetVersion ? ' v' + mon.datasetVersion : ''}</td></tr>`;
  });
  const err = !Array.isArray(o.models) ? `<p class="muted">registry: ${esc(o.models.error)}</p>` : '';
  $('#models').innerHTML =
    err +
    `<table><tr><th>model</th><th>versions, aliases, gate</th><th>monitor</th><th>reference</th></tr>${rows.join('')}</table>`;
  const select = $('#model-select');
  const current = select.value;
  select.innerHTML = names.map((n) => `<option${n === state.model ? ' selected' : ''}>${esc(n)}</option>`).join('');
  if (!state.model && names.length) state.model = names[0];
  if (current !== state.model) select.value = state.model ?? '';
}

function heatColor(ratio, drift) {
  if (ratio === null) return '#222a33';
  const r = Math.min(ratio, 2) / 2;
  const hue = drift ? 0 : 140 - 110 * r;
  return `hsl(${hue}, 60%, ${22 + 30 * r}%)`;
}

function renderHeatmap() {
  const ws = state.windows
    .filter((w) => w.model === state.model)
    .slice(0, 24)
    .reverse();
  if (ws.length === 0) {
    $('#heatmap').innerHTML = '<p class="muted">no window closed yet</p>';
    return;
  }
  const features = ws[ws.length - 1].features.map((f) => f.feature);
  const cell = (d) => {
    if (!d) return '<td class="cell"></td>';
    const pvalue = ['ks', 'chi2', 'z'].includes(d.test);
    const ratio = d.score === null ? null : pvalue ? d.threshold / Math.max(d.score, 1e-12) : d.score / d.threshold;
    const tip = `${d.feature}: ${d.test} ${fmt(d.score, 4)} (threshold ${d.threshold})${d.drift ? ' DRIFT' : ''}`;
    return `<td class="cell${d.drift ? ' drift' : ''}" style="background:${heatColor(ratio, d.drift)}" title="${esc(tip)}"></td>`;
  };
  const head = ws.map((w) => `<th title="${esc(time(w.toMs))}">#${w.seq}</th>`).join('');
  const rows = features.map(
    (f) => `<tr><th>${esc(f)}</th>${ws.map((w) => cell(w.features.find((x) => x.feature === f))).join('')}</tr>`,
  );
  rows.push(`<tr><th><i>prediction</i></th>${ws.map((w) => cell(w.prediction)).join('')}</tr>`);
  rows.push(
    `<tr><th class="muted">drift share</th>${ws.map((w) => `<td class="muted">${fmt(w.driftShare, 2)}</td>`).join('')}</tr>`,
  );
  $('#heatmap').innerHTML = `<table class="heat"><tr><th>feature \\ window</th>${head}</tr>${rows.join('')}</table>`;
}

function renderAlerts() {
  const items = state.alerts.filter((a) => !state.model || a.model === state.model).slice(0, 50);
  $('#alerts').innerHTML = items.length
    ? items
        .map(
          (a) =>
            `<li class="${a.status} ${a.severity}"><b>${esc(a.kind)}</b> · ${esc(a.status)} · ${esc(a.severity)} · ${time(a.firedAtMs)}` +
            `${a.resolvedAtMs ? ' → ' + time(a.resolvedAtMs) : ''}<br>${esc(a.message)}` +
            `${a.driftedFeatures.length ? `<br><span class="muted">features: ${a.driftedFeatures.map(esc).join(', ')}</span>` : ''}` +
            `${a.retrainJobId ? `<br><span class="muted">retraining requested: job ${esc(a.retrainJobId)}</span>` : ''}</li>`,
        )
        .join('')
    : '<li class="resolved">no alerts</li>';
}

function renderThroughput() {
  const points = state.throughput[state.model] ?? [];
  $('#throughput').innerHTML =
    lineChart([{ name: 'rows/s', color: '#4c9be8', points: points.map((p) => [p.t, p.rows]) }], {
      height: 110,
      digits: 0,
      xLabel: time,
      yInclude: [0],
    }) +
    lineChart([{ name: 'mean latency (ms)', color: '#e0a63a', points: points.map((p) => [p.t, p.meanLatencyMs]) }], {
      height: 110,
      xLabel: time,
      yInclude: [0],
    });
}

function renderPerformance() {
  const ws = state.performance
    .filter((w) => w.model === state.model)
    .slice()
    .reverse();
  if (ws.length === 0) {
    $('#performance').innerHTML = '<p class="muted">no labelled window yet</p>';
    return;
  }
  const metric = ws[ws.length - 1].metric;
  const series = [
    { name: 'auc', color: '#4c9be8', points: ws.filter((w) => w.auc !== null).map((w) => [w.seq, w.auc]) },
    { name: 'accuracy', color: '#3fb27f', points: ws.map((w) => [w.seq, w.accuracy]) },
    { name: 'f1', color: '#b07be0', points: ws.map((w) => [w.seq, w.f1]) },
  ];
  const base = ws.find((w) => w.baseline !== null)?.baseline;
  if (base !== undefined)
    series.push({ name: `training ${metric}`, color: '#e5534b', dashed: true, points: ws.map((w) => [w.seq, base]) });
  const rows = ws
    .slice(-6)
    .reverse()
    .map(
      (w) =>
        `<tr><td>#${w.seq}</td><td>${w.rows}</td><td>${fmt(w.auc)}</td><td>${fmt(w.accuracy)}</td><td>${fmt(w.f1)}</td><td>${fmt(w.logLoss)}</td><td>${w.degraded ? '<b style="color:var(--bad)">degraded</b>' : 'ok'}</td></tr>`,
    );
  $('#performance').innerHTML =
    lineChart(series, { height: 140, xLabel: (x) => `#${x}`, yInclude: [0, 1] }) +
    `<table><tr><th>window</th><th>labels</th><th>auc</th><th>accuracy</th><th>f1</th><th>log loss</th><th></th></tr>${rows.join('')}</table>`;
}

function renderRunsPicker() {
  const models = Array.isArray(state.overview?.models) ? state.overview.models : [];
  const m = models.find((x) => x.name === state.model);
  const runs = (m?.versions ?? []).filter((v) => v.runId);
  if (runs.length === 0) {
    $('#runs').innerHTML = '<p class="muted">no runs recorded for this model</p>';
    return;
  }
  $('#runs').innerHTML =
    runs
      .map(
        (v, i) =>
          `<label><input type="checkbox" value="${esc(v.runId)}"${i < 2 ? ' checked' : ''}> v${v.version} <span class="muted">${esc(v.runId.slice(0, 8))}</span></label> `,
      )
      .join('') + ' <button id="compare">compare</button><div id="compare-out"></div>';
  $('#compare').onclick = () => void compareRuns();
  void compareRuns();
}

async function compareRuns() {
  const ids = [...document.querySelectorAll('#runs input:checked')].map((i) => i.value);
  if (ids.length === 0) return;
  const out = $('#compare-out');
  try {
    const c = await getJson(`/api/runs/compare?ids=${ids.map(encodeURIComponent).join(',')}`);
    const head = c.runs.map((r) => `<th>${esc(r.name || r.id.slice(0, 8))}</th>`).join('');
    const rows = (label, list) =>
      list
        .map(
          (row) =>
            `<tr class="${row.differs ? 'diff' : ''}"><td class="muted">${label}</td><td>${esc(row.key)}</td>${row.values.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`,
        )
        .join('');
    let curves = '';
    const colors = ['#4c9be8', '#e0a63a', '#3fb27f', '#b07be0'];
    for (const key of c.metrics.map((m) => m.key)) {
      const histories = await Promise.all(
        c.runs.map((r) => getJson(`/api/runs/${r.id}/metrics/${encodeURIComponent(key)}`)),
      );
      if (histories.every((h) => h.length < 2)) continue;
      curves +=
        `<h2>${esc(key)}</h2>` +
        lineChart(
          histories.map((h, i) => ({
            name: c.runs[i].name || c.runs[i].id.slice(0, 8),
            color: colors[i % 4],
            points: h.map((m) => [m.step, m.value]),
          })),
          { height: 120, xLabel: (x) => `step ${x}` },
        );
    }
    out.innerHTML = `<table><tr><th></th><th>key</th>${head}</tr>${rows('param', c.params)}${rows('metric', c.metrics)}</table>${curves}`;
  } catch (err) {
    out.innerHTML = `<p class="muted">${esc(err.message)}</p>`;
  }
}

function renderAudit(entries) {
  if (!Array.isArray(entries)) {
    $('#audit').innerHTML = `<p class="muted">registry: ${esc(entries?.error)}</p>`;
    return;
  }
  const detail = (d) =>
    Object.entries(d)
      .filter(([, v]) => v !== null && typeof v !== 'object')
      .map(([k, v]) => `${esc(k)}=${esc(v)}`)
      .join(' ');
  const rows = entries.map(
    (e) =>
      `<tr><td>${new Date(e.atMs).toLocaleString()}</td><td>${esc(e.actor)}</td><td><b>${esc(e.action)}</b></td>` +
      `<td>${esc(e.subject)}</td><td class="muted">${detail(e.details)}</td><td class="muted">${esc(e.traceId.slice(0, 8))}</td></tr>`,
  );
  $('#audit').innerHTML = rows.length
    ? `<table><tr><th>when</th><th>actor</th><th>action</th><th>subject</th><th>details</th><th>trace</th></tr>${rows.join('')}</table>`
    : '<p class="muted">no admin actions yet</p>';
}

async function refreshAudit() {
  renderAudit(await getJson('/api/audit?limit=50').catch((err) => ({ error: err.message })));
}

function renderAll() {
  renderModels();
  renderHeatmap();
  renderAlerts();
  renderThroughput();
  renderPerformance();
}

async function load() {
  const [overview, windows, alerts, performance] = await Promise.all([
    getJson('/api/overview'),
    getJson('/api/windows?limit=200'),
    getJson('/api/alerts?limit=200'),
    getJson('/api/performance?limit=200'),
  ]);
  Object.assign(state, { overview, windows, alerts, performance, throughput: overview.throughput });
  renderAll();
  renderRunsPicker();
  void refreshAudit();
}

function follow() {
  const es = new EventSource('/api/stream');
  es.onopen = () => ($('#live').className = 'live on');
  es.onerror = () => ($('#live').className = 'live off');
  es.addEventListener('window', (e) => {
    state.windows.unshift(JSON.parse(e.data));
    renderHeatmap();
    void refreshOverview();
  });
  es.addEventListener('alert', (e) => {
    const { alert } = JSON.parse(e.data);
    state.alerts = [alert, ...state.alerts.filter((a) => a.id !== alert.id)];
    renderAlerts();
  });
  es.addEventListener('performance', (e) => {
    state.performance.unshift(JSON.parse(e.data));
    renderPerformance();
  });
  es.addEventListener('throughput', (e) => {
    state.throughput = JSON.parse(e.data);
    renderThroughput();
  });
  es.addEventListener('monitor', () => void refreshOverview());
}

async function refreshOverview() {
  state.overview = await getJson('/api/overview');
  renderModels();
}

$('#model-select').onchange = (e) => {
  state.model = e.target.value;
  renderAll();
  renderRunsPicker();
};
// Admin actions happen in other services; the trail is read again every few seconds.
setInterval(() => void refreshAudit(), 3000);
load().then(follow, (err) => {
  $('#models').textContent = `could not load: ${err.message}`;
  follow();
});
