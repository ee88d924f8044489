/* Layered layout and SVG drawing of the dependency graph. No dependencies. */
(function (global) {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const NODE_W = 190, NODE_H = 46, GAP_X = 70, GAP_Y = 16, PAD = 20;

  /**
   * Assigns every node a layer (a card sits one layer right of its deepest dependency) and an
   * order within its layer (barycenter sweeps to reduce crossings). Returns {pos, width, height}.
   */
  function layout(nodes, edges) {
    const ids = new Set(nodes.map(n => n.id));
    const deps = new Map(), dependents = new Map();
    nodes.forEach(n => { deps.set(n.id, []); dependents.set(n.id, []); });
    edges.forEach(e => {
      if (ids.has(e.from) && ids.has(e.to)) {
        deps.get(e.from).push(e.to);
        dependents.get(e.to).push(e.from);
      }
    });
    const layerOf = new Map();
    function layer(id, seen) {
      if (layerOf.has(id)) return layerOf.get(id);
      if (seen.has(id)) return 0; // a cycle cannot happen in a backlog; stay safe anyway
      seen.add(id);
      let l = 0;
      deps.get(id).forEach(d => { l = Math.max(l, layer(d, seen) + 1); });
      layerOf.set(id, l);
      return l;
    }
    nodes.forEach(n => layer(n.id, new Set()));
    const layers = [];
    nodes.slice().sort((a, b) => a.id.localeCompare(b.id, undefined, {numeric: true}))
      .forEach(n => {
        const l = layerOf.get(n.id);
        (layers[l] = layers[l] || []).push(n.id);
      });
    for (let i = 0; i < layers.length; i++) layers[i] = layers[i] || [];
    const index = new Map();
    const reindex = () => layers.forEach(ids => ids.forEach((id, i) => index.set(id, i)));
    reindex();
    const bary = (id, neighbours) => {
      const ns = neighbours.get(id).filter(x => index.has(x));
      if (!ns.length) return index.get(id);
      return ns.reduce((s, x) => s + index.get(x), 0) / ns.length;
    };
    for (let sweep = 0; sweep < 4; sweep++) {
      for (let l = 1; l < layers.length; l++) {
        layers[l].sort((a, b) => bary(a, deps) - bary(b, deps));
        reindex();
      }
      for (let l = layers.length - 2; l >= 0; l--) {
        layers[l].sort((a, b) => bary(a, dependents) - bary(b, dependents));
        reindex();
      }
    }
    const tallest = Math.max(1, ...layers.map(l => l.length));
    const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * GAP_Y;
    const pos = new Map();
    layers.forEach((ids, l) => {
      const used = ids.length * NODE_H + (ids.length - 1) * GAP_Y;
      const top = PAD + (height - PAD * 2 - used) / 2;
      ids.forEach((id, i) => pos.set(id, {x: PAD + l * (NODE_W + GAP_X), y: top + i * (NODE_H + GAP_Y), layer: l}));
    });
    const width = PAD * 2 + layers.length * NODE_W + Math.max(0, layers.length - 1) * GAP_X;
    return {pos, width, height, layers: layers.length};
  }

  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (parent) parent.appendChild(e);
    return e;
  }

  const FILL = {ready: '#eff6ff', claimed: '#fffbeb', blocked: '#fef2f2', done: '#ecfdf5'};
  const STROKE = {ready: '#2563eb', claimed: '#d97706', blocked: '#dc2626', done: '#059669'};

  function clip(text, n) { return text.length > n ? text.slice(0, n - 1) + '…' : text; }

  /** Draws the graph into the svg element; onPick(id) is called when a node is clicked. */
  function draw(svg, graph, onPick) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const {pos, width, height} = layout(graph.nodes, graph.edges);
    svg.setAttribute('width', Math.max(width, 300));
    svg.setAttribute('height', Math.max(height, 120));
    svg.setAttribute('viewBox', '0 0 ' + Math.max(width, 300) + ' ' + Math.max(height, 120));
    const defs = el('defs', {}, svg);
    const marker = el('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5',
      markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse'}, defs);
    el('path', {d: 'M 0 0 L 10 5 L 0 10 z', fill: '#9ca3af'}, marker);
    const edges = el('g', {class: 'edges'}, svg);
    graph.edges.forEach(e => {
      const a = pos.get(e.to), b = pos.get(e.from);
      if (!a || !b) return;
      const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      el('path', {class: 'edge', 'data-from': e.from, 'data-to': e.to,
        d: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2 - 2} ${y2}`, 'marker-end': 'url(#arrow)'}, edges);
    });
    const nodes = el('g', {class: 'nodes'}, svg);
    graph.nodes.forEach(n => {
      const p = pos.get(n.id);
      const g = el('g', {class: 'node ' + n.status, 'data-id': n.id, transform: `translate(${p.x},${p.y})`}, nodes);
      el('rect', {width: NODE_W, height: NODE_H, rx: 6, fill: FILL[n.status] || '#fff', stroke: STROKE[n.status] || '#999'}, g);
      el('rect', {width: 5, height: NODE_H, rx: 2, fill: STROKE[n.status] || '#999'}, g);
      const id = el('text', {x: 12, y: 17, class: 'nid'}, g);
      id.textContent = clip(n.id, 26) + ' · ' + n.status;
      const t = el('text', {x: 12, y: 35}, g);
      t.textContent = clip(n.title, 27);
      const tip = el('title', {}, g);
      tip.textContent = n.id + ': ' + n.title + ' (' + n.status + ')';
      g.addEventListener('click', () => onPick(n.id));
    });
  }

  global.BacklogGraph = {layout, draw};
})(window);
