// Small bar charts in inline SVG, drawn here rather than by a chart library: the clinic's network may allow nothing
// else, and the figures need only bars per month. naraChart.bars(container, spec) replaces the container's content.
'use strict';
const naraChart = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 420, H = 220, LEFT = 48, BOTTOM = 28, TOP = 12, RIGHT = 8;

  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** A "nice" upper bound for the axis: 1, 2 or 5 times a power of ten. */
  function niceMax(max) {
    if (!(max > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(max)));
    for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
    return 10 * p;
  }

  /**
   * spec: { labels: ['2026-10', ...], series: [{ name, values: [number|null], color }], format: v => string,
   *         max: the axis' top (optional; else a round number above the largest value) }.
   * A null value draws no bar (no data), which is different from a zero.
   */
  function bars(container, spec) {
    const format = spec.format || (v => String(v));
    const all = spec.series.flatMap(s => s.values).filter(v => v !== null && v !== undefined);
    const max = spec.max || niceMax(Math.max(0, ...all));
    const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', class: 'nara-chart' });
    const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
    const y = v => TOP + plotH - (v / max) * plotH;
    for (let i = 0; i <= 4; i++) {
      const v = max * i / 4;
      svg.append(el('line', { x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v), stroke: '#e0e0e0' }));
      svg.append(el('text', { x: LEFT - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 10 }, format(v)));
    }
    const n = Math.max(1, spec.labels.length);
    const group = plotW / n;
    const barW = Math.max(2, (group * 0.8) / spec.series.length);
    spec.labels.forEach((label, i) => {
      svg.append(el('text', { x: LEFT + group * i + group / 2, y: H - 10, 'text-anchor': 'middle', 'font-size': 10 },
        label));
      spec.series.forEach((s, j) => {
        const v = s.values[i];
        if (v === null || v === undefined) return;
        const x = LEFT + group * i + group * 0.1 + barW * j;
        const bar = el('rect', { x, y: y(v), width: barW - 1, height: Math.max(0, TOP + plotH - y(v)),
          fill: s.color, 'data-label': label, 'data-series': s.name, 'data-value': v });
        bar.append(el('title', {}, `${s.name} ${label}: ${format(v)}`));
        svg.append(bar);
      });
    });
    svg.append(el('line', { x1: LEFT, x2: LEFT, y1: TOP, y2: TOP + plotH, stroke: '#444' }));
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

  return { bars, niceMax };
})();
