import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, type Caller } from '@switchyard/auth';
import type { Request, Response } from 'express';
import { MAX_RERANK_DOCUMENTS, RerankService } from './rerank.service.js';

@ApiTags('openai')
@ApiBearerAuth('bearer')
@AllowApiKey()
@Controller('v1')
export class RerankController {
  constructor(private readonly rerank: RerankService) {}

  @Post('rerank')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Rerank (Cohere / Jina body): documents ordered by relevance to a query, billed per search unit.',
    description:
      `\`documents\` are strings or objects with \`text\` (1 to ${MAX_RERANK_DOCUMENTS}); \`top_n\` keeps the ` +
      'best n; `return_documents` adds each document to its result. One search unit is one query over up ' +
      'to 100 documents, charged at the model’s `perSearch` price.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['model', 'query', 'documents'],
      properties: {
        model: { type: 'string' },
        query: { type: 'string' },
        documents: {
          type: 'array',
          maxItems: MAX_RERANK_DOCUMENTS,
          items: {
            oneOf: [
              { type: 'string' },
              { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
            ],
          },
        },
        top_n: { type: 'integer', minimum: 1 },
        return_documents: { type: 'boolean', default: false },
      },
      example: {
        // The offline demo's rerank model, as the chat examples use the simulator's (the fuzz
        // and a reader without a Cohere key can send it as is); `cohere/rerank-v3.5` in production.
        model: 'simulator-cohere/sim-rerank',
        query: 'What is the capital of France?',
        documents: ['Paris is the capital of France.', 'Berlin is the capital of Germany.'],
        top_n: 1,
        return_documents: true,
      },
    },
  })
  @ApiOkResponse({
    description: 'The results, most relevant first, and the search units charged.',
    schema: {
      type: 'object',
      example: {
        id: '5807ee2e-0cda-445a-9ec8-864c60a06606',
        model: 'cohere/rerank-v3.5',
        results: [{ index: 0, relevance_score: 0.98, document: { text: 'Paris is the capital of France.' } }],
        usage: { search_units: 1, cost: '0.002' },
      },
    },
  })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.rerank.create(caller, body, req, res);
  }
}
