import { COMPLEXITIES, INTENTS, OUTPUTS } from './classification.types.js';

/** The prompt and the strict JSON schema of the LLM classifier, kept in one place. */

/** The name of the response_format json_schema (the simulator answers it with a classification). */
export const CLASSIFICATION_SCHEMA_NAME = 'switchyard_classification';

export const CLASSIFIER_SYSTEM =
  'Classify the user request for a model router. Reply with JSON only, matching the schema. ' +
  `intent: one of ${INTENTS.join(', ')} (vision: the request is about images it includes; ` +
  'image_generation: the task is to make a picture; speech: the task is to say something aloud). ' +
  'complexity: simple (a short fact or one-liner), moderate, or complex (multi-step reasoning, ' +
  'long or expert work). needs_web: true when the answer needs facts newer than your training ' +
  '(news, prices, weather, recent events). outputs: what the answer should carry besides text ' +
  '("image" for a picture or diagram, "audio" for narration); always include "text".';

export const CLASSIFICATION_JSON_SCHEMA = {
  name: CLASSIFICATION_SCHEMA_NAME,
  strict: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['intent', 'complexity', 'needs_web', 'outputs'],
    properties: {
      intent: { type: 'string', enum: [...INTENTS] },
      complexity: { type: 'string', enum: [...COMPLEXITIES] },
      needs_web: { type: 'boolean' },
      outputs: { type: 'array', items: { type: 'string', enum: [...OUTPUTS] } },
    },
  },
} as const;

/** The classifier's answer is at most this long (the JSON above is well under 100 tokens). */
export const CLASSIFIER_MAX_TOKENS = 200;
