import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMPLEXITIES, INTENTS, OUTPUTS } from '../classification/classification.types.js';
import { STRATEGY_NAMES } from '../policy/policy.types.js';

const CANDIDATES = {
  type: 'array' as const,
  items: {
    oneOf: [{ type: 'string' as const }, { type: 'array' as const, items: { type: 'string' as const } }],
  },
  example: [['openai/gpt-5-mini', 'gemini/gemini-2.5-flash'], 'simulator/sim-gpt'],
};

export class StrategyRuleDto {
  @ApiPropertyOptional({ enum: INTENTS, isArray: true }) intents?: string[];
  @ApiPropertyOptional({ enum: COMPLEXITIES, isArray: true }) complexities?: string[];
  @ApiProperty({ enum: STRATEGY_NAMES }) strategy!: string;
}

export class ParameterPresetDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 2 }) temperature?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) top_p?: number;
  @ApiPropertyOptional({ minimum: -2, maximum: 2 }) frequency_penalty?: number;
  @ApiPropertyOptional({ minimum: -2, maximum: 2 }) presence_penalty?: number;
}

export class PolicyRolesDto {
  @ApiProperty({ ...CANDIDATES, description: 'mix: the model that thinks first.' }) reasoner!: unknown[];
  @ApiProperty({ ...CANDIDATES, description: 'vote: the judge (no majority); chain: the critic.' })
  judge!: unknown[];
  @ApiPropertyOptional({ ...CANDIDATES, description: 'Multimodal: the image model (operation images).' })
  image_model?: unknown[];
  @ApiPropertyOptional({
    ...CANDIDATES,
    description: 'Multimodal: the speech model (operation audio_speech).',
  })
  speech_model?: unknown[];
}

export class VoteSettingsDto {
  @ApiProperty({ minimum: 1, maximum: 9 }) voters!: number;
  @ApiProperty({ minimum: 1, maximum: 9 }) quorum!: number;
  @ApiProperty({ minimum: 100, maximum: 600000 }) budget_ms!: number;
  @ApiProperty({ minimum: 1, maximum: 10000 }) short_answer_chars!: number;
}

export class SelectionSettingsDto {
  @ApiProperty({ minimum: 0, maximum: 1 }) max_error_rate!: number;
  @ApiProperty({ minimum: 16, maximum: 32768 }) step_max_tokens!: number;
}

export class ClassifierSettingsDto {
  @ApiPropertyOptional({
    description: "The LLM classifier's model ('' = rules only; unset = AUTO_CLASSIFIER_MODEL).",
  })
  model?: string;
  @ApiPropertyOptional({ minimum: 100, maximum: 60000 }) timeout_ms?: number;
}

/**
 * The orchestration policy (docs/orchestration.md). A platform admin sends a whole one; a tenant
 * admin any part of one (its override).
 */
export class OrchestrationPolicyDto {
  @ApiProperty({
    description: 'Answering models per intent, then per tier (simple, moderate, complex).',
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: CANDIDATES },
    example: { chat: { simple: ['simulator/sim-gpt-mini'], moderate: ['simulator/sim-gpt'] } },
  })
  candidates!: Record<string, Record<string, unknown[]>>;
  @ApiProperty({ type: PolicyRolesDto }) roles!: PolicyRolesDto;
  @ApiProperty({ type: [StrategyRuleDto], description: 'The first matching rule decides; none: single.' })
  strategies!: StrategyRuleDto[];
  @ApiProperty({
    description: 'Sampling presets per intent, applied to the fields the caller did not set.',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ParameterPresetDto' },
  })
  presets!: Record<string, ParameterPresetDto>;
  @ApiProperty({ type: VoteSettingsDto }) vote!: VoteSettingsDto;
  @ApiProperty({ type: SelectionSettingsDto }) selection!: SelectionSettingsDto;
  @ApiProperty({ type: ClassifierSettingsDto }) classifier!: ClassifierSettingsDto;
}

export class PolicyViewDto {
  @ApiProperty({ enum: ['platform', 'tenant'] }) scope!: string;
  @ApiProperty({
    type: OrchestrationPolicyDto,
    nullable: true,
    description: "The platform's policy, or the tenant's override (null: none).",
  })
  policy!: OrchestrationPolicyDto | null;
  @ApiProperty({ type: OrchestrationPolicyDto, description: "What this scope's calls get." })
  effective!: OrchestrationPolicyDto;
  @ApiProperty({ enum: ['default', 'platform', 'tenant'] }) source!: string;
}

export class ClassificationDto {
  @ApiProperty({ enum: INTENTS }) intent!: string;
  @ApiProperty({ enum: COMPLEXITIES }) complexity!: string;
  @ApiProperty() needs_web!: boolean;
  @ApiProperty({ enum: OUTPUTS, isArray: true }) outputs!: string[];
  @ApiProperty({ enum: ['rules', 'llm'] }) source!: string;
  @ApiProperty({ type: [String] }) signals!: string[];
}

export class CandidateNoteDto {
  @ApiProperty() model!: string;
  @ApiPropertyOptional({
    enum: ['not_found', 'not_allowed', 'unsupported', 'unpriced', 'error_rate', 'already_used'],
  })
  skipped?: string;
  @ApiPropertyOptional() detail?: string;
}

export class PlanStepDto {
  @ApiProperty({ example: 'reason' }) id!: string;
  @ApiProperty({
    enum: [
      'answer',
      'reasoner',
      'voter',
      'judge',
      'drafter',
      'critic',
      'refiner',
      'searcher',
      'illustrator',
      'narrator',
    ],
  })
  role!: string;
  @ApiProperty({ example: 'simulator/sim-reasoner' }) model!: string;
  @ApiProperty({ type: [String] }) failover!: string[];
  @ApiProperty({ nullable: true, type: Number }) max_tokens!: number | null;
  @ApiPropertyOptional() budget_ms?: number;
  @ApiPropertyOptional({ description: 'Runs only when needed (the judge: when there is no majority).' })
  conditional?: boolean;
  @ApiProperty({ description: 'Why this model was chosen.' }) why!: string;
  @ApiProperty({ type: [CandidateNoteDto] }) considered!: CandidateNoteDto[];
}

/** A search plan's settings (web search, decision 0022). */
export class PlanSearchDto {
  @ApiProperty({ enum: ['forced', 'tool'] }) mode!: string;
  @ApiProperty({ example: 'searxng' }) provider!: string;
  @ApiProperty({ description: 'Searches the plan may run (and the reservation covers).' })
  max_searches!: number;
  @ApiProperty() max_results!: number;
  @ApiProperty({ description: 'Credits per search.', example: '0.005' }) price!: string;
}

/** The plan strategies: the policy's, and `search` (web search). */
const PLAN_STRATEGIES = [...STRATEGY_NAMES, 'search'];

export class PlanDto {
  @ApiProperty({ enum: PLAN_STRATEGIES }) strategy!: string;
  @ApiPropertyOptional() quorum?: number;
  @ApiPropertyOptional({ type: PlanSearchDto }) search?: PlanSearchDto;
  @ApiProperty({ type: [PlanStepDto] }) steps!: PlanStepDto[];
  @ApiPropertyOptional({
    type: [PlanStepDto],
    description: 'Multimodal: the image and speech steps beside the text answer.',
  })
  media?: PlanStepDto[];
  @ApiProperty({ type: [String] }) notes!: string[];
}

export class ExplainResponseDto {
  @ApiProperty({ type: ClassificationDto }) classification!: ClassificationDto;
  @ApiProperty({ type: PlanDto }) plan!: PlanDto;
  @ApiProperty({
    type: ParameterPresetDto,
    description: 'Sampling parameters the policy sets for this request.',
  })
  params!: ParameterPresetDto;
  @ApiProperty({ enum: ['default', 'platform', 'tenant'] }) policy!: string;
}

export class ExplainRequestDto {
  @ApiPropertyOptional({ enum: ['auto'] }) model?: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    example: [{ role: 'user', content: 'Solve x^2 = 4' }],
  })
  messages!: unknown[];
  @ApiPropertyOptional() max_tokens?: number;
  @ApiPropertyOptional() stream?: boolean;
}

/** The MoE system's fields, on every orchestrated chat answer (and the last chunk of a stream). */
export class MoeMetadataDto {
  @ApiProperty({ type: [String], example: ['simulator/sim-reasoner', 'simulator/sim-gpt'] })
  models_used!: string[];
  @ApiProperty({ enum: PLAN_STRATEGIES }) strategy!: string;
  @ApiProperty({ description: 'Seconds.', example: 1.25 }) total_latency!: number;
  @ApiProperty({ example: { text: true, images: 0, audio: 0 } }) modalities!: Record<string, unknown>;
}

export class StepReportDto {
  @ApiProperty() id!: string;
  @ApiProperty() role!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ enum: ['ok', 'error'] }) status!: string;
  @ApiProperty() latency_ms!: number;
  @ApiProperty() prompt_tokens!: number;
  @ApiProperty() completion_tokens!: number;
  @ApiProperty({ description: 'Credits charged for the step.' }) cost!: string;
  @ApiPropertyOptional() error?: string;
}

export class SearchRunDto {
  @ApiProperty({ example: 'search-1' }) id!: string;
  @ApiProperty() query!: string;
  @ApiProperty({ enum: ['ok', 'error'] }) status!: string;
  @ApiProperty() results!: number;
  @ApiProperty() latency_ms!: number;
  @ApiProperty({ description: 'Credits charged (0 when the search failed).' }) cost!: string;
  @ApiPropertyOptional() error?: string;
}

export class SearchSourceDto {
  @ApiProperty({ description: 'The number the answer cites as [n].' }) index!: number;
  @ApiProperty() url!: string;
  @ApiProperty() title!: string;
}

/** `switchyard.search`: how the web was searched, each search, and the sources. */
export class SearchReportDto extends PlanSearchDto {
  @ApiProperty({ type: [SearchRunDto] }) searches!: SearchRunDto[];
  @ApiProperty({ type: [SearchSourceDto] }) sources!: SearchSourceDto[];
  @ApiPropertyOptional({
    example: 'the search failed (searxng answered 502): answered without sources, not charged',
  })
  note?: string;
}

/** The `switchyard` object of an orchestrated answer: the decision, and each step's accounts. */
export class SwitchyardExplanationDto extends ExplainResponseDto {
  @ApiProperty({ type: [StepReportDto] }) steps!: StepReportDto[];
  @ApiPropertyOptional({ example: 'majority (2 of 3)' }) decision?: string;
  @ApiPropertyOptional({ type: SearchReportDto }) search?: SearchReportDto;
}
