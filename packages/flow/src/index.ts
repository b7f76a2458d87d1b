export {
  type ActionInputs,
  defineFlow,
  type Expressible,
  expr,
  type StepBuilders,
  step,
  stepsFor,
} from './builder.js';
export {
  BUILTIN_TRIGGERS,
  type CallStep,
  type Expression,
  type FlowDefinition,
  type FlowValue,
  type ForEachStep,
  type IfStep,
  type JsonObject,
  type JsonSchemaObject,
  type JsonValue,
  type MapStep,
  type OnError,
  type ParallelStep,
  type RetrySettings,
  type ReturnStep,
  type SetStep,
  STEP_KINDS,
  type Step,
  type StepKind,
  type StepSettings,
  type SubFlowStep,
  type SwitchCase,
  type SwitchStep,
  type TriggerBinding,
  type TryStep,
} from './definition.js';
export {
  createFlowEngine,
  type FlowEngine,
  type FlowEngineOptions,
  type FlowRun,
  type RunFlowOptions,
} from './engine.js';
export {
  FlowError,
  type FlowErrorOptions,
  FlowLoadError,
  type FlowProblem,
  isFlowError,
  problemLocation,
  type SerializedFlowError,
} from './errors.js';
export { compileExpression, parseMarkedString, templateText, toBoolean } from './expression.js';
export {
  type FlowGraph,
  flowGraph,
  type GraphCluster,
  type GraphEdge,
  type GraphNode,
  type NodeShape,
  toMermaid,
} from './graph.js';
export { createFlowLibrary, type FlowLibrary, type FlowLibraryOptions, flowFiles } from './library.js';
export { compileFlow, type LoadFlowOptions, loadFlow, loadFlows, parseFlow } from './load.js';
export type { Flow, TriggerPlan } from './plan.js';
export { prepareFlows } from './prepare.js';
export type { RunRecord, RunStatus, StepRecord, StepStatus } from './run-record.js';
export {
  createFlowRuntime,
  type FlowRuntime,
  type FlowRuntimeOptions,
  type TriggerBindingInfo,
} from './runtime.js';
export { type Clock, type ScheduleEvent, startSchedule, systemClock } from './schedule.js';
export { FLOW_SCHEMA_ID, flowJsonSchema } from './schema.js';
export { type Layout, layoutGraph, toSvg } from './svg.js';
export { fileTriggerState, triggerStateFile } from './trigger-state.js';
