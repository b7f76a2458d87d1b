export {
  CANARY_SECRET,
  type ConformanceCall,
  type ConformanceOptions,
  describeConformance,
  errorTexts,
} from './conformance.js';
