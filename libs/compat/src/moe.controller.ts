import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import { ChatService } from '@switchyard/chat';
import { InvalidRequestError } from '@switchyard/core';
import type { Request, Response } from 'express';
import { COMPAT_TAG } from './compat.constants.js';
import { reshapeJson } from './reshape-json.js';

/** MoE's default model: Switchyard's `auto` (libs/orchestration). */
export const MOE_DEFAULT_MODEL = 'auto';
/** A prompt in a URL: long enough for a paragraph, short of every proxy's URL limit. */
const MAX_PROMPT_CHARS = 4000;

interface AskAnswer {
  id: string;
  model: string;
  text: string;
  images: unknown[];
  audio: unknown[];
  moe_metadata?: unknown;
  usage?: unknown;
}

/** MoE's simple GET answer: the text, with any images, audio and moe_metadata of `auto`. */
export function askAnswer(body: unknown): AskAnswer {
  const completion = body as {
    id: string;
    model: string;
    choices?: Array<{ message?: { content?: string | null } }>;
    images?: unknown[];
    audio?: unknown[];
    moe_metadata?: unknown;
    usage?: unknown;
  };
  return {
    id: completion.id,
    model: completion.model,
    text: completion.choices?.[0]?.message?.content ?? '',
    images: completion.images ?? [],
    audio: completion.audio ?? [],
    ...(completion.moe_metadata === undefined ? {} : { moe_metadata: completion.moe_metadata }),
    ...(completion.usage === undefined ? {} : { usage: completion.usage }),
  };
}

/** The MoE system's endpoints: POST /openai (its chat) and the simple GET /ask. */
@ApiTags(COMPAT_TAG)
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller()
export class MoeController {
  constructor(private readonly chat: ChatService) {}

  @Post('openai')
  @HttpCode(200)
  @ApiOperation({
    summary: "MoE: its chat endpoint, POST /v1/chat/completions with `model` defaulting to 'auto'.",
  })
  @ApiBody({ schema: { type: 'object', example: { messages: [{ role: 'user', content: 'Hello!' }] } } })
  async openai(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const record = body as Record<string, unknown>;
      if (record.model === undefined && record.models === undefined && record.route === undefined) {
        record.model = MOE_DEFAULT_MODEL;
      }
    }
    await this.chat.chat(caller, body, req, res);
  }

  @Get('ask')
  @ApiOperation({ summary: "MoE's simple GET: GET /ask?q=<URL-encoded prompt>, answered by 'auto' as JSON." })
  @ApiQuery({ name: 'q', required: true, example: 'Create a diagram of the solar system' })
  async askQuery(
    @CurrentCaller() caller: Caller,
    @Query('q') q: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.ask(caller, q, 'q', req, res);
  }

  @Get('ask/:prompt')
  @ApiOperation({ summary: "MoE's simple GET: GET /ask/<URL-encoded prompt>, answered by 'auto' as JSON." })
  async askPath(
    @CurrentCaller() caller: Caller,
    @Param('prompt') prompt: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.ask(caller, prompt, 'prompt', req, res);
  }

  private async ask(
    caller: Caller,
    prompt: unknown,
    param: string,
    req: Request,
    res: Response,
  ): Promise<void> {
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      throw new InvalidRequestError('Give a prompt: GET /ask/<prompt> or GET /ask?q=<prompt>.', { param });
    }
    if (prompt.length > MAX_PROMPT_CHARS) {
      throw new InvalidRequestError(
        `The prompt is longer than ${MAX_PROMPT_CHARS} characters; POST /openai.`,
        {
          param,
        },
      );
    }
    reshapeJson(res, askAnswer);
    await this.chat.chat(
      caller,
      { model: MOE_DEFAULT_MODEL, messages: [{ role: 'user', content: prompt }] },
      req,
      res,
    );
  }
}
