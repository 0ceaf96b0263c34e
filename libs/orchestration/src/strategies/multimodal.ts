import type { Classification } from '../classification/classification.types.js';
import type { ModelSelector, SelectionContext } from '../planning/model-selector.js';
import type { OrchestrationPolicy } from '../policy/policy.types.js';
import type { ImageResult, SpeechResult } from '../step-runner.port.js';
import {
  lastUserText,
  stepOf,
  type Plan,
  type PlannedStep,
  type RunInput,
  type RunOutcome,
} from './strategy.js';

/** The most of the text answer the speech step reads (and the reservation covers). */
export const SPEECH_MAX_CHARS = 4_000;
/** The image prompt: the user's request, cut to what every image model takes (DALL-E 3: 4,000). */
export const IMAGE_PROMPT_MAX_CHARS = 4_000;
/** The voice of the narration. */
export const SPEECH_VOICE = 'alloy';
/** How many image or speech models a media step may fail over to (the chosen one included). */
const FAILOVER_DEPTH = 2;

/**
 * Multimodal planning: when the classification asks for an image and/or audio output, an
 * `illustrator` step (the policy's `roles.image_model`, operation `images`) and a `narrator` step
 * (`roles.speech_model`, operation `audio_speech`) beside the text plan. A modality without a
 * usable model is left out with a note: the text answer still comes.
 */
export function mediaSteps(
  classification: Classification,
  policy: OrchestrationPolicy,
  selector: ModelSelector,
  selection: SelectionContext,
): { steps: PlannedStep[]; notes: string[] } {
  const steps: PlannedStep[] = [];
  const notes: string[] = [];
  const wants = [
    ['image', 'illustrator', policy.roles.image_model, { operation: 'images' }],
    ['audio', 'narrator', policy.roles.speech_model, { operation: 'audio_speech' }],
  ] as const;
  for (const [output, role, list, request] of wants) {
    if (!classification.outputs.includes(output)) continue;
    const choices = selector.select(list ?? [], { ...selection, request }, FAILOVER_DEPTH);
    if (choices.length === 0) {
      notes.push(
        `the request asks for ${output === 'image' ? 'an image' : 'audio'}, but no model of roles.${role === 'illustrator' ? 'image_model' : 'speech_model'} is usable: text only`,
      );
      continue;
    }
    steps.push(
      stepOf(output === 'image' ? 'image' : 'speech', role, choices, {
        inputs: role === 'narrator' ? ['answer'] : [],
        overheadTokens: 0,
      }),
    );
  }
  return { steps, notes };
}

/**
 * Runs a plan with media steps: the image is drawn while the text plan runs (its prompt is the
 * user's request), the narration reads the text answer once it is written (its first
 * {@link SPEECH_MAX_CHARS} characters). A media step that fails is listed in the failures and the
 * answer goes on without it; a text plan that fails fails the request (after the image step ended,
 * so what ran is settled).
 */
export async function runWithMedia(
  plan: Plan,
  input: RunInput,
  runText: (plan: Plan, input: RunInput) => Promise<RunOutcome>,
): Promise<RunOutcome> {
  const image = plan.media?.find((s) => s.role === 'illustrator');
  const speech = plan.media?.find((s) => s.role === 'narrator');
  let answer = '';
  const sink = {
    reasoning: (text: string) => input.sink.reasoning(text),
    content: (text: string) => {
      answer += text;
      return input.sink.content(text);
    },
  };
  const failures: RunOutcome['failures'] = [];
  const failed = (step: PlannedStep) => (err: unknown) => {
    failures.push({
      id: step.id,
      model: step.targets[0]!.id,
      error: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  };
  const prompt = lastUserText(input.messages).slice(0, IMAGE_PROMPT_MAX_CHARS);
  const drawing: Promise<ImageResult | undefined> = image
    ? input.runner.image({ id: image.id, targets: image.targets, prompt }).catch(failed(image))
    : Promise.resolve(undefined);
  let outcome: RunOutcome;
  try {
    outcome = await runText(plan, { ...input, sink });
  } catch (err) {
    await drawing;
    throw err;
  }
  const text = [...answer.trim()].slice(0, SPEECH_MAX_CHARS).join('');
  let audio: SpeechResult | undefined;
  if (speech && text) {
    audio = await input.runner
      .speech({ id: speech.id, targets: speech.targets, text, voice: SPEECH_VOICE })
      .catch(failed(speech));
  } else if (speech)
    failures.push({
      id: speech.id,
      model: speech.targets[0]!.id,
      error: 'the text answer was empty: nothing to read',
    });
  const drawn = await drawing;
  return {
    ...outcome,
    failures: [...outcome.failures, ...failures],
    images: drawn ? [drawn] : [],
    audio: audio ? [audio] : [],
  };
}
