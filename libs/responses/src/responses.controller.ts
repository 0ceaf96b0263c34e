import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import { InvalidRequestError } from '@switchyard/core';
import type { Request, Response } from 'express';
import { ResponsesService, type InputItemsPage } from './responses.service.js';
import type { ResponseObject } from './responses.types.js';

const EXAMPLE_RESPONSE = {
  id: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b',
  object: 'response',
  created_at: 1767225600,
  status: 'completed',
  model: 'simulator/sim-gpt',
  output: [
    {
      id: 'msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'echo: Hello!', annotations: [] }],
    },
  ],
  usage: {
    input_tokens: 9,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 3,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 12,
    cost: '0.000021',
  },
};

function pageLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new InvalidRequestError("Invalid 'limit': expected an integer from 1 to 100.", { param: 'limit' });
  return limit;
}

function pageOrder(value: string | undefined): 'asc' | 'desc' | undefined {
  if (value === undefined || value === 'asc' || value === 'desc') return value;
  throw new InvalidRequestError("Invalid 'order': expected 'asc' or 'desc'.", { param: 'order' });
}

@ApiTags('openai')
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller('v1/responses')
export class ResponsesController {
  constructor(private readonly responses: ResponsesService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'OpenAI Responses API: create a response (streaming and not), on any provider.',
    description:
      "OpenAI's request and Response object. `input` is a string or items (messages with input_text, input_image and input_file parts; function_call and function_call_output; reasoning). Function tools only; built-in tools, `background` and other features that cannot be translated are refused with 400 naming them (docs/translation.md). `store` (default true) keeps the response for `GET`, `input_items` and `previous_response_id`. Stream events are OpenAI's typed events with `sequence_number`. Usage carries `cost`.",
  })
  @ApiBody({
    schema: {
      type: 'object',
      example: { model: 'simulator/sim-gpt', instructions: 'Be brief.', input: 'Hello!' },
    },
  })
  @ApiOkResponse({
    description: 'A Response object, or a text/event-stream of Responses events.',
    schema: { type: 'object', example: EXAMPLE_RESPONSE },
  })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.responses.create(caller, body, req, res);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a stored response (your own; any other id is 404).' })
  @ApiParam({ name: 'id', example: EXAMPLE_RESPONSE.id })
  @ApiOkResponse({
    description: 'The Response object.',
    schema: { type: 'object', example: EXAMPLE_RESPONSE },
  })
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query('stream') stream?: string,
  ): Promise<ResponseObject> {
    if (stream === 'true')
      throw new InvalidRequestError('Streaming a stored response again is not supported: omit `stream`.', {
        param: 'stream',
      });
    return this.responses.get(caller, id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a stored response.' })
  @ApiParam({ name: 'id', example: EXAMPLE_RESPONSE.id })
  @ApiOkResponse({
    description: 'The deletion.',
    schema: { type: 'object', example: { id: EXAMPLE_RESPONSE.id, object: 'response', deleted: true } },
  })
  delete(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.responses.delete(caller, id);
  }

  @Get(':id/input_items')
  @ApiOperation({ summary: "A stored response's input items, paged like OpenAI (newest first by default)." })
  @ApiParam({ name: 'id', example: EXAMPLE_RESPONSE.id })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100, default 20.' })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'], description: 'Default desc.' })
  @ApiQuery({ name: 'after', required: false, description: 'An item id: the page starts after it.' })
  @ApiOkResponse({
    description: 'A list of input items.',
    schema: {
      type: 'object',
      example: {
        object: 'list',
        data: [
          {
            id: 'msg_abc',
            type: 'message',
            role: 'user',
            status: 'completed',
            content: [{ type: 'input_text', text: 'Hello!' }],
          },
        ],
        first_id: 'msg_abc',
        last_id: 'msg_abc',
        has_more: false,
      },
    },
  })
  inputItems(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query('limit') limit?: string,
    @Query('order') order?: string,
    @Query('after') after?: string,
  ): Promise<InputItemsPage> {
    return this.responses.inputItems(caller, id, {
      limit: pageLimit(limit),
      order: pageOrder(order),
      after: typeof after === 'string' && after ? after : undefined,
    });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a background response: always 400, as Switchyard runs no responses in the background.',
  })
  @ApiParam({ name: 'id', example: EXAMPLE_RESPONSE.id })
  cancel(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<never> {
    return this.responses.cancel(caller, id);
  }
}
