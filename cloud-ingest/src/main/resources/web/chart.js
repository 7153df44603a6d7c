// Charts as inline SVG, drawn here rather than by a chart library: no download, no build step, and every element
// (series, threshold lines, alert marks, bars) is an element a test and a screen reader can find. The patient page
// draws trends (naraChart.draw), the evaluation page bars per month (naraChart.bars). Needs nara.js.
'use strict';
const naraChart = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 760, H = 210, LEFT = 52, RIGHT = 110, TOP = 10, BOTTOM = 150, LANE = 166, AXIS = 196;
  const SEVERITY_COLOUR = { URGENT: '#c62828', WARNING: '#ef6c00', INFO: '#546e7a' };

  /** An outcome code in the chosen language. */
  function outcome(code) { return code && nara.OUTCOMES[code] ? nara.t(...nara.OUTCOMES[code]) : code; }

  function el(tag, attrs, parent, text) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.append(node);
    return node;
  }

  function number(v) {
    return v.toLocaleString(nara.lang() === 'en' ? 'en-GB' : 'sv-SE', { maximumFractionDigits: 1 });
  }

  /** Round tick values covering [lo, hi]. */
  function ticks(lo, hi, count) {
    const raw = (hi - lo) / count;
    const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map(m => m * magnitude).find(s => s >= raw) || raw;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step / 1e6; v += step) out.push(Math.round(v * 1e6) / 1e6);
    return out;
  }

  function markTitle(m) {
    const result = m.outcome ? ` · ${nara.t('Utfall', 'Outcome')}: ${outcome(m.outcome)}` : '';
    const value = m.value == null ? '' : ` ${number(m.value)} ${m.unit || ''}`;
    return `${nara.time(m.raisedAt)} ${m.severity}: ${m.message}${value} (${m.state})${result}`;
  }

  /**
   * Draws one signal: the buckets' min–max band and mean line, the care plan's thresholds as horizontal lines, and
   * the signal's alerts (triangles) and their recorded outcomes (circles) on the timeline under the plot.
   * @param signal {code, display, unit, points:[{at, mean, min, max, n}], thresholds:[{ruleId, bound, value, severity}]}
   * @param trends the whole answer: from, to, range
   * @param marks  the alerts to show on this chart's timeline
   * @param events other moments to mark with a vertical line: [{at, label}] (the discharge)
   */
  function draw(signal, trends, marks, events) {
    const from = Date.parse(trends.from), to = Date.parse(trends.to);
    const values = signal.points.flatMap(p => [p.min, p.max]).concat(signal.thresholds.map(t => t.value))
      .filter(Number.isFinite);
    const svg = el('svg', { class: 'trend-chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img',
      'data-code': signal.code, 'data-range': trends.range, 'data-points': signal.points.length,
      'aria-label': `${signal.display}, ${signal.points.length} ${nara.t('punkter', 'points')}` });
    el('rect', { x: LEFT, y: TOP, width: W - LEFT - RIGHT, height: BOTTOM - TOP, class: 'plot' }, svg);
    const x = t => LEFT + (Math.min(Math.max(t, from), to) - from) / (to - from) * (W - LEFT - RIGHT);
    // Time axis: a tick per day for a week, else about six.
    const day = 86400000, span = to - from;
    const every = span <= 8 * day ? day : Math.ceil(span / day / 6) * day;
    for (let t = Math.ceil(from / day) * day; t <= to; t += every) {
      el('line', { x1: x(t), x2: x(t), y1: TOP, y2: LANE + 6, class: 'grid' }, svg);
      el('text', { x: x(t), y: AXIS, class: 'axis', 'text-anchor': 'middle' }, svg,
        new Date(t).toLocaleDateString(nara.lang() === 'en' ? 'en-GB' : 'sv-SE',
          { timeZone: 'Europe/Stockholm', day: 'numeric', month: 'short' }));
    }
    el('line', { x1: LEFT, x2: W - RIGHT, y1: LANE, y2: LANE, class: 'lane' }, svg);
    for (const e of events || []) {
      const t = Date.parse(e.at);
      if (t < from || t > to) continue;
      el('line', { x1: x(t), x2: x(t), y1: TOP, y2: LANE, class: 'event' }, svg);
      el('text', { x: x(t) + 3, y: TOP + 10, class: 'event-label' }, svg, e.label);
    }
    drawMarks(svg, marks, x);
    if (!values.length) {
      el('text', { x: LEFT + 12, y: (TOP + BOTTOM) / 2, class: 'empty' }, svg,
        nara.t('Inga mätningar i perioden', 'No readings in this period'));
      return svg;
    }
    let lo = Math.min(...values), hi = Math.max(...values);
    const pad = hi === lo ? Math.max(1, Math.abs(hi) * 0.05) : (hi - lo) * 0.08;
    lo -= pad; hi += pad;
    const y = v => BOTTOM - (v - lo) / (hi - lo) * (BOTTOM - TOP);
    // The scale, for anyone checking where a line lies: y = plotBottom − (v − yMin) / (yMax − yMin) · plotHeight.
    svg.setAttribute('data-y-min', lo);
    svg.setAttribute('data-y-max', hi);
    svg.setAttribute('data-plot-top', TOP);
    svg.setAttribute('data-plot-bottom', BOTTOM);
    for (const v of ticks(lo, hi, 4)) {
      el('line', { x1: LEFT - 4, x2: LEFT, y1: y(v), y2: y(v), class: 'tick' }, svg);
      el('text', { x: LEFT - 7, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, svg, number(v));
    }
    const pts = signal.points.map(p => ({ t: Date.parse(p.at) + trends.bucketSeconds * 500, ...p }));
    if (pts.length > 1 && pts.some(p => p.max > p.min)) {
      const upper = pts.map(p => `${x(p.t).toFixed(1)},${y(p.max).toFixed(1)}`);
      const lower = pts.slice().reverse().map(p => `${x(p.t).toFixed(1)},${y(p.min).toFixed(1)}`);
      el('polygon', { points: upper.concat(lower).join(' '), class: 'band' }, svg);
    }
    el('polyline', { points: pts.map(p => `${x(p.t).toFixed(1)},${y(p.mean).toFixed(1)}`).join(' '),
      class: 'series' }, svg);
    for (const p of pts) {
      const dot = el('circle', { cx: x(p.t).toFixed(1), cy: y(p.mean).toFixed(1), r: pts.length > 120 ? 1.5 : 3,
        class: 'point', 'data-at': p.at, 'data-mean': p.mean }, svg);
      el('title', {}, dot, `${nara.time(p.at)}: ${number(p.mean)} ${signal.unit || ''}` +
        (p.n > 1 ? ` (${nara.t('medel av', 'mean of')} ${p.n}, ${number(p.min)}–${number(p.max)})` : ''));
    }
    for (const th of signal.thresholds) {
      const yy = y(th.value).toFixed(1);
      el('line', { x1: LEFT, x2: W - RIGHT, y1: yy, y2: yy, class: `threshold ${th.severity}`,
        stroke: SEVERITY_COLOUR[th.severity], 'data-rule': th.ruleId, 'data-bound': th.bound,
        'data-value': th.value }, svg);
      const label = el('text', { x: W - RIGHT + 6, y: Number(yy) + 4, class: 'threshold-label',
        fill: SEVERITY_COLOUR[th.severity], 'data-rule': th.ruleId }, svg,
        `${th.bound === 'below' ? '<' : '>'} ${number(th.value)} ${signal.unit || ''}`);
      el('title', {}, label, `${th.ruleId}: ${th.message}`);
    }
    return svg;
  }

  function drawMarks(svg, marks, x) {
    for (const m of marks) {
      const at = x(Date.parse(m.raisedAt));
      const g = el('g', { class: `mark alert ${m.severity}`, 'data-alert-id': m.alertId }, svg);
      el('line', { x1: at, x2: at, y1: TOP, y2: LANE, class: 'mark-line', stroke: SEVERITY_COLOUR[m.severity] }, g);
      el('path', { d: `M${at - 6},${LANE + 6} L${at + 6},${LANE + 6} L${at},${LANE - 6} Z`,
        fill: SEVERITY_COLOUR[m.severity] }, g);
      el('title', {}, g, markTitle(m));
      if (m.outcome && m.resolvedAt) {
        const o = el('g', { class: 'mark outcome', 'data-alert-id': m.alertId, 'data-outcome': m.outcome }, svg);
        el('circle', { cx: x(Date.parse(m.resolvedAt)), cy: LANE, r: 5 }, o);
        el('title', {}, o, `${nara.time(m.resolvedAt)} ${nara.t('Utfall', 'Outcome')}: ${outcome(m.outcome)}` +
          (m.outcomeNote ? ` – ${m.outcomeNote}` : ''));
      }
    }
  }

  /** A "nice" upper bound for a bar chart's axis: 1, 2 or 5 times a power of ten. */
  function niceMax(max) {
    if (!(max > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(max)));
    for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
    return 10 * p;
  }

  /**
   * Bars per label (a month) and series into {@code container}, replacing its content.
   * spec: { labels: ['2026-10', ...], series: [{ name, values: [number|null], color }], format: v => string,
   *         max: the axis' top (optional; else a round number above the largest value) }.
   * A null value draws no bar (no data), which is different from a zero.
   */
  function bars(container, spec) {
    const BW = 420, BH = 220, BLEFT = 48, BBOTTOM = 28, BTOP = 12, BRIGHT = 8;
    const format = spec.format || (v => String(v));
    const all = spec.series.flatMap(s => s.values).filter(v => v !== null && v !== undefined);
    const max = spec.max || niceMax(Math.max(0, ...all));
    const svg = el('svg', { viewBox: `0 0 ${BW} ${BH}`, width: BW, height: BH, role: 'img', class: 'nara-chart' });
    const plotW = BW - BLEFT - BRIGHT, plotH = BH - BTOP - BBOTTOM;
    const y = v => BTOP + plotH - (v / max) * plotH;
    for (let i = 0; i <= 4; i++) {
      const v = max * i / 4;
      el('line', { x1: BLEFT, x2: BW - BRIGHT, y1: y(v), y2: y(v), stroke: '#e0e0e0' }, svg);
      el('text', { x: BLEFT - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 10 }, svg, format(v));
    }
    const group = plotW / Math.max(1, spec.labels.length);
    const barW = Math.max(2, (group * 0.8) / spec.series.length);
    spec.labels.forEach((label, i) => {
      el('text', { x: BLEFT + group * i + group / 2, y: BH - 10, 'text-anchor': 'middle', 'font-size': 10 }, svg,
        label);
      spec.series.forEach((s, j) => {
        const v = s.values[i];
        if (v === null || v === undefined) return;
        const bar = el('rect', { x: BLEFT + group * i + group * 0.1 + barW * j, y: y(v), width: barW - 1,
          height: Math.max(0, BTOP + plotH - y(v)), fill: s.color, 'data-label': label, 'data-series': s.name,
          'data-value': v }, svg);
        el('title', {}, bar, `${s.name} ${label}: ${format(v)}`);
      });
    });
    el('line', { x1: BLEFT, x2: BLEFT, y1: BTOP, y2: BTOP + plotH, stroke: '#444' }, svg);
    container.replaceChildren(svg);
    if (spec.series.length > 1) {
      const legend = document.createElement('div');
      legend.className = 'legend';
      for (const s of spec.series) {
        const key = document.createElement('span');
        key.style.borderLeft = `.8em solid ${s.color}`;
        key.style.paddingLeft = '.3em';
        key.style.marginRight = '1em';
        key.textContent = s.name;
        legend.append(key);
      }
      container.append(legend);
    }
    return svg;
  }

  return { draw, bars, outcome };
})();
