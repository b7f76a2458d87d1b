import type { FlowDefinition, StepKind, TriggerBinding } from './definition.js';
import { STEP_KINDS } from './definition.js';
import type { Flow } from './plan.js';
import { nestedStepLists } from './structure.js';

/** The shape a node is drawn with. */
export type NodeShape = 'terminal' | 'step' | 'decision' | 'loop' | 'fork' | 'subflow';

export interface GraphNode {
  readonly id: string;
  /** Lines of text. */
  readonly lines: readonly string[];
  readonly shape: NodeShape;
  /** The step id, for step nodes. */
  readonly step?: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  /** An error path (catch). */
  readonly dashed?: boolean;
  /** Goes back up (the end of a loop body to its loop). */
  readonly back?: boolean;
}

/** A group of nodes drawn in a frame: a loop body, a parallel branch, a try block. */
export interface GraphCluster {
  readonly id: string;
  readonly label: string;
  readonly nodes: readonly string[];
  readonly clusters: readonly GraphCluster[];
}

/** A flow as nodes, edges and clusters — what `ck graph` draws, as Mermaid or as SVG. */
export interface FlowGraph {
  readonly title: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly clusters: readonly GraphCluster[];
}

const MAX_TEXT = 42;

/** Builds the graph of a flow: start (with its triggers), every step, end. */
export function flowGraph(flow: Flow | FlowDefinition): FlowGraph {
  const definition = 'plan' in flow ? flow.definition : flow;
  return new GraphBuilder(definition).build();
}

interface Exit {
  readonly node: string;
  readonly label?: string;
  readonly dashed?: boolean;
}

class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly rootClusters: GraphCluster[] = [];
  private clusterStack: { id: string; label: string; nodes: string[]; clusters: GraphCluster[] }[] = [];
  private counter = 0;
  private clusterCounter = 0;
  private stepNumber = 0;
  private readonly returns: string[] = [];

  constructor(private readonly definition: FlowDefinition) {}

  build(): FlowGraph {
    const triggers = triggerLabels(this.definition.on);
    const start = this.node(
      triggers.length === 0 ? ['start'] : triggers.map((trigger) => `on ${trigger}`),
      'terminal',
    );
    const exits = this.sequence(Array.isArray(this.definition.steps) ? this.definition.steps : [], [
      { node: start },
    ]);
    const output = this.definition.output;
    const end = this.node(output === undefined ? ['end'] : ['end', `output ${text(output)}`], 'terminal');
    this.connect(exits, end);
    for (const node of this.returns) this.edges.push({ from: node, to: end });
    return {
      title: typeof this.definition.name === 'string' ? this.definition.name : 'flow',
      nodes: this.nodes,
      edges: this.edges,
      clusters: this.rootClusters,
    };
  }

  private node(lines: readonly string[], shape: NodeShape, step?: string): string {
    const id = `n${++this.counter}`;
    this.nodes.push({ id, lines, shape, ...(step === undefined ? {} : { step }) });
    this.clusterStack[this.clusterStack.length - 1]?.nodes.push(id);
    return id;
  }

  private connect(exits: readonly Exit[], to: string): void {
    for (const exit of exits) {
      this.edges.push({
        from: exit.node,
        to,
        ...(exit.label === undefined ? {} : { label: exit.label }),
        ...(exit.dashed === true ? { dashed: true } : {}),
      });
    }
  }

  private cluster<T>(label: string, work: () => T): T {
    const cluster = {
      id: `c${++this.clusterCounter}`,
      label,
      nodes: [] as string[],
      clusters: [] as GraphCluster[],
    };
    const parent = this.clusterStack[this.clusterStack.length - 1];
    (parent === undefined ? this.rootClusters : parent.clusters).push(cluster);
    this.clusterStack = [...this.clusterStack, cluster];
    try {
      return work();
    } finally {
      this.clusterStack = this.clusterStack.slice(0, -1);
    }
  }

  /** Lays a list of steps after `entries`; returns the exits of its last step. */
  private sequence(steps: readonly unknown[], entries: readonly Exit[]): Exit[] {
    let exits = [...entries];
    for (const step of steps) exits = this.step(step, exits);
    return exits;
  }

  private step(raw: unknown, entries: readonly Exit[]): Exit[] {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [...entries];
    const step = raw as Record<string, unknown>;
    const kind = STEP_KINDS.find((candidate) => Object.hasOwn(step, candidate)) as StepKind | undefined;
    const number = ++this.stepNumber;
    if (kind === undefined) return [...entries];
    const id = typeof step.id === 'string' ? step.id : `${kind}-${number}`;
    // Generated ids (`call-3`) say little: only written ids are shown.
    const named = (line: string): string => (typeof step.id === 'string' ? `${id}: ${line}` : line);
    const settings = [
      step.retry === undefined ? undefined : `retry ×${(step.retry as { attempts?: unknown }).attempts}`,
      step.timeout === undefined ? undefined : `timeout ${step.timeout} ms`,
      step.onError === 'continue' ? 'on error: continue' : undefined,
    ].filter((line) => line !== undefined);
    const lists = nestedStepLists(step);
    const list = (label: string): readonly unknown[] =>
      lists.find((entry) => entry.label === label)?.steps ?? [];
    switch (kind) {
      case 'call':
      case 'set':
      case 'map':
      case 'flow':
      case 'return': {
        const first =
          kind === 'call'
            ? named(String(step.call))
            : kind === 'set'
              ? named(`set ${Object.keys((step.set ?? {}) as object).join(', ')}`)
              : kind === 'map'
                ? named(mapLabel(step.map))
                : kind === 'flow'
                  ? named(`flow ${String(step.flow)}`)
                  : named(`return ${text(step.return)}`);
        const node = this.node(
          [first, ...settings],
          kind === 'flow' ? 'subflow' : kind === 'return' ? 'terminal' : 'step',
          id,
        );
        this.connect(entries, node);
        if (kind === 'return') {
          this.returns.push(node);
          return [];
        }
        return [{ node }];
      }
      case 'if': {
        const node = this.node([named(`if ${text(step.if)}`), ...settings], 'decision', id);
        this.connect(entries, node);
        const then = this.branch(list('then'), node, 'yes');
        const otherwise = this.branch(list('else'), node, 'no');
        return [...then, ...otherwise];
      }
      case 'switch': {
        const node = this.node([named(`switch ${text(step.switch)}`), ...settings], 'decision', id);
        this.connect(entries, node);
        const cases = Array.isArray(step.cases) ? (step.cases as { when?: unknown }[]) : [];
        const exits = cases.flatMap((entry, index) =>
          this.branch(list(`case ${index + 1}`), node, `= ${text(entry?.when)}`),
        );
        return [...exits, ...this.branch(list('default'), node, 'default')];
      }
      case 'forEach': {
        const concurrency =
          typeof step.concurrency === 'number' && step.concurrency > 1
            ? ` (${step.concurrency} at once)`
            : '';
        const node = this.node(
          [named(`for each ${text(step.forEach)}${concurrency}`), ...settings],
          'loop',
          id,
        );
        this.connect(entries, node);
        const exits = this.cluster(`for each${typeof step.as === 'string' ? ` ${step.as}` : ' item'}`, () =>
          this.sequence(list('steps'), [{ node, label: 'item' }]),
        );
        for (const exit of exits) {
          this.edges.push({
            from: exit.node,
            to: node,
            back: true,
            ...(exit.label === undefined ? {} : { label: exit.label }),
          });
        }
        return [{ node, label: 'done' }];
      }
      case 'parallel': {
        const fork = this.node([named('parallel'), ...settings], 'fork', id);
        this.connect(entries, fork);
        const branches = lists.filter((entry) => entry.path[0] === 'parallel');
        const exits = branches.flatMap((branch) =>
          this.cluster(branch.label, () =>
            this.sequence(branch.steps, [{ node: fork, label: branch.label }]),
          ),
        );
        const join = this.node(['join'], 'fork');
        this.connect(exits, join);
        return [{ node: join }];
      }
      case 'try': {
        const node = this.node([named('try'), ...settings], 'step', id);
        this.connect(entries, node);
        const tried = this.cluster('try', () => this.sequence(list('try'), [{ node }]));
        const caught =
          step.catch === undefined
            ? []
            : this.cluster('catch', () =>
                this.sequence(list('catch'), [{ node, label: 'on error', dashed: true }]),
              );
        const after = [...tried, ...caught];
        if (step.finally === undefined) return after;
        return this.cluster('finally', () => this.sequence(list('finally'), after));
      }
    }
  }

  /** A branch of a decision: its steps' exits, or the decision itself (labelled) when the branch is empty. */
  private branch(steps: readonly unknown[], from: string, label: string): Exit[] {
    if (steps.length === 0) return [{ node: from, label }];
    return this.sequence(steps, [{ node: from, label }]);
  }
}

function triggerLabels(on: FlowDefinition['on']): string[] {
  if (on === undefined) return [];
  const entries = Array.isArray(on) ? on : [on];
  return entries.map((entry: string | TriggerBinding) => {
    if (typeof entry === 'string') return entry;
    const cron = entry.trigger === 'schedule' ? entry.config?.cron : undefined;
    return typeof cron === 'string' ? `schedule ${cron}` : entry.trigger;
  });
}

/** A short, one-line rendering of a value or expression. */
function text(value: unknown): string {
  const raw =
    typeof value === 'string'
      ? value.replace(/^=\s*/, '')
      : Array.isArray(value)
        ? `[${value.length} item${value.length === 1 ? '' : 's'}]`
        : value !== null && typeof value === 'object'
          ? `{ ${Object.keys(value).join(', ')} }`
          : (JSON.stringify(value) ?? '');
  const single = raw.replace(/\s+/g, ' ').trim();
  return single.length > MAX_TEXT ? `${single.slice(0, MAX_TEXT - 1)}…` : single;
}

// ---------------------------------------------------------------- Mermaid

/**
 * The flow as a Mermaid flowchart (renders on GitHub, in docs and in the Mermaid live editor).
 *
 * @example
 * writeFileSync('orders.mmd', toMermaid(flow));
 */
export function toMermaid(flow: Flow | FlowDefinition): string {
  const graph = flowGraph(flow);
  const lines = ['flowchart TD'];
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const placed = new Set<string>();
  const declare = (id: string, indent: string): void => {
    const node = byId.get(id);
    if (node === undefined || placed.has(id)) return;
    placed.add(id);
    const label = `"${node.lines.map(mermaidText).join('<br/>')}"`;
    const [open, close] = MERMAID_SHAPES[node.shape];
    lines.push(`${indent}${id}${open}${label}${close}`);
  };
  const cluster = (entry: GraphCluster, indent: string): void => {
    lines.push(`${indent}subgraph ${entry.id} ["${mermaidText(entry.label)}"]`);
    for (const child of entry.clusters) cluster(child, `${indent}  `);
    for (const id of entry.nodes) declare(id, `${indent}  `);
    lines.push(`${indent}end`);
  };
  for (const entry of graph.clusters) cluster(entry, '  ');
  for (const node of graph.nodes) declare(node.id, '  ');
  for (const edge of graph.edges) {
    const arrow = edge.dashed === true ? '-.->' : '-->';
    const label = edge.label === undefined ? '' : `|"${mermaidText(edge.label)}"|`;
    lines.push(`  ${edge.from} ${arrow}${label} ${edge.to}`);
  }
  return `${lines.join('\n')}\n`;
}

const MERMAID_SHAPES: Readonly<Record<NodeShape, readonly [string, string]>> = {
  terminal: ['([', '])'],
  step: ['[', ']'],
  decision: ['{', '}'],
  loop: ['{{', '}}'],
  fork: ['[/', '\\]'],
  subflow: ['[[', ']]'],
};

function mermaidText(value: string): string {
  return value.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function mapLabel(spec: unknown): string {
  const { mapping, direction } = (spec ?? {}) as { mapping?: unknown; direction?: unknown };
  return `map ${String(mapping)}${direction === 'export' ? ' (export)' : ''}`;
}
