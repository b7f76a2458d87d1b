import { Type } from '@connectorkit/core';
import type { FilesCompleteUploadExternalResponse, FilesUploadV2Arguments } from '@slack/web-api';
import { defineSlackAction, invalidInput } from '../define-slack-action.js';
import { channelReference, FileSummary, messageTs, toFileSummary } from '../schemas.js';

export const uploadFile = defineSlackAction({
  title: 'Upload file',
  description:
    "Uploads a file and shares it in a channel or thread — Slack's upload flow (files.getUploadURLExternal, upload, files.completeUploadExternal) through the SDK's filesUploadV2.",
  input: Type.Object(
    {
      channel: Type.Optional(channelReference('Channel id to share it in; private to the bot when absent')),
      filename: Type.String({ minLength: 1, description: 'File name with extension, e.g. report.csv' }),
      title: Type.Optional(Type.String()),
      content: Type.Optional(Type.String({ description: 'The file as text (UTF-8)' })),
      contentBase64: Type.Optional(
        Type.String({
          contentEncoding: 'base64',
          pattern: '^[A-Za-z0-9+/]*={0,2}$',
          description: 'The file as base64 (binary files)',
        }),
      ),
      initialComment: Type.Optional(Type.String({ description: 'Message posted with the file' })),
      threadTs: Type.Optional(messageTs('Share it as a reply in this thread (needs `channel`)')),
      altText: Type.Optional(Type.String({ description: 'Description of an image for screen readers' })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ files: Type.Array(FileSummary) }),
  examples: [
    {
      input: {
        channel: 'C0123ABCD',
        filename: 'report.csv',
        content: 'region,total\nnorth,42\n',
        initialComment: 'Weekly report',
      },
    },
  ],
  run: async (input, { client, signal }) => {
    if ((input.content === undefined) === (input.contentBase64 === undefined)) {
      throw invalidInput('give exactly one of `content` (text) and `contentBase64` (bytes)', '$.content');
    }
    if (input.threadTs !== undefined && input.channel === undefined) {
      throw invalidInput('`threadTs` needs `channel`', '$.channel');
    }
    const data =
      input.content === undefined
        ? Buffer.from(input.contentBase64 ?? '', 'base64')
        : Buffer.from(input.content, 'utf8');
    if (data.length === 0)
      throw invalidInput('the file is empty — Slack does not accept empty uploads', '$.content');
    const args = {
      file: data,
      filename: input.filename,
      ...(input.title === undefined ? {} : { title: input.title }),
      ...(input.channel === undefined ? {} : { channel_id: input.channel }),
      ...(input.initialComment === undefined ? {} : { initial_comment: input.initialComment }),
      ...(input.threadTs === undefined ? {} : { thread_ts: input.threadTs }),
      ...(input.altText === undefined ? {} : { alt_text: input.altText }),
    } as FilesUploadV2Arguments;
    const result = await client.run('files.uploadV2', signal, (web) => web.filesUploadV2(args));
    const completions = result.files as FilesCompleteUploadExternalResponse[];
    return { files: completions.flatMap((completion) => completion.files ?? []).map(toFileSummary) };
  },
});
