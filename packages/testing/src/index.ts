export {
  CANARY_SECRET,
  CONFORMANCE_CHECK_IDS,
  type ConformanceCall,
  type ConformanceCheck,
  type ConformanceCheckId,
  type ConformanceOptions,
  conformanceChecks,
  describeConformance,
  errorTexts,
} from './conformance.js';
export { failureOf } from './failure.js';
export { printedError, secretForms, secretLeaks } from './secret-leak.js';
