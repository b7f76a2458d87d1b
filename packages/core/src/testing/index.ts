// Test helpers for Connector Kit itself and for connector authors. Not part of the runtime API.
export {
  broken,
  crash,
  echo,
  flaky,
  get,
  put,
  SAMPLE_VALID_TOKEN,
  SampleClient,
  sampleConnection,
  sampleConnector,
  ticks,
  wait,
} from './sample-connector.js';
