import { type Kit, type LogSink, openProject, type Project } from '@connectorkit/core';
import type { CommandIo, GlobalFlags } from './command.js';

/** Opens the project of the current folder (or `--config`), with logs going to stderr. */
export function openCliProject(io: CommandIo, flags: GlobalFlags): Project {
  return openProject({
    cwd: io.cwd,
    env: io.env,
    ...(flags.config === undefined ? {} : { file: flags.config }),
    logger: { level: flags.verbose === true ? 'debug' : 'info', sink: cliLogSink(io, flags) },
  });
}

/** Runs `work` with an open kit and always closes it. */
export async function withKit<T>(
  io: CommandIo,
  flags: GlobalFlags,
  work: (kit: Kit, project: Project) => Promise<T>,
): Promise<T> {
  const project = openCliProject(io, flags);
  try {
    return await work(project.kit, project);
  } finally {
    await project.kit.close();
  }
}

/**
 * Where `ck` sends the kit's logs: standard error, one line each (JSON with --json). Warnings
 * and errors always; `info` records only when they report progress (`progress: true` in their
 * fields, as a long bulk job does while it runs) or with --verbose, which adds `debug` too.
 */
export function cliLogSink(io: CommandIo, flags: GlobalFlags): LogSink {
  return (record) => {
    if (flags.verbose !== true) {
      if (record.level === 'debug') return;
      if (record.level === 'info' && record.fields.progress !== true) return;
    }
    const { progress: _progress, ...fields } = record.fields;
    if (flags.json === true) {
      io.stderr.write(`${JSON.stringify({ level: record.level, msg: record.message, ...fields })}\n`);
      return;
    }
    const text = Object.entries(fields)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    io.stderr.write(`${record.level}: ${record.message}${text === '' ? '' : `  ${text}`}\n`);
  };
}
