import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ChatService } from '@switchyard/chat';

/**
 * ModelMixSuper accepted one content part given as an object instead of an array
 * (`"content": {"type": "image_url", ...}`). Such a content becomes a one-part array before the
 * chat validation sees it; any other content is left for it to judge.
 */
export function wrapSinglePartContent(body: unknown): void {
  if (!body || typeof body !== 'object') return;
  const messages = (body as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) return;
  for (const message of messages) {
    if (!message || typeof message !== 'object') continue;
    const content = (message as { content?: unknown }).content;
    if (
      content &&
      typeof content === 'object' &&
      !Array.isArray(content) &&
      typeof (content as { type?: unknown }).type === 'string'
    ) {
      (message as { content: unknown[] }).content = [content];
    }
  }
}

/** Registers {@link wrapSinglePartContent} ahead of every other chat preparer. */
@Injectable()
export class SinglePartContent implements OnModuleInit {
  constructor(private readonly chat: ChatService) {}

  onModuleInit(): void {
    this.chat.usePreparer(async (_caller, body) => wrapSinglePartContent(body), { first: true });
  }
}
