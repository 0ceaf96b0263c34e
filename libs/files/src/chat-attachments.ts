import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Caller } from '@switchyard/auth';
import { dataUrlLength, VisionBridge } from '@switchyard/images';
import {
  AppConfig,
  bodyBudgetOf,
  InvalidRequestError,
  NotFoundError,
  tokenizerChunks,
} from '@switchyard/core';
import { ModelResolver, requestKeysOf } from '@switchyard/providers';
import { scopeFor } from '@switchyard/routing';
import { ChatService, callContextFor, countPromptTokens, countTextTokens } from '@switchyard/chat';
import type { Request, Response } from 'express';
import type { FileEntity } from './file.entity.js';
import { FilesService } from './files.service.js';

interface Part {
  type?: unknown;
  text?: unknown;
  file?: { file_id?: unknown; filename?: unknown };
}
interface Message {
  role?: unknown;
  content?: unknown;
}
interface ChatBody {
  model?: unknown;
  models?: unknown;
  messages?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
}

/** Whether any message has content parts (files and images only come that way). */
function hasParts(body: ChatBody): boolean {
  return Array.isArray(body?.messages) && body.messages.some((m) => Array.isArray((m as Message)?.content));
}

/** Tokens kept free besides the answer, for framing and the truncation markers. */
const MARGIN_TOKENS = 64;

/** Where a file part sits, for errors that point at it. */
interface FileSlot {
  message: Message & { content: Part[] };
  index: number;
  path: string;
  fileId: string;
}

function fileSlots(messages: unknown[]): FileSlot[] {
  const slots: FileSlot[] = [];
  messages.forEach((m, i) => {
    const message = m as Message;
    if (!message || !Array.isArray(message.content)) return;
    (message.content as Part[]).forEach((part, j) => {
      if (part?.type !== 'file') return;
      const path = `messages[${i}].content[${j}]`;
      const fileId = part.file?.file_id;
      // A file sent inline (a base64 data URL, e.g. an Anthropic PDF document) goes to the
      // provider as it is: each adapter sends it natively or refuses it, naming the part.
      const inline = (part.file as { file_data?: unknown } | undefined)?.file_data;
      if (!fileId && typeof inline === 'string' && inline.startsWith('data:')) return;
      if (typeof fileId !== 'string' || !fileId) {
        throw new InvalidRequestError(
          `${path}.file.file_id is required (inline file_data is not supported).`,
          {
            param: `${path}.file.file_id`,
          },
        );
      }
      slots.push({ message: message as FileSlot['message'], index: j, path, fileId });
    });
  });
  return slots;
}

function tooLarge(slot: FileSlot, message: string): InvalidRequestError {
  return new InvalidRequestError(message, {
    param: `${slot.path}.file.file_id`,
    code: 'attachments_too_large',
  });
}

function noText(slot: FileSlot, row: FileEntity): InvalidRequestError {
  return new InvalidRequestError(
    `File '${row.id}' (${row.mime}) has no text to put into a prompt; attach PDF, text, Markdown, CSV, JSON or HTML.`,
    { param: `${slot.path}.file.file_id` },
  );
}

/** A file gone since it was described (deleted meanwhile) is a 404 naming its part. */
function notFoundAt(slot: FileSlot): (error: unknown) => never {
  return (error) => {
    if (error instanceof NotFoundError) {
      throw new NotFoundError(`No such file: '${slot.fileId}'.`, { param: `${slot.path}.file.file_id` });
    }
    throw error;
  };
}

/** `text` cut to at most `tokens` tokens. */
async function truncateTokens(text: string, tokens: number): Promise<string> {
  // Loaded when a file is first cut (the tokenizer's tables are ~20 MB of heap).
  const { decode, encode } = await import('gpt-tokenizer');
  const asText = { disallowedSpecial: new Set<string>() };
  // In pieces: one long unbroken "word" would take the tokenizer quadratic time.
  const ids: number[] = [];
  for (const chunk of tokenizerChunks(text)) {
    for (const id of encode(chunk, asText)) {
      if (ids.length >= Math.max(0, tokens)) return decode(ids);
      ids.push(id);
    }
  }
  return text;
}

/**
 * Files in chat: before a /v1/chat/completions body is validated (a ChatService preparer), every `{"type":"file","file":{"file_id":..}}`
 * part the caller may see is replaced by the text extracted at upload (images by an image part),
 * so the chat pipeline counts it in the reservation like any prompt text. File text is cut to fit
 * the model's context window, leaving room for the answer, with a marker saying so.
 */
@Injectable()
export class ChatAttachments implements OnModuleInit {
  constructor(
    private readonly chat: ChatService,
    private readonly files: FilesService,
    private readonly resolver: ModelResolver,
    private readonly bridge: VisionBridge,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.chat.usePreparer((caller, body, req, res) => this.prepare(caller, body as ChatBody, req, res));
  }

  /** Runs before a /v1/chat/completions body is validated; plain-text prompts pass untouched. */
  async prepare(caller: Caller, body: ChatBody, req: Request, res: Response): Promise<void> {
    if (!hasParts(body)) return;
    await this.inline(caller, body, req, res);
    // After the files: an attached image is bridged like an inline one.
    await this.bridge.apply(caller, body, callContextFor(caller, req, res), res);
  }

  private async inline(caller: Caller, body: ChatBody, req: Request, res: Response): Promise<void> {
    if (!body || !Array.isArray(body.messages)) return;
    const slots = fileSlots(body.messages);
    if (slots.length === 0) return;
    // Every named row first, without its text (one query), so that nothing is read before the
    // request is known to fit: a body naming a tenant's files could otherwise load up to its
    // whole quota (1 GiB by default) into memory before the bound below refused it.
    const described = await this.files.describe(caller, [...new Set(slots.map((slot) => slot.fileId))]);
    // What the request makes the gateway read is bounded as what it adds is (below): each file
    // once, its text or its image's data URL, counted in the order the parts first name them.
    // One pass in the parts' order, so the error names the first part that fails, whatever the
    // kind: a file that does not exist, one without text, or the one that passes the bound.
    const limit = this.config.media.maxAttachedBytes;
    let read = 0;
    const counted = new Set<string>();
    for (const slot of slots) {
      const found = described.get(slot.fileId);
      if (!found) {
        throw new NotFoundError(`No such file: '${slot.fileId}'.`, { param: `${slot.path}.file.file_id` });
      }
      const { row, textBytes } = found;
      const image = row.mime.startsWith('image/');
      if (!image && textBytes === null) throw noText(slot, row);
      if (counted.has(slot.fileId)) continue;
      counted.add(slot.fileId);
      read += image ? dataUrlLength(row.mime, row.bytes) : textBytes!;
      if (read > limit) {
        throw tooLarge(
          slot,
          `The files this request names hold more than ${limit} bytes together (MAX_ATTACHED_BYTES); name fewer or smaller files.`,
        );
      }
    }
    // What is read is held for the call like body bytes: it counts in MAX_BODY_BYTES_IN_FLIGHT
    // until the response closes (at most the whole bound; past it a 503, as for a body).
    bodyBudgetOf(this.config)?.holdUntilClosed(res, read);
    // Images become image parts (the model's vision decides); text files are measured below.
    // What each part adds is noted, and each file's data URL, text, token count and cut text are
    // made once, so a file named by many parts costs its size once, not once per part.
    const added = new Map<FileSlot, number>();
    const images = new Map<string, string>();
    const fileTexts = new Map<string, string>();
    const texts = [];
    for (const slot of slots) {
      const { row } = described.get(slot.fileId)!;
      if (row.mime.startsWith('image/')) {
        let url = images.get(row.id);
        if (url === undefined) {
          const { bytes } = await this.files.content(caller, row.id).catch(notFoundAt(slot));
          url = `data:${row.mime};base64,${bytes.toString('base64')}`;
          images.set(row.id, url);
        }
        added.set(slot, url.length);
        slot.message.content[slot.index] = { type: 'image_url', image_url: { url } } as Part;
        continue;
      }
      let text = fileTexts.get(row.id);
      if (text === undefined) {
        const stored = await this.files.text(caller, row.id).catch(notFoundAt(slot));
        if (stored === null) throw noText(slot, row);
        text = stored;
        fileTexts.set(row.id, text);
      }
      // Placeholder now, so the rest of the prompt can be measured without the files.
      slot.message.content[slot.index] = { type: 'text', text: '' };
      texts.push({ slot, row, text });
    }
    let budget = await this.budget(caller, body, req);
    const tokenCounts = new Map<string, number>();
    // By file and tokens kept: the text shown and its size in bytes.
    const cut = new Map<string, { shown: string; bytes: number }>();
    for (const { slot, row, text } of texts) {
      const header = `[file ${row.filename} (${row.id}, ${row.mime})]\n`;
      let tokens = tokenCounts.get(row.id);
      if (tokens === undefined) {
        tokens = await countTextTokens(text);
        tokenCounts.set(row.id, tokens);
      }
      const keep = budget === null || tokens <= budget ? tokens : Math.max(0, budget);
      const key = `${row.id}\0${keep}`;
      let shown = cut.get(key);
      if (!shown) {
        const kept =
          keep === tokens
            ? text
            : (keep > 0 ? await truncateTokens(text, keep) : '') +
              `\n[… file ${row.filename} truncated: ${keep} of ${tokens} tokens shown to fit the model's context window]`;
        shown = { shown: kept, bytes: Buffer.byteLength(kept) };
        cut.set(key, shown);
      }
      if (budget !== null) budget -= keep;
      added.set(slot, Buffer.byteLength(header) + shown.bytes);
      slot.message.content[slot.index] = { type: 'text', text: header + shown.shown };
    }
    // What the files add to the request, all parts together, is bounded: each part of a file is
    // its whole text or image, so a body of small parts naming one large file could otherwise
    // grow into gigabytes. Counted in the parts' order, to name the part that passes the bound.
    let attached = 0;
    for (const slot of slots) {
      attached += added.get(slot) ?? 0;
      if (attached > limit) {
        throw tooLarge(
          slot,
          `The files this request names would add more than ${limit} bytes to it (MAX_ATTACHED_BYTES); name fewer or smaller files.`,
        );
      }
    }
  }

  /** Tokens the file texts may take together, or null when the model's window is unknown. */
  private async budget(caller: Caller, body: ChatBody, req: Request): Promise<number | null> {
    const name =
      typeof body.model === 'string'
        ? body.model
        : Array.isArray(body.models) && typeof body.models[0] === 'string'
          ? body.models[0]
          : undefined;
    if (!name) return null;
    const header = req.headers['x-provider-key'];
    const target = this.resolver.tryResolve(
      name,
      scopeFor(caller, {
        requestKey: typeof header === 'string' && header ? header : undefined,
        requestKeys: requestKeysOf(req.headers),
      }),
    );
    const window = target?.model.contextWindow ?? 0;
    if (!target || window <= 0) return null;
    const asked = [body.max_completion_tokens, body.max_tokens].find(
      (v): v is number => typeof v === 'number',
    );
    const answer = Math.min(asked ?? target.model.maxOutputTokens, window);
    let prompt: number;
    try {
      prompt = await countPromptTokens(body.messages as Parameters<typeof countPromptTokens>[0]);
    } catch {
      return null;
    }
    return window - answer - prompt - MARGIN_TOKENS;
  }
}
