export {
  isMappingError,
  jsonPath,
  MAPPING_ERROR_REASONS,
  MappingError,
  type MappingErrorOptions,
  type MappingErrorReason,
  type Violation,
  type ViolationKind,
} from './errors.js';
export { inferSchema } from './infer-schema.js';
export {
  compileSchema,
  type JsonSchema,
  type JsonSchemaType,
  type SchemaProblem,
  type SchemaValidator,
  type XmlAnnotation,
} from './json-schema.js';
export { type LoadDefinitionOptions, loadMessageDefinition } from './load-definition.js';
export {
  type CompileMappingOptions,
  type ConversionType,
  compileMapping,
  convert,
  type ExportResult,
  type LoadMappingOptions,
  loadMapping,
  type Mapping,
  type MappingResult,
  type MissingRule,
  type RunOptions,
  type UnmappedRule,
  unwrap,
} from './mapping.js';
export { defineMessage, type MessageDefinition, type XmlRoot } from './message-definition.js';
export {
  DEFAULT_XML_LIMITS,
  type ParseXmlOptions,
  parseXml,
  type SerializeXmlOptions,
  serializeXml,
  type XmlDocument,
  type XmlLimits,
} from './xml.js';
export { type XsdOptions, xsdToDefinition } from './xsd.js';
