import { Body, Controller, HttpCode, Post, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import { ChatService, OPENAI_CHAT_OUTPUT, sendJson, type ChatOutput } from '@switchyard/chat';
import { API_PREFIX, InvalidRequestError } from '@switchyard/core';
import { extractTextOf, sniff } from '@switchyard/files';
import { VISION_ALIAS } from '@switchyard/providers';
import type { Request, Response } from 'express';
import { COMPAT_TAG, requestKeyOf } from './compat.constants.js';
import { DefaultChatModel } from './default-model.js';

/** What multer hands over. */
interface Upload {
  buffer: Buffer;
  originalname: string;
  mimetype: string;
  size: number;
}

/** The instruction of a text extraction when the caller gives none. */
export const EXTRACT_PROMPT =
  'Extract all the text in this document or image, exactly as written, in reading order. Answer with the text only; if there is none, answer with nothing.';

/** A PDF's text layer, framed for the model; a scan without one is refused. */
async function pdfText(file: Upload): Promise<string> {
  let text: string | null;
  try {
    text = await extractTextOf('application/pdf', file.buffer);
  } catch (err) {
    throw new InvalidRequestError(`The file is not a readable PDF: ${(err as Error).message}`, {
      param: 'file',
      code: 'unreadable_file',
    });
  }
  if (!text) {
    throw new InvalidRequestError(
      'This PDF has no text layer (scanned pages); send each page as an image (PNG or JPEG) instead.',
      { param: 'file', code: 'pdf_without_text' },
    );
  }
  return `The document "${file.originalname || 'document.pdf'}" contains this text:\n\n${text}`;
}

/** The text of a chat.completion's first choice. */
function textOf(completion: object): string {
  const content = (completion as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]
    ?.message?.content;
  return typeof content === 'string' ? content : '';
}

/** generate-text answers the chat.completion with its text alongside. */
const GENERATE_TEXT_OUTPUT: ChatOutput = {
  json: (res, completion, headers) => sendJson(res, { ...completion, text: textOf(completion) }, headers),
  stream: OPENAI_CHAT_OUTPUT.stream,
};

/** extract-text answers the text found, the model that read it, and the usage with its cost. */
const EXTRACT_TEXT_OUTPUT: ChatOutput = {
  json: (res, completion, headers) => {
    const { id, model, usage } = completion as { id?: string; model?: string; usage?: unknown };
    sendJson(res, { id, object: 'text_extraction', model, text: textOf(completion), usage }, headers);
  },
  stream: OPENAI_CHAT_OUTPUT.stream,
};

const record = (body: unknown): Record<string, unknown> =>
  body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

/**
 * Hyper AI Gateway's own endpoints: text generation and text extraction from an image or a PDF,
 * both chat calls (same auth, limits, credits, failover, usage and activity log).
 */
@ApiTags(COMPAT_TAG)
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller(API_PREFIX)
export class HyperController {
  constructor(
    private readonly chat: ChatService,
    private readonly defaultModel: DefaultChatModel,
  ) {}

  @Post('chat/generate-text')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Hyper AI Gateway: text from `prompt` (or OpenAI `messages`), `model` (default: the default chat model), `stream`; answers a chat.completion with `text`.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      example: { prompt: 'Write a haiku about gateways', model: 'simulator/sim-gpt' },
    },
  })
  async generateText(
    @CurrentCaller() caller: Caller,
    @Body() raw: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { prompt, ...rest } = record(raw);
    if (rest.messages === undefined) {
      if (typeof prompt !== 'string' || prompt.trim() === '') {
        throw new InvalidRequestError('Give `prompt` (a non-empty string) or `messages`.', {
          param: 'prompt',
          code: 'missing_required_parameter',
        });
      }
      rest.messages = [{ role: 'user', content: prompt }];
    } else if (prompt !== undefined) {
      throw new InvalidRequestError('Give `prompt` or `messages`, not both.', { param: 'prompt' });
    }
    const body = this.defaultModel.fill(caller, rest, requestKeyOf(req.headers));
    await this.chat.chat(caller, body, req, res, GENERATE_TEXT_OUTPUT);
  }

  @Post('vision/extract-text')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiOperation({
    summary:
      "Hyper AI Gateway: the text in an image or a PDF (multipart `file`, or `image_url`), read by a vision model (`model`, default 'image'); optional `prompt`.",
  })
  async extractText(
    @CurrentCaller() caller: Caller,
    @UploadedFile() file: Upload | undefined,
    @Body() raw: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const fields = record(raw);
    const part = await this.partOf(file, fields.image_url);
    const prompt = fields.prompt === undefined || fields.prompt === '' ? EXTRACT_PROMPT : fields.prompt;
    if (typeof prompt !== 'string')
      throw new InvalidRequestError('prompt must be a string.', { param: 'prompt' });
    const model = fields.model === undefined || fields.model === '' ? VISION_ALIAS : fields.model;
    const body: Record<string, unknown> = {
      model,
      messages: [{ role: 'user', content: [{ type: 'text', text: prompt }, part] }],
    };
    for (const name of ['max_tokens', 'temperature'] as const) {
      if (fields[name] !== undefined)
        body[name] = typeof fields[name] === 'string' ? Number(fields[name]) : fields[name];
    }
    await this.chat.chat(caller, body, req, res, EXTRACT_TEXT_OUTPUT);
  }

  /**
   * The image as a chat content part; a PDF as the text of its text layer (a model is then asked
   * to give it back as written, or to do what `prompt` says with it).
   */
  private async partOf(file: Upload | undefined, imageUrl: unknown): Promise<Record<string, unknown>> {
    if (file && imageUrl !== undefined) {
      throw new InvalidRequestError('Send `file` or `image_url`, not both.', { param: 'image_url' });
    }
    if (file) {
      const mime = sniff(file.originalname, file.buffer)?.mime ?? 'application/octet-stream';
      if (mime === 'application/pdf') return { type: 'text', text: await pdfText(file) };
      const data = `data:${mime};base64,${file.buffer.toString('base64')}`;
      if (!mime.startsWith('image/')) {
        throw new InvalidRequestError(`The file is ${mime}; send an image (PNG, JPEG, GIF, WebP) or a PDF.`, {
          param: 'file',
          code: 'unsupported_file_type',
        });
      }
      return { type: 'image_url', image_url: { url: data } };
    }
    if (typeof imageUrl === 'string' && imageUrl.trim() !== '') {
      return { type: 'image_url', image_url: { url: imageUrl.trim() } };
    }
    throw new InvalidRequestError('Send an image or a PDF as multipart `file`, or an `image_url`.', {
      param: 'file',
      code: 'missing_required_parameter',
    });
  }
}
