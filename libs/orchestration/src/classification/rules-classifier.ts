import type { Classification, ClassifierInput, Complexity, Intent, Output } from './classification.types.js';

/**
 * The rules: word patterns per signal, kept as data so they can be read (and printed) in one
 * place. Each pattern is tested on the lower-cased last user message, which the caller writes
 * and may make megabytes long: every pattern must cost time linear in it (bounded repeats after
 * an unanchored start; an unbounded one only where a lookbehind makes it start once per run).
 */
export const RULES = {
  /** Asking for a picture as the task itself. */
  imageGeneration: [
    /^(please\s+|can you\s+|could you\s+)?(draw|paint|sketch|illustrate)\b/,
    /\b(generate|create|make|design|render|produce)\s+(me\s+)?(an?\s+|the\s+|some\s+)?(\w+\s+){0,2}(image|picture|photo|illustration|logo|drawing|icon|wallpaper|poster)s?\b/,
    /\b(image|picture|photo)\s+of\b/,
  ],
  /** A picture alongside the answer ("show me", "with a diagram"). */
  wantsImage: [
    /\bshow me\b/,
    /\b(diagram|chart|infographic|visual|visualization|visualisation|illustration|sketch)\b/,
  ],
  /** Asking to hear it. */
  speech: [
    /\b(read|say|speak)\b.{0,40}\b(aloud|out loud)\b/,
    /\b(aloud|out loud)\b/,
    /\b(narrate|narration|voice ?over|text[- ]to[- ]speech|pronounce|pronunciation)\b/,
  ],
  code: [
    /```/,
    /\b(code|coding|function|method|class|script|program|compile|compiler|debug|bug|stack ?trace|exception|refactor|unit tests?|regex|regular expression|sql|query|api endpoint|typescript|javascript|python|java|rust|golang|c\+\+|c#|bash|shell|dockerfile|kubernetes|react|node\.?js|npm|git)\b/,
    /\b(implement|write)\b.{0,30}\b(algorithm|parser|server|cli|endpoint)\b/,
    // Starts only where a name starts, and the arguments are bounded: each is tried once per
    // name, so a long run of letters or of `a(` costs its length, not its square.
    /(?<![a-z_])[a-z_]+\([^)]{0,256}\)\s*[{;]/,
  ],
  math: [
    /\b(solve|equation|integral|integrate|derivative|differentiate|prove|proof|theorem|lemma|probability|calculate|compute|factor(ize|ise)?|simplify|matrix|eigen\w*|logarithm|sum of|how many ways|expected value|arithmetic|algebra|geometry|calculus)\b/,
    /(?<!\d)\d+\s*[-+*/^×÷]\s*\d/,
    /\b(what is|what's)\s+\d+(\.\d+)?\s*(percent|%)\s+of\b/,
    /\bx\s*[=+^]\s*|\bx\^2\b|\bsqrt\b/,
  ],
  extraction: [
    /\b(extract|parse|pull out|list all the|find all the|fill in|convert)\b.{0,60}\b(names?|dates?|emails?|addresses|fields?|entities|numbers|amounts|json|csv|table|values|phone numbers|keywords)\b/,
    /\b(as|into|to)\s+(json|csv|yaml|a table)\b/,
    /\b(extract|named entities|entity extraction)\b/,
  ],
  creative: [
    /\b(poem|poetry|haiku|sonnet|limerick|story|short story|fable|fairy tale|song|lyrics|rap|screenplay|script for a|novel|fiction|slogan|tagline|joke|riddle|rhyme)\b/,
    /\b(write|compose)\b.{0,30}\b(creative|imaginative|funny|whimsical)\b/,
    /\bbrainstorm\b/,
  ],
  analysis: [
    /\b(analy[sz]e|analysis|compare|comparison|contrast|evaluate|assess|critique|review|pros and cons|trade-?offs?|implications?|impact of|why did|root cause|explain why|summari[sz]e|summary of|break down)\b/,
  ],
  /** Something a model's training cannot know. */
  fresh: [
    /\b(today|tonight|yesterday|this (week|month|year|morning)|right now|currently|at the moment|latest|newest|recent|recently|breaking|news|headlines|up-to-date|as of now)\b/,
    /\b(weather|forecast|stock price|share price|exchange rate|score of|who won|election results|trending)\b/,
    /\b(search the web|look (it )?up|google|browse|on the internet|online)\b/,
    /\b(current)\s+(price|president|prime minister|ceo|version|rate|status|champion)\b/,
    /\bin 20(2[4-9]|[3-9]\d)\b/,
  ],
  /** Markers of a hard task (any one makes it complex). */
  complex: [
    /\b(step[- ]by[- ]step|in depth|in-depth|in detail|detailed|comprehensive|thorough|rigorous|exhaustive)\b/,
    /\b(prove|proof|derive|derivation|design (a|an|the) (system|architecture|database|schema|protocol|api|service)|architect|architecture|scalable|distributed|optimi[sz]e|trade-?offs?|implications?|multi-step|compare and contrast|research)\b/,
  ],
  /** Markers of more than a one-liner. */
  moderate: [
    /\b(explain|why|how (does|do|can|would|should|to)|describe|write|implement|compare|summari[sz]e|translate|outline|plan|review)\b/,
    /\bhow\b.{0,40}\bworks?\b/,
  ],
  /** Asking to be taught something: reading it aloud is then an output, not the task. */
  explanation: [/\b(explain|describe|teach me|tell me about|how (does|do|did|can|would) (?!you\b)\w+)/],
} as const;

/** How much of each end of a long message the patterns read, in UTF-16 code units (sizes count the whole of it). */
export const PATTERN_WINDOW = 8 * 1024;

/**
 * What the patterns are tested on: the message, or for a long one (a pasted document) its first
 * and last 8,192 characters, where the ask is. The patterns are linear, but a megabyte of some shapes still
 * costs them most of a second of the event loop.
 */
function patternText(raw: string): string {
  if (raw.length <= 2 * PATTERN_WINDOW) return raw;
  return `${raw.slice(0, PATTERN_WINDOW)}\n${raw.slice(-PATTERN_WINDOW)}`;
}

const any = (patterns: readonly RegExp[], text: string) => patterns.some((p) => p.test(text));

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function complexityOf(text: string, raw: string, signals: string[]): Complexity {
  const count = words(raw);
  const lines = raw.split('\n').length;
  const questions = (raw.match(/\?/g) ?? []).length;
  if (any(RULES.complex, text)) {
    signals.push('complexity:marker');
    return 'complex';
  }
  if (count > 80 || lines > 20 || questions >= 3) {
    signals.push(`complexity:size(${count} words, ${lines} lines, ${questions} questions)`);
    return 'complex';
  }
  if (count <= 12 && !any(RULES.moderate, text) && questions <= 1) {
    signals.push(`complexity:short(${count} words)`);
    return 'simple';
  }
  signals.push(`complexity:default(${count} words)`);
  return 'moderate';
}

/**
 * The rules classifier: deterministic, no call, microseconds. The intent is the first of image
 * generation, speech, vision, code, math, extraction, creative, analysis whose patterns match
 * (chat when none does); a request to draw or to read aloud is that intent only when it is the
 * whole task, otherwise it adds an output (`image`, `audio`) to the answer of another intent.
 */
export function classifyByRules(input: ClassifierInput): Classification {
  const raw = input.text;
  const text = patternText(raw).toLowerCase();
  const signals: string[] = [];
  const outputs = new Set<Output>(['text']);
  const drawing = any(RULES.imageGeneration, text);
  const seeing = drawing || any(RULES.wantsImage, text);
  const speaking = any(RULES.speech, text);
  if (seeing) outputs.add('image');
  if (speaking) outputs.add('audio');

  const matches: Array<[Intent, boolean]> = [
    ['code', any(RULES.code, text)],
    ['math', any(RULES.math, text)],
    ['extraction', any(RULES.extraction, text)],
    ['creative', any(RULES.creative, text)],
    ['analysis', any(RULES.analysis, text)],
  ];
  const task = matches.find(([, hit]) => hit)?.[0];
  let intent: Intent;
  if (drawing && (!task || task === 'creative')) intent = 'image_generation';
  else if (input.hasImages) intent = 'vision';
  else if (task) intent = task;
  else if (speaking && !seeing && !any(RULES.explanation, text)) intent = 'speech';
  else intent = 'chat';
  signals.push(`intent:${intent}`);
  if (seeing) signals.push('outputs:image');
  if (speaking) signals.push('outputs:audio');

  const needsWeb = any(RULES.fresh, text);
  if (needsWeb) signals.push('web:fresh-facts');
  return {
    intent,
    complexity: complexityOf(text, raw, signals),
    needs_web: needsWeb,
    outputs: [...outputs],
    source: 'rules',
    signals,
  };
}
