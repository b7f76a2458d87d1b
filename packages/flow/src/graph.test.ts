import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FlowDefinition } from './definition.js';
import { flowGraph, toMermaid } from './graph.js';
import { loadFlow } from './load.js';
import { layoutGraph, toSvg } from './svg.js';
import { fixture } from './test-support/kit.js';

const small = () =>
  parse(`
name: small
on: { trigger: schedule, config: { cron: "0 * * * *" } }
steps:
  - id: check
    if: "= input.n > 1"
    then:
      - id: big
        call: sample.echo
        with: { text: big }
  - forEach: "= input.items"
    steps:
      - call: sample.put
        with: { key: "= item", text: x }
        onError: continue
  - try:
      - flow: ./other.flow.yaml
    catch:
      - return: "= error.code"
output: "= steps.big.text"
`) as FlowDefinition;

describe('flowGraph', () => {
  it('has a node per step plus start and end, and edges for every path', () => {
    const graph = flowGraph(small());
    expect(graph.nodes.map((node) => [node.shape, node.lines[0]])).toEqual([
      ['terminal', 'on schedule 0 * * * *'],
      ['decision', 'check: if input.n > 1'],
      ['step', 'big: sample.echo'],
      ['loop', 'for each input.items'],
      ['step', 'sample.put'],
      ['step', 'try'],
      ['subflow', 'flow ./other.flow.yaml'],
      ['terminal', 'return error.code'],
      ['terminal', 'end'],
    ]);
    expect(graph.edges.filter((edge) => edge.back === true)).toHaveLength(1);
    expect(graph.edges.filter((edge) => edge.dashed === true).map((edge) => edge.label)).toEqual([
      'on error',
    ]);
    expect(graph.clusters.map((cluster) => cluster.label)).toEqual(['for each item', 'try', 'catch']);
  });
});

describe('toMermaid', () => {
  it('writes a flowchart with shapes, labels, clusters and escaped text', () => {
    expect(toMermaid(small())).toBe(`flowchart TD
  subgraph c1 ["for each item"]
    n5["sample.put<br/>on error: continue"]
  end
  subgraph c2 ["try"]
    n7[["flow ./other.flow.yaml"]]
  end
  subgraph c3 ["catch"]
    n8(["return error.code"])
  end
  n1(["on schedule 0 * * * *"])
  n2{"check: if input.n #gt; 1"}
  n3["big: sample.echo"]
  n4{{"for each input.items"}}
  n6["try"]
  n9(["end<br/>output steps.big.text"])
  n1 --> n2
  n2 -->|"yes"| n3
  n3 --> n4
  n2 -->|"no"| n4
  n4 -->|"item"| n5
  n5 --> n4
  n4 -->|"done"| n6
  n6 --> n7
  n6 -.->|"on error"| n8
  n7 --> n9
  n8 --> n9
`);
  });
});

describe('toSvg', () => {
  const flow = () => loadFlow(fixture('orders.flow.yaml'));

  it('lays every node out without overlaps, inside the picture', () => {
    const layout = layoutGraph(flowGraph(flow()));
    const nodes = [...layout.nodes.values()];
    expect(nodes).toHaveLength(flowGraph(flow()).nodes.length);
    for (const node of nodes) {
      expect(node.x).toBeGreaterThanOrEqual(0);
      expect(node.y).toBeGreaterThanOrEqual(0);
      expect(node.x + node.width).toBeLessThanOrEqual(layout.width);
      expect(node.y + node.height).toBeLessThanOrEqual(layout.height);
    }
    for (const [index, a] of nodes.entries()) {
      for (const b of nodes.slice(index + 1)) {
        const apart =
          a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.lines[0]} overlaps ${b.lines[0]}`).toBe(true);
      }
    }
  });

  it('puts every step below the steps before it', () => {
    const graph = flowGraph(flow());
    const layout = layoutGraph(graph);
    for (const edge of graph.edges.filter((candidate) => candidate.back !== true)) {
      const from = layout.nodes.get(edge.from);
      const to = layout.nodes.get(edge.to);
      expect((from?.y ?? 0) + (from?.height ?? 0)).toBeLessThan(to?.y ?? 0);
    }
  });

  it('draws a well-formed SVG document with a group per node and edge', () => {
    const svg = toSvg(flow());
    const graph = flowGraph(flow());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<g class="node"/g)).toHaveLength(graph.nodes.length);
    expect(svg.match(/<g class="edge"/g)).toHaveLength(graph.edges.length);
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    expect(svg).toContain('if vars.total &gt; 1000');
    const opened = (svg.match(/<(g|svg|defs|marker|title|text)(\s[^>]*)?(?<!\/)>/g) ?? []).length;
    const closed = (svg.match(/<\/(g|svg|defs|marker|title|text)>/g) ?? []).length;
    expect(opened).toBe(closed);
  });
});
