// A small SVG drawing of a neighbourhood: a citation chain in layers (depth 0 at the left), or a star around
// one entity. No library: the graphs drawn here have at most a few dozen nodes. Every node is a link to its page,
// reachable by keyboard, with its full label for screen readers; the page lists the same facts as text too.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const NODE_R = 9;
  const LABEL_CHARS = 26;
  const RELATION_WORDS = {
    based_on: "căn cứ", cites: "trích dẫn", applies: "thực hiện", amends: "sửa đổi", realizes: "là văn bản",
    lead: "chủ trì", cooperating: "phối hợp", directed_by: "chỉ đạo", recipient: "nhận", collaborates: "cùng làm",
  };

  function make(tag, attributes, parent) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    if (parent) parent.appendChild(node);
    return node;
  }

  function shortLabel(label) {
    return label.length > LABEL_CHARS ? label.slice(0, LABEL_CHARS - 1) + "…" : label;
  }

  // Columns by depth, rows in order of appearance within a column.
  function layers(nodes, width) {
    const columns = new Map();
    for (const node of nodes) {
      const depth = node.depth || 0;
      if (!columns.has(depth)) columns.set(depth, []);
      columns.get(depth).push(node);
    }
    const depths = [...columns.keys()].sort((a, b) => a - b);
    const rowHeight = 46;
    const tallest = Math.max(...depths.map((d) => columns.get(d).length));
    const height = Math.max(120, tallest * rowHeight + 40);
    const step = depths.length > 1 ? (width - 220) / (depths.length - 1) : 0;
    const places = new Map();
    depths.forEach((depth, column) => {
      const members = columns.get(depth);
      const top = (height - members.length * rowHeight) / 2 + rowHeight / 2;
      members.forEach((node, row) => places.set(node.iri, { x: 40 + column * step, y: top + row * rowHeight }));
    });
    return { places, height };
  }

  // The first node in the middle, the others on a circle around it.
  function star(nodes, width) {
    const height = 360;
    const places = new Map();
    const [center, ...others] = nodes;
    const cx = width / 2;
    const cy = height / 2;
    places.set(center.iri, { x: cx, y: cy });
    const radius = Math.min(width / 2 - 130, height / 2 - 30);
    others.forEach((node, index) => {
      const angle = (2 * Math.PI * index) / Math.max(1, others.length) - Math.PI / 2;
      places.set(node.iri, { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) });
    });
    return { places, height };
  }

  function drawEdges(svg, edges, places) {
    const group = make("g", { class: "edges" }, svg);
    for (const edge of edges) {
      const from = places.get(edge.source);
      const to = places.get(edge.target);
      if (!from || !to) continue;
      const line = make("line", { x1: from.x, y1: from.y, x2: to.x, y2: to.y, class: `edge edge-${edge.relation}`,
        "marker-end": "url(#arrow)" }, group);
      make("title", {}, line).textContent = RELATION_WORDS[edge.relation] || edge.relation;
    }
  }

  // Labels sit beside their node, away from the centre of a star (left of nodes on its left), and under the
  // root of a star, so that no label runs over the lines.
  function labelPlace(place, index, center) {
    if (center && index === 0) return { x: place.x, y: place.y + NODE_R + 18, anchor: "middle" };
    if (center && place.x < center.x - 1) return { x: place.x - NODE_R - 5, y: place.y + 4, anchor: "end" };
    return { x: place.x + NODE_R + 5, y: place.y + 4, anchor: "start" };
  }

  function drawNodes(svg, nodes, places, isStar) {
    const group = make("g", { class: "nodes" }, svg);
    const center = isStar ? places.get(nodes[0].iri) : null;
    nodes.forEach((node, index) => {
      const place = places.get(node.iri);
      const link = make("a", { href: node.href || "#", class: `node node-${node.kind}${index === 0 ? " node-root" : ""}`,
        "aria-label": `${node.label} (${node.kind})`, "data-nav": "" }, group);
      make("title", {}, link).textContent = node.label;
      make("circle", { cx: place.x, cy: place.y, r: index === 0 ? NODE_R + 3 : NODE_R }, link);
      const label = labelPlace(place, index, center);
      const text = make("text", { x: label.x, y: label.y, "text-anchor": label.anchor }, link);
      text.textContent = shortLabel(node.label);
    });
  }

  function arrowHead(svg) {
    const defs = make("defs", {}, svg);
    const marker = make("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 19, refY: 5, markerWidth: 7,
      markerHeight: 7, orient: "auto-start-reverse" }, defs);
    make("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow" }, marker);
  }

  // graph: {nodes: [{iri, label, kind, href, depth}], edges: [{source, target, relation}]}
  function draw(container, graph, options) {
    container.replaceChildren();
    if (!graph || !graph.nodes || graph.nodes.length < 2) return;
    const width = 760;
    const isStar = (options && options.layout) === "star";
    const layout = isStar ? star(graph.nodes, width) : layers(graph.nodes, width);
    const svg = make("svg", { viewBox: `0 0 ${width} ${layout.height}`, class: "graph", role: "group",
      "aria-label": (options && options.label) || "Sơ đồ liên kết" });
    arrowHead(svg);
    drawEdges(svg, graph.edges, layout.places);
    drawNodes(svg, graph.nodes, layout.places, isStar);
    container.appendChild(svg);
  }

  window.PlangraphGraph = { draw, RELATION_WORDS };
})();
