import type { Flow, StepPlan } from './plan.js';

/**
 * Loads and compiles every mapping the flows' `map` steps use (and their sub-flows'), so that
 * a wrong mapping file — bad YAML, an unknown key, a JSONata syntax error, a missing message
 * definition — is reported before anything runs, with its file:line:column. `loadFlow` checks
 * that each mapping file exists; this reads them. `ck run` and `ck start` call it after loading.
 * A flow that was not prepared loads its mappings when a `map` step first runs.
 *
 * @throws the first mapping's `MappingError` (a `ConnectorError`, INVALID_CONFIG for a wrong file).
 */
export async function prepareFlows(flows: readonly Flow[]): Promise<void> {
  const seen = new Set<Flow>();
  const loads: Promise<unknown>[] = [];
  const visitFlow = (flow: Flow | undefined): void => {
    if (flow === undefined || seen.has(flow)) return;
    seen.add(flow);
    visitSteps(flow.plan.steps);
  };
  const visitSteps = (steps: readonly StepPlan[]): void => {
    for (const step of steps) {
      switch (step.kind) {
        case 'map':
          loads.push(step.mapping());
          break;
        case 'if':
          visitSteps(step.whenTrue);
          visitSteps(step.whenFalse);
          break;
        case 'switch':
          for (const entry of step.cases) visitSteps(entry.steps);
          visitSteps(step.default);
          break;
        case 'forEach':
          visitSteps(step.steps);
          break;
        case 'parallel':
          for (const branch of step.branches) visitSteps(branch.steps);
          break;
        case 'try':
          visitSteps(step.try);
          visitSteps(step.catch ?? []);
          visitSteps(step.finally ?? []);
          break;
        case 'flow':
          visitFlow(step.target.flow);
          break;
        default:
          break;
      }
    }
  };
  for (const flow of flows) visitFlow(flow);
  await Promise.all(loads);
}
