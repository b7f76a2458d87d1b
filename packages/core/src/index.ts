export { type Static, type TSchema, Type } from '@sinclair/typebox';
export {
  CONFIG_FILE_NAMES,
  findConfigFile,
  type LoadConfigOptions,
  loadConfig,
  type ProjectConfig,
  validateConnections,
} from './config.js';
export {
  type ActionContext,
  type ActionDefinition,
  type ActionExample,
  type ActionInput,
  type ActionOn,
  type ActionOutput,
  type AnyActionDefinition,
  type AnyConnectionDefinition,
  type AnyConnectorDefinition,
  type AnyTriggerDefinition,
  actionsOn,
  CONTRACT_VERSION,
  type ConnectContext,
  type ConnectionDefinition,
  type ConnectorDefinition,
  type ContractVersion,
  type DeliveryGuarantee,
  defineAction,
  defineConnection,
  defineConnector,
  defineTrigger,
  type StopTrigger,
  SUPPORTED_CONTRACTS,
  type TriggerContext,
  type TriggerDefinition,
  type TriggerState,
} from './define.js';
export {
  discoverConnectors,
  MANIFEST_FILE,
  type PackageDeclaration,
  readConnectorPackage,
} from './discovery.js';
export {
  ConnectorError,
  type ConnectorErrorOptions,
  codeFromHttpStatus,
  ERROR_CODES,
  type ErrorCode,
  errorCodes,
  fromHttpStatus,
  fromNetworkError,
  invalidInput,
  isConnectorError,
  isErrorCode,
  networkErrorCode,
  parseRetryAfter,
  type SerializedConnectorError,
  toConnectorError,
  type ValidationIssue,
} from './errors.js';
export {
  createHttpClient,
  type HttpAuth,
  type HttpCallOptions,
  type HttpClient,
  type HttpClientOptions,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type HttpResponseType,
  httpClientFrom,
  type QueryValue,
} from './http/http-client.js';
export {
  type CursorPagination,
  collectItems,
  type NextLinkPagination,
  type PageNumberPagination,
  type PaginationLimits,
  paginateByCursor,
  paginateByNextLink,
  paginateByPage,
  parseLinkHeader,
} from './http/pagination.js';
export {
  type ActionTable,
  type Catalog,
  type CheckResult,
  type ConnectionConfig,
  type ConnectorSource,
  createKit,
  type InvocationInfo,
  type InvokeOptions,
  type Kit,
  type KitOptions,
  type Middleware,
  type RunningTrigger,
  type StartTriggerOptions,
  type TriggerTable,
} from './kit.js';
export {
  createLogger,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogRecord,
  type LogSink,
  silentLogger,
} from './log.js';
export {
  type ActionManifest,
  assertValidManifest,
  type ConnectorManifest,
  type JsonSchema,
  manifestOf,
  type TriggerManifest,
} from './manifest.js';
export { type OpenProjectOptions, openProject, type Project } from './project.js';
export {
  isSecretSchema,
  isSensitiveKey,
  REDACTED,
  Redacted,
  Redactor,
  SECRET_KEYWORD,
  Secret,
} from './redaction.js';
export { backoffDelay, DEFAULT_RETRY, type RetryPolicy, resolveRetry, sleep } from './retry.js';
export { findSandboxEmulator, type SandboxEmulatorTarget } from './sandbox-discovery.js';
export {
  appendPath,
  compileValidator,
  pointerToJsonPath,
  schemaProblem,
  type Validator,
} from './validation.js';
export { followYamlPath, type YamlPathNode } from './yaml-path.js';
