import type { FlowDefinition } from './definition.js';
import { type FlowGraph, flowGraph, type GraphCluster, type GraphEdge, type NodeShape } from './graph.js';
import type { Flow } from './plan.js';

/**
 * A layered ("Sugiyama") layout of a flow graph, drawn as SVG without a browser:
 * 1. layers by longest path from the start (loop-back edges left out),
 * 2. long edges broken into dummy points, one per layer they cross,
 * 3. order within layers from a depth-first walk, improved by barycentre sweeps (fewest crossings kept),
 * 4. x by pulling each node towards its neighbours while keeping a minimum gap,
 * 5. clusters (loop bodies, branches, try blocks) framed around their nodes.
 */

const FONT_SIZE = 12;
const CHARACTER_WIDTH = 7.2;
const LINE_HEIGHT = 16;
const NODE_GAP = 28;
const LAYER_GAP = 46;
const MARGIN = 28;

export interface PlacedNode {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly layer: number;
  readonly shape: NodeShape | 'dummy';
  readonly lines: readonly string[];
}

export interface PlacedEdge {
  readonly edge: GraphEdge;
  /** The points the edge passes (centres of its dummies), source and target excluded. */
  readonly via: readonly { readonly x: number; readonly y: number }[];
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  /** Graph nodes (dummies left out), by id; x/y are the top-left corner. */
  readonly nodes: ReadonlyMap<string, PlacedNode>;
  readonly edges: readonly PlacedEdge[];
  readonly clusters: readonly { readonly cluster: GraphCluster; readonly depth: number; readonly box: Box }[];
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface LayoutNode {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly shape: NodeShape | 'dummy';
  readonly lines: readonly string[];
  layer: number;
  order: number;
  /** Centre x. */
  x: number;
}

/** Lays a flow graph out in layers. */
export function layoutGraph(graph: FlowGraph): Layout {
  const nodes = new Map<string, LayoutNode>();
  for (const node of graph.nodes) {
    const [width, height] = nodeSize(node.lines, node.shape);
    nodes.set(node.id, {
      id: node.id,
      width,
      height,
      shape: node.shape,
      lines: node.lines,
      layer: 0,
      order: 0,
      x: 0,
    });
  }
  const forward = graph.edges.filter(
    (edge) => edge.back !== true && nodes.has(edge.from) && nodes.has(edge.to),
  );
  assignLayers(nodes, forward);

  // Long edges get a dummy per crossed layer, so that layers only connect to their neighbours.
  const links: [string, string][] = [];
  const chains = new Map<GraphEdge, string[]>();
  let dummies = 0;
  for (const edge of forward) {
    const from = nodes.get(edge.from) as LayoutNode;
    const to = nodes.get(edge.to) as LayoutNode;
    const chain: string[] = [];
    let previous = from.id;
    for (let layer = from.layer + 1; layer < to.layer; layer++) {
      const id = `dummy${++dummies}`;
      nodes.set(id, { id, width: 8, height: 8, shape: 'dummy', lines: [], layer, order: 0, x: 0 });
      links.push([previous, id]);
      chain.push(id);
      previous = id;
    }
    links.push([previous, to.id]);
    chains.set(edge, chain);
  }

  const layers = orderLayers(nodes, links, graph.nodes[0]?.id);
  placeHorizontally(layers, links, nodes);

  // y: every layer as tall as its tallest node.
  const layerTop: number[] = [];
  let top = MARGIN + 18;
  for (const layer of layers) {
    layerTop.push(top);
    top += Math.max(...layer.map((node) => node.height)) + LAYER_GAP;
  }
  const minX = Math.min(...[...nodes.values()].map((node) => node.x - node.width / 2));
  const backRoom = graph.edges.some((edge) => edge.back === true) ? 30 : 0;
  const shift = MARGIN + backRoom + clusterPadding(graph.clusters) - minX;
  const placed = new Map<string, PlacedNode>();
  const centre = (node: LayoutNode) => ({
    x: node.x + shift,
    y: (layerTop[node.layer] ?? 0) + Math.max(...(layers[node.layer] ?? []).map((other) => other.height)) / 2,
  });
  for (const node of nodes.values()) {
    if (node.shape === 'dummy') continue;
    const { x, y } = centre(node);
    placed.set(node.id, {
      id: node.id,
      x: x - node.width / 2,
      y: y - node.height / 2,
      width: node.width,
      height: node.height,
      layer: node.layer,
      shape: node.shape,
      lines: node.lines,
    });
  }
  const edges: PlacedEdge[] = graph.edges
    .filter((edge) => placed.has(edge.from) && placed.has(edge.to))
    .map((edge) => ({
      edge,
      via: (chains.get(edge) ?? []).map((id) => centre(nodes.get(id) as LayoutNode)),
    }));
  const clusters = clusterBoxes(graph.clusters, placed, 0);
  const right = Math.max(
    ...[...placed.values()].map((node) => node.x + node.width),
    ...clusters.map((entry) => entry.box.x + entry.box.width),
  );
  const bottom = Math.max(
    ...[...placed.values()].map((node) => node.y + node.height),
    ...clusters.map((entry) => entry.box.y + entry.box.height),
  );
  return {
    width: Math.ceil(right + MARGIN + backRoom),
    height: Math.ceil(bottom + MARGIN),
    nodes: placed,
    edges,
    clusters,
  };
}

function nodeSize(lines: readonly string[], shape: NodeShape): [number, number] {
  const textWidth = Math.max(...lines.map((line) => line.length), 4) * CHARACTER_WIDTH;
  const textHeight = lines.length * LINE_HEIGHT;
  switch (shape) {
    case 'decision':
      return [Math.max(120, textWidth * 1.25 + 40), textHeight + 34];
    case 'loop':
      return [Math.max(120, textWidth + 48), textHeight + 18];
    case 'fork':
      return [Math.max(90, textWidth + 30), Math.max(28, textHeight + 10)];
    case 'terminal':
      return [Math.max(90, textWidth + 36), textHeight + 16];
    case 'subflow':
      return [Math.max(110, textWidth + 44), textHeight + 18];
    default:
      return [Math.max(110, textWidth + 28), textHeight + 18];
  }
}

/** Longest path from the sources, in topological order. */
function assignLayers(nodes: Map<string, LayoutNode>, edges: readonly GraphEdge[]): void {
  const incoming = new Map<string, number>();
  const outgoing = new Map<string, string[]>();
  for (const id of nodes.keys()) {
    incoming.set(id, 0);
    outgoing.set(id, []);
  }
  for (const edge of edges) {
    incoming.set(edge.to, (incoming.get(edge.to) ?? 0) + 1);
    outgoing.get(edge.from)?.push(edge.to);
  }
  const queue = [...nodes.keys()].filter((id) => incoming.get(id) === 0);
  for (let index = 0; index < queue.length; index++) {
    const id = queue[index] as string;
    const node = nodes.get(id) as LayoutNode;
    for (const next of outgoing.get(id) ?? []) {
      const target = nodes.get(next) as LayoutNode;
      target.layer = Math.max(target.layer, node.layer + 1);
      const remaining = (incoming.get(next) ?? 1) - 1;
      incoming.set(next, remaining);
      if (remaining === 0) queue.push(next);
    }
  }
}

/** Orders every layer: depth-first order first, then barycentre sweeps, keeping the order with fewest crossings. */
function orderLayers(
  nodes: Map<string, LayoutNode>,
  links: readonly [string, string][],
  start: string | undefined,
): LayoutNode[][] {
  const down = new Map<string, string[]>();
  const up = new Map<string, string[]>();
  for (const [from, to] of links) {
    down.set(from, [...(down.get(from) ?? []), to]);
    up.set(to, [...(up.get(to) ?? []), from]);
  }
  const visited: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    visited.push(id);
    for (const next of down.get(id) ?? []) visit(next);
  };
  if (start !== undefined) visit(start);
  for (const id of nodes.keys()) visit(id);
  const rank = new Map(visited.map((id, index) => [id, index]));
  const depth = Math.max(0, ...[...nodes.values()].map((node) => node.layer)) + 1;
  let layers: LayoutNode[][] = Array.from({ length: depth }, () => []);
  for (const node of [...nodes.values()].sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0))) {
    layers[node.layer]?.push(node);
  }
  const number = (ordered: LayoutNode[][]): void => {
    for (const layer of ordered) for (const [index, node] of layer.entries()) node.order = index;
  };
  number(layers);
  let best = layers.map((layer) => [...layer]);
  let bestCrossings = crossings(layers, links, nodes);
  for (let sweep = 0; sweep < 8 && bestCrossings > 0; sweep++) {
    const downward = sweep % 2 === 0;
    const range = downward ? [...layers.keys()].slice(1) : [...layers.keys()].reverse().slice(1);
    for (const index of range) {
      const layer = layers[index] as LayoutNode[];
      const neighbours = downward ? up : down;
      const weight = (node: LayoutNode): number => {
        const adjacent = (neighbours.get(node.id) ?? []).map((id) => nodes.get(id)?.order ?? 0);
        return adjacent.length === 0
          ? node.order
          : adjacent.reduce((sum, value) => sum + value, 0) / adjacent.length;
      };
      const sorted = [...layer].sort((a, b) => weight(a) - weight(b) || a.order - b.order);
      layers = layers.map((entry, position) => (position === index ? sorted : entry));
      number(layers);
    }
    const count = crossings(layers, links, nodes);
    if (count < bestCrossings) {
      bestCrossings = count;
      best = layers.map((layer) => [...layer]);
    }
  }
  number(best);
  return best;
}

function crossings(
  layers: readonly LayoutNode[][],
  links: readonly [string, string][],
  nodes: Map<string, LayoutNode>,
): number {
  let count = 0;
  const byLayer = new Map<number, [number, number][]>();
  for (const [from, to] of links) {
    const a = nodes.get(from) as LayoutNode;
    const b = nodes.get(to) as LayoutNode;
    byLayer.set(a.layer, [...(byLayer.get(a.layer) ?? []), [a.order, b.order]]);
  }
  for (const segments of byLayer.values()) {
    for (let i = 0; i < segments.length; i++) {
      for (let j = i + 1; j < segments.length; j++) {
        const [a1, b1] = segments[i] as [number, number];
        const [a2, b2] = segments[j] as [number, number];
        if ((a1 - a2) * (b1 - b2) < 0) count++;
      }
    }
  }
  return layers.length === 0 ? 0 : count;
}

/** Centres each node under or over its neighbours, keeping the order and a minimum gap. */
function placeHorizontally(
  layers: LayoutNode[][],
  links: readonly [string, string][],
  nodes: Map<string, LayoutNode>,
): void {
  const down = new Map<string, string[]>();
  const up = new Map<string, string[]>();
  for (const [from, to] of links) {
    down.set(from, [...(down.get(from) ?? []), to]);
    up.set(to, [...(up.get(to) ?? []), from]);
  }
  for (const layer of layers) {
    let left = 0;
    for (const node of layer) {
      node.x = left + node.width / 2;
      left += node.width + NODE_GAP;
    }
  }
  for (let sweep = 0; sweep < 6; sweep++) {
    const downward = sweep % 2 === 0;
    const order = downward ? layers : [...layers].reverse();
    for (const layer of order) {
      const neighbours = downward ? up : down;
      const desired = layer.map((node) => {
        const adjacent = (neighbours.get(node.id) ?? []).map((id) => (nodes.get(id) as LayoutNode).x);
        return adjacent.length === 0
          ? node.x
          : adjacent.reduce((sum, value) => sum + value, 0) / adjacent.length;
      });
      settle(layer, desired);
    }
  }
}

/** Puts nodes as close to their desired centres as the order and the gaps allow. */
function settle(layer: LayoutNode[], desired: readonly number[]): void {
  for (const [index, node] of layer.entries()) node.x = desired[index] ?? node.x;
  for (let index = 1; index < layer.length; index++) {
    const previous = layer[index - 1] as LayoutNode;
    const node = layer[index] as LayoutNode;
    const minimum = previous.x + previous.width / 2 + NODE_GAP + node.width / 2;
    if (node.x < minimum) node.x = minimum;
  }
  // The push went right only: share the shift so that the row stays centred on its wishes.
  const drift =
    layer.reduce((sum, node, index) => sum + node.x - (desired[index] ?? node.x), 0) /
    Math.max(1, layer.length);
  for (const node of layer) node.x -= drift;
}

function clusterPadding(clusters: readonly GraphCluster[], depth = 1): number {
  return clusters.length === 0
    ? 0
    : Math.max(...clusters.map((cluster) => 12 + clusterPadding(cluster.clusters, depth + 1)));
}

function clusterBoxes(
  clusters: readonly GraphCluster[],
  placed: ReadonlyMap<string, PlacedNode>,
  depth: number,
): { cluster: GraphCluster; depth: number; box: Box }[] {
  const result: { cluster: GraphCluster; depth: number; box: Box }[] = [];
  for (const cluster of clusters) {
    const inner = clusterBoxes(cluster.clusters, placed, depth + 1);
    const boxes: Box[] = [
      ...cluster.nodes.flatMap((id) => {
        const node = placed.get(id);
        return node === undefined ? [] : [node];
      }),
      ...inner.filter((entry) => entry.depth === depth + 1).map((entry) => entry.box),
    ];
    if (boxes.length > 0) {
      const left = Math.min(...boxes.map((box) => box.x)) - 12;
      const topEdge = Math.min(...boxes.map((box) => box.y)) - 20;
      // Wide enough for its label too.
      const right = Math.max(
        Math.max(...boxes.map((box) => box.x + box.width)) + 12,
        left + cluster.label.length * 6.6 + 20,
      );
      const bottom = Math.max(...boxes.map((box) => box.y + box.height)) + 10;
      result.push({
        cluster,
        depth,
        box: { x: left, y: topEdge, width: right - left, height: bottom - topEdge },
      });
    }
    result.push(...inner);
  }
  return result;
}

// ---------------------------------------------------------------- drawing

/**
 * The flow as a standalone SVG image: its own layered layout, no browser needed.
 *
 * @example
 * writeFileSync('orders.svg', toSvg(flow));
 */
export function toSvg(flow: Flow | FlowDefinition): string {
  const graph = flowGraph(flow);
  const layout = layoutGraph(graph);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(graph.title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="${MARGIN}" font-size="14" font-weight="bold" fill="#222">${escapeXml(graph.title)}</text>`,
  ];
  const fill = (depth: number): string => (depth % 2 === 0 ? '#f4f6fb' : '#eaeef7');
  for (const { depth, box } of layout.clusters) {
    parts.push(
      `<rect class="cluster" x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}" rx="8" fill="${fill(depth)}" stroke="#c3cbe0" stroke-dasharray="4 3"/>`,
    );
  }
  for (const placed of layout.edges) parts.push(drawEdge(placed, layout));
  // Cluster labels over the edges, on a patch of the frame's colour, so that an entering edge does not cross the text.
  for (const { cluster, depth, box } of layout.clusters) {
    const width = cluster.label.length * 6.6 + 6;
    parts.push(
      `<g class="cluster-label"><rect x="${n(box.x + 5)}" y="${n(box.y + 3)}" width="${n(width)}" height="14" fill="${fill(depth)}"/>` +
        `<text x="${n(box.x + 8)}" y="${n(box.y + 13)}" fill="#5b6785" font-size="11">${escapeXml(cluster.label)}</text></g>`,
    );
  }
  for (const node of layout.nodes.values()) parts.push(drawNode(node));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function drawNode(node: PlacedNode): string {
  const { x, y, width, height } = node;
  const cx = x + width / 2;
  const cy = y + height / 2;
  let shape: string;
  switch (node.shape) {
    case 'decision':
      shape = `<polygon points="${n(cx)},${n(y)} ${n(x + width)},${n(cy)} ${n(cx)},${n(y + height)} ${n(x)},${n(cy)}" fill="#fff7e0" stroke="#d6a419"/>`;
      break;
    case 'loop': {
      const inset = 14;
      shape = `<polygon points="${n(x + inset)},${n(y)} ${n(x + width - inset)},${n(y)} ${n(x + width)},${n(cy)} ${n(x + width - inset)},${n(y + height)} ${n(x + inset)},${n(y + height)} ${n(x)},${n(cy)}" fill="#e8f5ec" stroke="#3f9a5b"/>`;
      break;
    }
    case 'fork':
      shape = `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="4" fill="#efe8f8" stroke="#7c5cb8"/>`;
      break;
    case 'terminal':
      shape = `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="${n(height / 2)}" fill="#e9eef6" stroke="#55657f"/>`;
      break;
    case 'subflow':
      shape =
        `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="3" fill="#ffffff" stroke="#2f6db5"/>` +
        `<line x1="${n(x + 8)}" y1="${n(y)}" x2="${n(x + 8)}" y2="${n(y + height)}" stroke="#2f6db5"/>` +
        `<line x1="${n(x + width - 8)}" y1="${n(y)}" x2="${n(x + width - 8)}" y2="${n(y + height)}" stroke="#2f6db5"/>`;
      break;
    default:
      shape = `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="5" fill="#ffffff" stroke="#2f6db5"/>`;
  }
  const firstBaseline = cy - ((node.lines.length - 1) * LINE_HEIGHT) / 2 + FONT_SIZE / 3;
  const text = node.lines
    .map(
      (line, index) =>
        `<text x="${n(cx)}" y="${n(firstBaseline + index * LINE_HEIGHT)}" text-anchor="middle" fill="${index === 0 ? '#1d2433' : '#5b6785'}">${escapeXml(line)}</text>`,
    )
    .join('');
  return `<g class="node" id="${node.id}">${shape}${text}</g>`;
}

function drawEdge(placed: PlacedEdge, layout: Layout): string {
  const { edge } = placed;
  const from = layout.nodes.get(edge.from) as PlacedNode;
  const to = layout.nodes.get(edge.to) as PlacedNode;
  const style = `fill="none" stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"${edge.dashed === true ? ' stroke-dasharray="5 4"' : ''}`;
  let path: string;
  let labelAt: { x: number; y: number };
  if (edge.back === true) {
    // Out of the bottom, round the outer side (the side the loop body lies on), into the loop node's side.
    const left = from.x + from.width / 2 < to.x + to.width / 2;
    const startX = from.x + from.width / 2;
    const startY = from.y + from.height;
    const endX = left ? to.x : to.x + to.width;
    const endY = to.y + to.height / 2;
    const side = left ? Math.min(from.x, to.x) - 22 : Math.max(from.x + from.width, to.x + to.width) + 22;
    path = `M${n(startX)},${n(startY)} C${n(startX)},${n(startY + 22)} ${n(side)},${n(startY + 22)} ${n(side)},${n(startY)} L${n(side)},${n(endY)} L${n(left ? endX - 2 : endX + 2)},${n(endY)}`;
    labelAt = { x: side + 4, y: (startY + endY) / 2 };
  } else {
    const points = [
      { x: from.x + from.width / 2, y: from.y + from.height },
      ...placed.via,
      { x: to.x + to.width / 2, y: to.y },
    ];
    path = `M${n((points[0] as { x: number }).x)},${n((points[0] as { y: number }).y)}`;
    for (let index = 1; index < points.length; index++) {
      const a = points[index - 1] as { x: number; y: number };
      const b = points[index] as { x: number; y: number };
      const middle = (a.y + b.y) / 2;
      path += ` C${n(a.x)},${n(middle)} ${n(b.x)},${n(middle)} ${n(b.x)},${n(b.y)}`;
    }
    const first = points[0] as { x: number; y: number };
    const second = points[1] as { x: number; y: number };
    labelAt = { x: (first.x + second.x) / 2 + 4, y: first.y + Math.min(18, (second.y - first.y) / 2) };
  }
  const label =
    edge.label === undefined
      ? ''
      : `<text x="${n(labelAt.x)}" y="${n(labelAt.y)}" fill="#7a4b00" font-size="11">${escapeXml(edge.label)}</text>`;
  return `<g class="edge"><path d="${path}" ${style}/>${label}</g>`;
}

function n(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 10) / 10) : '0';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
