import type { CandidateList, OrchestrationPolicy } from './policy.types.js';

// Real catalog models first (used when their provider has a key), the simulator's last (the
// offline demo and the tests). Lists of equals are ranked by recent latency, then price.
const FAST: CandidateList = [
  ['openai/gpt-4.1-mini', 'gemini/gemini-2.5-flash', 'anthropic/claude-haiku-4-5-20251001'],
  'deepseek/deepseek-chat',
  'simulator/sim-gpt-mini',
];
const STRONG: CandidateList = [
  ['openai/gpt-5', 'anthropic/claude-sonnet-4-5-20250929', 'gemini/gemini-2.5-pro'],
  'deepseek/deepseek-chat',
  'simulator/sim-gpt',
];
const BALANCED: CandidateList = [
  ['openai/gpt-5-mini', 'gemini/gemini-2.5-flash', 'anthropic/claude-sonnet-4-5-20250929'],
  'deepseek/deepseek-chat',
  'simulator/sim-gpt',
];
const CODE: CandidateList = [
  ['anthropic/claude-sonnet-4-5-20250929', 'openai/gpt-5'],
  'gemini/gemini-2.5-pro',
  'deepseek/deepseek-chat',
  'simulator/sim-gpt',
];
const VISION: CandidateList = [
  ['openai/gpt-4.1-mini', 'gemini/gemini-2.5-flash'],
  'anthropic/claude-sonnet-4-5-20250929',
  'simulator/sim-gpt',
];

/** The platform default, shipped in code; operators replace it with PUT /api/v1/orchestration/policy. */
export const DEFAULT_POLICY: OrchestrationPolicy = {
  candidates: {
    chat: { simple: FAST, moderate: BALANCED, complex: STRONG },
    code: { simple: BALANCED, moderate: CODE, complex: CODE },
    math: { simple: BALANCED, moderate: STRONG, complex: STRONG },
    creative: { simple: BALANCED, moderate: STRONG, complex: STRONG },
    analysis: { simple: BALANCED, moderate: STRONG, complex: STRONG },
    extraction: { simple: FAST, moderate: FAST, complex: BALANCED },
    vision: { simple: VISION, moderate: VISION, complex: VISION },
  },
  roles: {
    reasoner: [
      'deepseek/deepseek-reasoner',
      ['openai/o4-mini', 'gemini/gemini-2.5-pro'],
      'anthropic/claude-sonnet-4-5-20250929',
      'simulator/sim-reasoner',
    ],
    judge: [
      ['openai/gpt-5', 'anthropic/claude-sonnet-4-5-20250929', 'gemini/gemini-2.5-pro'],
      'deepseek/deepseek-chat',
      'simulator/sim-gpt',
    ],
    // The catalog's image and speech models, the simulator's last.
    image_model: [
      'openai/gpt-image-1',
      'openai/dall-e-3',
      'xai/grok-2-image',
      'together/black-forest-labs/FLUX.1-schnell',
      'simulator/sim-image',
    ],
    speech_model: ['openai/tts-1', 'openai/tts-1-hd', 'simulator/sim-tts'],
  },
  strategies: [
    { intents: ['math'], complexities: ['moderate', 'complex'], strategy: 'mix' },
    { intents: ['code'], complexities: ['complex'], strategy: 'mix' },
    { intents: ['analysis'], complexities: ['complex'], strategy: 'vote' },
    { intents: ['creative'], complexities: ['complex'], strategy: 'chain' },
  ],
  presets: {
    chat: { temperature: 0.7, top_p: 1 },
    code: { temperature: 0.2, top_p: 0.95 },
    math: { temperature: 0, top_p: 1 },
    creative: { temperature: 1, top_p: 0.95, frequency_penalty: 0.3, presence_penalty: 0.3 },
    analysis: { temperature: 0.4, top_p: 1 },
    extraction: { temperature: 0, top_p: 1 },
    vision: { temperature: 0.3 },
  },
  vote: { voters: 3, quorum: 2, budget_ms: 30_000, short_answer_chars: 120 },
  selection: { max_error_rate: 0.5, step_max_tokens: 1024 },
  classifier: {},
};
