export {
  type CommandContext,
  type CommandDefinition,
  type CommandIo,
  defineCommand,
  type FlagDefinition,
  type GlobalFlags,
  type PositionalDefinition,
  UsageError,
} from './command.js';
export { builtinCommands, type RunOptions, run, VERSION } from './main.js';
export { palette, progress, table, truncate, width, writeJson, writeLine } from './output.js';
export { openCliProject, withKit } from './project.js';
