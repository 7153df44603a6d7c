// Charts as inline SVG, drawn here rather than by a chart library: no download, no build step, and every element
// (series, threshold lines, alert marks, bars) is an element a test and a screen reader can find. The patient page
// draws trends (naraChart.draw), the evaluation page bars per month (naraChart.bars). Needs nara.js.
'use strict';
const naraChart = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 760, LEFT = 58, RIGHT = 110, TOP = 24, BOTTOM = 164, TIME_LABELS = 180, LANE = 198, ROW = 15;
  /** Markers closer than this (in chart units) go on separate rows of the alert lane, so none hides another. */
  const MARK_GAP = 14;
  const SEVERITY_COLOUR = { URGENT: '#c62828', WARNING: '#ef6c00', INFO: '#546e7a' };
  const ZONE = 'Europe/Stockholm';

  /** An outcome code in the chosen language. */
  function outcome(code) { return code && nara.OUTCOMES[code] ? nara.t(...nara.OUTCOMES[code]) : code; }

  function el(tag, attrs, parent, text) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.append(node);
    return node;
  }

  function locale() { return nara.lang() === 'en' ? 'en-GB' : 'sv-SE'; }

  function number(v) {
    return v.toLocaleString(locale(), { maximumFractionDigits: 1 });
  }

  /** A value with its unit, as a nurse writes it: "81,2 kg". */
  function withUnit(v, unit) { return unit ? `${number(v)} ${unit}` : number(v); }

  /** A clock time in Swedish local time: "06:00". */
  function clock(ms) {
    return new Date(ms).toLocaleTimeString(locale(), { timeZone: ZONE, hour: '2-digit', minute: '2-digit' });
  }

  /** A slot's span: "2026-12-01 06:00–09:00", or both ends in full when it ends on another day. */
  function span(fromMs, toMs) {
    const day = ms => new Date(ms).toLocaleDateString('sv-SE', { timeZone: ZONE });
    const end = day(fromMs) === day(toMs - 1) ? clock(toMs) : nara.time(new Date(toMs).toISOString());
    return `${nara.time(new Date(fromMs).toISOString())}–${end}`;
  }

  /** The signal's name in the chosen language (the server names it from the vocabulary), else its display. */
  function signalName(signal) {
    return signal.name && signal.name.sv ? nara.t(signal.name.sv, signal.name.en) : (signal.display || signal.code);
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
    const severity = nara.SEVERITY[m.severity] ? nara.t(...nara.SEVERITY[m.severity]) : m.severity;
    const result = m.outcome ? ` · ${nara.t('Utfall', 'Outcome')}: ${outcome(m.outcome)}` : '';
    const value = m.value == null ? '' : ` ${withUnit(m.value, nara.unit(m.unit))}`;
    return `${nara.time(m.raisedAt)} ${severity}: ${m.message}${value}${result}`;
  }

  /**
   * What a point says, in words: one reading's value, or a slot's mean, min, max and count, with the slot's span
   * (the server downsamples into slots of bucketSeconds; a reading's own minute is not kept).
   */
  function readingText(signal, p, bucketMs) {
    const when = span(Date.parse(p.at), Date.parse(p.at) + bucketMs);
    const name = `${signalName(signal)}, `;
    if (p.n <= 1 || p.max === p.min) {
      const count = p.n > 1 ? nara.t(` (${p.n} mätningar)`, ` (${p.n} readings)`) : '';
      return `${name}${when}: ${withUnit(p.mean, signal.unit)}${count}`;
    }
    return `${name}${when}: ` + nara.t(
      `medel ${withUnit(p.mean, signal.unit)}, min ${withUnit(p.min, signal.unit)}, max ${withUnit(p.max, signal.unit)}, ${p.n} mätningar`,
      `mean ${withUnit(p.mean, signal.unit)}, min ${withUnit(p.min, signal.unit)}, max ${withUnit(p.max, signal.unit)}, ${p.n} readings`);
  }

  /**
   * One tab stop for a set of elements (points, or alert marks): the chosen one has tabindex 0, the others -1; the
   * arrow keys, Home and End move between them. 300 points must not be 300 presses of Tab.
   */
  function roving(items, onSelect) {
    items.forEach((node, i) => {
      node.setAttribute('tabindex', i === items.length - 1 ? '0' : '-1');
      node.addEventListener('focus', () => {
        items.forEach(other => other.setAttribute('tabindex', other === node ? '0' : '-1'));
        onSelect(node);
      });
      node.addEventListener('keydown', e => {
        const next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0,
          End: items.length - 1 }[e.key];
        if (next === undefined) return;
        e.preventDefault();
        items[Math.max(0, Math.min(items.length - 1, next))].focus();
      });
    });
  }

  /**
   * Draws one signal: per slot the readings' range (min–max, as a band and a whisker) and the mean line, the care
   * plan's thresholds as horizontal lines, axes with ticks and the unit, and the signal's alerts (triangles) and their
   * recorded outcomes (circles) at their own times on the lane under the plot, on separate rows where they would
   * overlap. A click or tap on the plot, or focus on a point or mark (Tab, then the arrow keys), shows its reading in
   * words in {@code reading} (a live region; one is put after the chart when none is given).
   * @param signal  {code, display, name: {sv, en}, unit, points:[{at, mean, min, max, n}], thresholds:[{ruleId, bound, value, severity}]}
   * @param trends  the whole answer: from, to, range, bucketSeconds
   * @param marks   the alerts to show on this chart's timeline
   * @param events  other moments to mark with a vertical line: [{at, label}] (the discharge)
   * @param reading the element that shows the chosen point's reading (optional)
   */
  function draw(signal, trends, marks, events, reading) {
    const from = Date.parse(trends.from), to = Date.parse(trends.to);
    const bucketMs = (trends.bucketSeconds || 0) * 1000;
    const values = signal.points.flatMap(p => [p.min, p.max]).concat(signal.thresholds.map(t => t.value))
      .filter(Number.isFinite);
    const rows = laneRows(marks, t => LEFT + (Math.min(Math.max(t, from), to) - from) / (to - from) * (W - LEFT - RIGHT));
    const height = LANE + Math.max(1, rows.count) * ROW;
    const svg = el('svg', { class: 'trend-chart', viewBox: `0 0 ${W} ${height}`, width: W, height, role: 'group',
      'data-code': signal.code, 'data-range': trends.range, 'data-points': signal.points.length,
      'aria-label': `${signalName(signal)}${signal.unit ? ` (${signal.unit})` : ''}, ${signal.points.length} `
        + nara.t('punkter; välj en punkt för dess värden', 'points; choose a point for its values') });
    el('rect', { x: LEFT, y: TOP, width: W - LEFT - RIGHT, height: BOTTOM - TOP, class: 'plot' }, svg);
    const x = t => LEFT + (Math.min(Math.max(t, from), to) - from) / (to - from) * (W - LEFT - RIGHT);
    // Time axis: a tick per day for a week, else about six.
    const day = 86400000, range = to - from;
    const every = range <= 8 * day ? day : Math.ceil(range / day / 6) * day;
    el('line', { x1: LEFT, x2: W - RIGHT, y1: BOTTOM, y2: BOTTOM, class: 'axis-line' }, svg);
    for (let t = Math.ceil(from / day) * day; t <= to; t += every) {
      el('line', { x1: x(t), x2: x(t), y1: TOP, y2: BOTTOM, class: 'grid' }, svg);
      el('line', { x1: x(t), x2: x(t), y1: BOTTOM, y2: BOTTOM + 4, class: 'tick' }, svg);
      el('text', { x: x(t), y: TIME_LABELS, class: 'axis time', 'text-anchor': 'middle' }, svg,
        new Date(t).toLocaleDateString(locale(), { timeZone: ZONE, day: 'numeric', month: 'short' }));
    }
    el('text', { x: LEFT - 7, y: LANE + 4, class: 'axis lane-label', 'text-anchor': 'end' }, svg,
      nara.t('Larm', 'Alerts'));
    for (let r = 0; r < Math.max(1, rows.count); r++) {
      el('line', { x1: LEFT, x2: W - RIGHT, y1: LANE + r * ROW, y2: LANE + r * ROW, class: 'lane' }, svg);
    }
    for (const e of events || []) {
      const t = Date.parse(e.at);
      if (t < from || t > to) continue;
      el('line', { x1: x(t), x2: x(t), y1: TOP, y2: BOTTOM, class: 'event' }, svg);
      el('text', { x: x(t) + 3, y: TOP + 10, class: 'event-label' }, svg, e.label);
    }
    const show = text => {
      if (!reading) {
        reading = document.createElement('p');
        reading.className = 'chart-reading';
        reading.setAttribute('role', 'status');
        svg.after(reading);
      }
      reading.textContent = text;
      reading.hidden = false;
    };
    const select = node => {
      for (const s of svg.querySelectorAll('.selected')) s.classList.remove('selected');
      node.classList.add('selected');
      svg.dataset.selected = node.dataset.at || node.dataset.alertId;
      show(node.getAttribute('aria-label'));
    };
    const markNodes = drawMarks(svg, marks, x, rows);
    roving(markNodes, select);
    if (!values.length) {
      el('text', { x: LEFT + 12, y: (TOP + BOTTOM) / 2, class: 'empty' }, svg,
        nara.t('Inga mätningar i perioden', 'No readings in this period'));
      listen(svg, [], select);
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
    el('line', { x1: LEFT, x2: LEFT, y1: TOP, y2: BOTTOM, class: 'axis-line' }, svg);
    el('text', { x: LEFT - 7, y: TOP - 10, class: 'axis unit', 'text-anchor': 'end' }, svg, signal.unit || '');
    for (const v of ticks(lo, hi, 4)) {
      el('line', { x1: LEFT - 4, x2: LEFT, y1: y(v), y2: y(v), class: 'tick' }, svg);
      el('text', { x: LEFT - 7, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, svg, number(v));
    }
    // A point sits in the middle of its slot.
    const pts = signal.points.map(p => ({ t: Date.parse(p.at) + bucketMs / 2, ...p }));
    if (pts.length > 1 && pts.some(p => p.max > p.min)) {
      const upper = pts.map(p => `${x(p.t).toFixed(1)},${y(p.max).toFixed(1)}`);
      const lower = pts.slice().reverse().map(p => `${x(p.t).toFixed(1)},${y(p.min).toFixed(1)}`);
      el('polygon', { points: upper.concat(lower).join(' '), class: 'band', 'pointer-events': 'none' }, svg);
    }
    // The slot's own range, so a single event shows even between flat neighbours: a whisker with caps.
    for (const p of pts.filter(q => q.max > q.min)) {
      const xx = x(p.t).toFixed(1);
      const g = el('g', { class: 'range', 'data-at': p.at, 'data-min': p.min, 'data-max': p.max,
        'pointer-events': 'none' }, svg);
      el('line', { x1: xx, x2: xx, y1: y(p.max).toFixed(1), y2: y(p.min).toFixed(1) }, g);
      for (const v of [p.min, p.max]) {
        el('line', { x1: Number(xx) - 3, x2: Number(xx) + 3, y1: y(v).toFixed(1), y2: y(v).toFixed(1) }, g);
      }
    }
    el('polyline', { points: pts.map(p => `${x(p.t).toFixed(1)},${y(p.mean).toFixed(1)}`).join(' '),
      class: 'series', 'pointer-events': 'none' }, svg);
    for (const th of signal.thresholds) {
      const yy = y(th.value).toFixed(1);
      el('line', { x1: LEFT, x2: W - RIGHT, y1: yy, y2: yy, class: `threshold ${th.severity}`,
        stroke: SEVERITY_COLOUR[th.severity], 'data-rule': th.ruleId, 'data-bound': th.bound,
        'data-value': th.value }, svg);
      const label = el('text', { x: W - RIGHT + 6, y: Number(yy) + 4, class: 'threshold-label',
        fill: SEVERITY_COLOUR[th.severity], 'data-rule': th.ruleId }, svg,
        `${th.bound === 'below' ? '<' : '>'} ${withUnit(th.value, signal.unit)}`);
      el('title', {}, label, `${th.ruleId}: ${th.message}`);
    }
    const dots = pts.map(p => {
      const text = readingText(signal, p, bucketMs);
      const dot = el('circle', { cx: x(p.t).toFixed(1), cy: y(p.mean).toFixed(1), r: pts.length > 120 ? 2 : 3.5,
        class: 'point', role: 'button', 'aria-label': text, 'data-at': p.at, 'data-mean': p.mean,
        'data-min': p.min, 'data-max': p.max, 'data-n': p.n }, svg);
      el('title', {}, dot, text);
      return dot;
    });
    roving(dots, select);
    listen(svg, dots, select);
    return svg;
  }

  /**
   * A click or tap anywhere on the chart: on an alert mark, that mark; else the point nearest in time, so a finger
   * need not hit a 3-pixel dot.
   */
  function listen(svg, dots, select) {
    svg.addEventListener('click', e => {
      const mark = e.target.closest && e.target.closest('g.mark');
      if (mark) { mark.focus(); select(mark); return; }
      if (!dots.length || !svg.getScreenCTM()) return;
      const at = new DOMPoint(e.clientX, e.clientY).matrixTransform(svg.getScreenCTM().inverse());
      let best = dots[0];
      for (const d of dots) if (Math.abs(d.cx.baseVal.value - at.x) < Math.abs(best.cx.baseVal.value - at.x)) best = d;
      best.focus();
      select(best);
    });
  }

  /**
   * Which row of the lane each mark (an alert at raisedAt, its outcome at resolvedAt) goes on: the first row where it
   * is at least MARK_GAP from the row's last mark, so marks at different times never sit on one spot.
   */
  function laneRows(marks, x) {
    const last = [];
    const row = new Map();
    const items = [];
    for (const m of marks) {
      items.push({ key: `a${m.alertId}`, x: x(Date.parse(m.raisedAt)) });
      if (m.outcome && m.resolvedAt) items.push({ key: `o${m.alertId}`, x: x(Date.parse(m.resolvedAt)) });
    }
    items.sort((a, b) => a.x - b.x);
    for (const item of items) {
      let r = 0;
      while (last[r] !== undefined && item.x - last[r] < MARK_GAP) r++;
      last[r] = item.x;
      row.set(item.key, r);
    }
    return { count: last.length, of: key => row.get(key) || 0 };
  }

  function drawMarks(svg, marks, x, rows) {
    const nodes = [];
    for (const m of marks) {
      const at = x(Date.parse(m.raisedAt));
      const lane = LANE + rows.of(`a${m.alertId}`) * ROW;
      const text = markTitle(m);
      const g = el('g', { class: `mark alert ${m.severity}`, 'data-alert-id': m.alertId, 'data-at': m.raisedAt,
        role: 'button', 'aria-label': text }, svg);
      el('line', { x1: at, x2: at, y1: TOP, y2: BOTTOM, class: 'mark-line',
        stroke: SEVERITY_COLOUR[m.severity], 'pointer-events': 'none' }, g);
      el('path', { d: `M${at - 6},${lane + 6} L${at + 6},${lane + 6} L${at},${lane - 6} Z`, class: 'marker',
        fill: SEVERITY_COLOUR[m.severity] }, g);
      el('title', {}, g, text);
      nodes.push(g);
      if (m.outcome && m.resolvedAt) {
        const done = `${nara.time(m.resolvedAt)} ${nara.t('Utfall', 'Outcome')}: ${outcome(m.outcome)}` +
          (m.outcomeNote ? ` – ${m.outcomeNote}` : '');
        const o = el('g', { class: 'mark outcome', 'data-alert-id': m.alertId, 'data-outcome': m.outcome,
          'data-at': m.resolvedAt, role: 'button', 'aria-label': done }, svg);
        el('circle', { cx: x(Date.parse(m.resolvedAt)), cy: LANE + rows.of(`o${m.alertId}`) * ROW, r: 5 }, o);
        el('title', {}, o, done);
        nodes.push(o);
      }
    }
    return nodes.sort((a, b) => Date.parse(a.dataset.at) - Date.parse(b.dataset.at));
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
