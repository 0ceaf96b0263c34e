import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import type { Complexity, Intent, Output } from './classification.types.js';
import { classifyByRules, RULES } from './rules-classifier.js';

type Row = [prompt: string, intent: Intent, complexity: Complexity, outputs: Output[], web?: boolean];

const T: Output[] = ['text'];
const TI: Output[] = ['text', 'image'];
const TA: Output[] = ['text', 'audio'];
const TIA: Output[] = ['text', 'image', 'audio'];

/** What the rules must find for each prompt: intent, complexity, outputs (and fresh facts). */
const TABLE: Row[] = [
  // chat
  ['Hello!', 'chat', 'simple', T],
  ['Hi there, how are you today?', 'chat', 'simple', T, true],
  ['Thanks, that was helpful.', 'chat', 'simple', T],
  ['What is the capital of France?', 'chat', 'simple', T],
  ['Who wrote Pride and Prejudice?', 'chat', 'simple', T],
  ['Can you recommend a good book for a long flight?', 'chat', 'simple', T],
  ['How do I make a good cup of coffee at home with a French press?', 'chat', 'moderate', T],
  ['Tell me about the history of the Roman Empire and why it matters for Europe', 'chat', 'moderate', T],
  // fresh facts
  ["What's the weather in Paris?", 'chat', 'simple', T, true],
  ['What are the latest news headlines?', 'chat', 'simple', T, true],
  ['Who won the match yesterday?', 'chat', 'simple', T, true],
  ['What is the current price of bitcoin?', 'chat', 'simple', T, true],
  ['Search the web for reviews of the new phone', 'chat', 'simple', T, true],
  // code
  ['Write a Python function that reverses a string', 'code', 'moderate', T],
  ['Fix this bug: TypeError: undefined is not a function', 'code', 'simple', T],
  ['```js\nconst x = 1;\nx = 2;\n```\nWhat is wrong?', 'code', 'simple', T],
  ['Write a SQL query that counts orders per customer', 'code', 'moderate', T],
  ['What does git rebase do?', 'code', 'simple', T],
  ['Refactor this TypeScript class to use dependency injection', 'code', 'simple', T],
  ['Design a scalable distributed job queue in Rust with retries and dead letters', 'code', 'complex', T],
  ['Explain step by step how this regex works: ^(a+)+$', 'code', 'complex', T],
  ['Implement a JSON parser server endpoint in Node.js with streaming', 'code', 'moderate', T],
  ['Write unit tests for my React component', 'code', 'moderate', T],
  // math
  ['What is 17 * 23?', 'math', 'simple', T],
  ['Solve x^2 - 5x + 6 = 0', 'math', 'simple', T],
  ['Prove that the square root of 2 is irrational', 'math', 'complex', T],
  ['What is the derivative of sin(x) * x?', 'math', 'simple', T],
  ['Calculate the probability of rolling two sixes with two dice', 'math', 'simple', T],
  ['What is 15 percent of 80?', 'math', 'simple', T],
  ['How many ways can 5 people sit around a round table? Explain.', 'math', 'moderate', T],
  ['Derive the formula for the sum of a geometric series in detail', 'math', 'complex', T],
  ['Compute the integral of x e^x dx and explain each step', 'math', 'moderate', T],
  // creative
  ['Write a haiku about autumn', 'creative', 'moderate', T],
  ['Tell me a joke', 'creative', 'simple', T],
  ['Write a short story about a robot who learns to paint, with a twist ending', 'creative', 'moderate', T],
  ['Compose a sonnet about the sea', 'creative', 'simple', T],
  ['Brainstorm ten names for a coffee shop', 'creative', 'simple', T],
  ['Write song lyrics about summer love', 'creative', 'moderate', T],
  [
    'Write a comprehensive, detailed fantasy novel outline with five characters and three acts',
    'creative',
    'complex',
    T,
  ],
  // analysis
  ['Compare Postgres and MySQL for a write-heavy workload', 'analysis', 'moderate', T],
  ['Analyze the implications of quantum computing on cryptography', 'analysis', 'complex', T],
  ['What are the pros and cons of remote work?', 'analysis', 'simple', T],
  ['Summarize this article in three bullet points', 'analysis', 'moderate', T],
  ['Evaluate the trade-offs between microservices and a monolith', 'analysis', 'complex', T],
  ['Why did the Roman Empire fall? Give the root cause.', 'analysis', 'moderate', T],
  ['Review my essay and critique its argument', 'analysis', 'moderate', T],
  // extraction
  ['Extract all the email addresses from this text: a@b.com, c@d.org', 'extraction', 'simple', T],
  ['Convert this list of names and dates into JSON', 'extraction', 'simple', T],
  ['Pull out the amounts and dates from the invoice below', 'extraction', 'simple', T],
  ['Return the people mentioned as a table', 'extraction', 'simple', T],
  ['Find all the phone numbers in this document and list them', 'extraction', 'simple', T],
  ['Named entities in: Barack Obama visited Berlin in 2008', 'extraction', 'simple', T],
  // image generation
  ['Draw a cat wearing a hat', 'image_generation', 'simple', TI],
  ['Generate an image of a sunset over the mountains', 'image_generation', 'simple', TI],
  ['Create a logo for my bakery', 'image_generation', 'simple', TI],
  ['Make me a picture of a dragon', 'image_generation', 'simple', TI],
  ['Paint a watercolor landscape with a lake', 'image_generation', 'simple', TI],
  ['Design a poster for a jazz concert', 'image_generation', 'simple', TI],
  // text + image (+ audio) on another intent
  ['Show me how photosynthesis works', 'chat', 'moderate', TI],
  ['Explain quantum physics with a diagram and read it aloud', 'chat', 'moderate', TIA],
  ['Read this aloud and show a visual: How do rockets work?', 'chat', 'moderate', TIA],
  ['Explain the water cycle with a chart', 'chat', 'moderate', TI],
  // speech
  ['Read this aloud: the quick brown fox', 'speech', 'simple', TA],
  ['Narrate a bedtime story about a bear', 'creative', 'simple', TA],
  ['Say good morning out loud', 'speech', 'simple', TA],
  ['How do you pronounce quinoa?', 'speech', 'moderate', TA],
];

describe('classifyByRules', () => {
  it('has at least 60 prompts', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
  });

  it.each(TABLE)('%s', (prompt, intent, complexity, outputs, web = false) => {
    const sut = classifyByRules({ text: prompt, hasImages: false, hasTools: false });
    expect({
      intent: sut.intent,
      complexity: sut.complexity,
      outputs: sut.outputs,
      needs_web: sut.needs_web,
    }).toEqual({ intent, complexity, outputs, needs_web: web });
    expect(sut.source).toBe('rules');
  });

  it('reads a request with images as vision, unless the task is another', () => {
    expect(
      classifyByRules({ text: 'What is in this picture?', hasImages: true, hasTools: false }).intent,
    ).toBe('vision');
    expect(
      classifyByRules({
        text: 'Extract all the names in this image as JSON',
        hasImages: true,
        hasTools: false,
      }).intent,
    ).toBe('vision');
  });

  it('is deterministic and says why', () => {
    const input = { text: 'Prove that there are infinitely many primes', hasImages: false, hasTools: false };
    expect(classifyByRules(input)).toEqual(classifyByRules(input));
    expect(classifyByRules(input).signals).toEqual(['intent:math', 'complexity:marker']);
  });

  // The last user message is the caller's, up to MAX_BODY_BYTES long. Two patterns backtracked
  // over runs of letters, digits or `a(`: 40,000 digits took 2 s, a megabyte would take twenty
  // minutes of the event loop. Each family below is a megabyte; every pattern must get through
  // it inside a 5 s budget that interrupts it (`vm`'s timeout stops a running regex, which jest's
  // timeout cannot): linear patterns take milliseconds, the old ones ran into the budget.
  const MB = 1024 * 1024;
  it.each([
    ['letters', 'a'.repeat(MB)],
    ['digits', '1'.repeat(MB)],
    ['calls without a closing parenthesis', 'a('.repeat(MB / 2)],
    ['calls without a body', 'f(x) '.repeat(MB / 5)],
    ['spaces after a name', 'x' + ' '.repeat(MB)],
    ['digits and spaces', '1 '.repeat(MB / 2)],
    ['punctuation', '.,;:!? '.repeat(MB / 7)],
    ['words', 'read the news today '.repeat(MB / 20)],
  ])('tests every pattern on a megabyte of %s in linear time', (_family, text) => {
    for (const patterns of Object.values(RULES)) {
      for (const pattern of patterns) {
        expect(() =>
          runInNewContext('pattern.test(text)', { pattern, text }, { timeout: 5_000 }),
        ).not.toThrow();
      }
    }
    expect(classifyByRules({ text, hasImages: false, hasTools: false }).source).toBe('rules');
  });

  it('still finds code and arithmetic after the patterns were bounded', () => {
    const intent = (text: string) => classifyByRules({ text, hasImages: false, hasTools: false }).intent;
    expect(intent('fix this: main(argc, argv) { return 0 }')).toBe('code');
    expect(intent('x.push_back(value);')).toBe('code');
    expect(intent('what is 1234 * 5678')).toBe('math');
    expect(intent('add 3+4')).toBe('math');
  });

  it('reads the ask at either end of a long message, and counts its size whole', () => {
    const pasted = 'lorem ipsum dolor sit amet '.repeat(20_000);
    const at = (text: string) => classifyByRules({ text, hasImages: false, hasTools: false });
    expect(at(`Write a haiku about this:\n${pasted}`).intent).toBe('creative');
    expect(at(`${pasted}\nWrite a haiku about the above.`).intent).toBe('creative');
    // In the middle, past both windows, the ask is not read: a long message is about its ends.
    expect(at(`${pasted}\nWrite a haiku.\n${pasted}`).intent).toBe('chat');
    expect(at(`Summarise:\n${pasted}`).signals).toContain(
      'complexity:size(100001 words, 2 lines, 0 questions)',
    );
  });
});
