import { createHash } from 'node:crypto';
import type { Exchange } from './exchange.types.js';
import { badRequest } from './bad-request.util.js';
import { sendPayload, sendResult } from './http.util.js';
import { asRecord, asString } from './json.util.js';
import { toSrt, toVtt } from './subtitle.format.js';
import { tokenIds } from './tokens.util.js';
import { encodeSpeechWav, inspectWav } from './wav.codec.js';

/** Assumed bitrate for files we can't measure (a 128 kbit/s MP3), to give them a duration. */
const UNKNOWN_BYTES_PER_SECOND = 16_000;

/** Each voice gets its own pitch between 220 and 660 Hz, so voices are audibly distinct. */
function voiceFrequency(voice: string): number {
  return 220 + (createHash('sha256').update(voice).digest().readUInt16LE(0) % 441);
}

/** POST /v1/audio/speech: always a WAV (whatever `response_format` asks), text embedded. */
export async function handleSpeech(ex: Exchange): Promise<void> {
  const body = asRecord(ex.body);
  const input = asString(body.input);
  if (input === null || input === '') return badRequest(ex, "Missing required parameter: 'input'.", 'input');
  const wav = encodeSpeechWav(input, voiceFrequency(asString(body.voice) ?? 'alloy'));
  sendPayload(ex, 'audio/wav', wav);
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** POST /v1/audio/transcriptions and /v1/audio/translations (multipart). */
export async function handleTranscription(ex: Exchange): Promise<void> {
  if (!ex.form) return badRequest(ex, 'Expected a multipart/form-data body.', 'file');
  const { fields, files } = ex.form;
  const file = files.find((f) => f.name === 'file');
  if (!file) return badRequest(ex, "Missing required parameter: 'file'.", 'file');
  if (!fields.model) return badRequest(ex, "Missing required parameter: 'model'.", 'model');
  const wav = inspectWav(file.data);
  const text = wav.text ?? `transcript of ${file.filename} (${file.data.length} bytes)`;
  const duration = round3(wav.durationSeconds ?? file.data.length / UNKNOWN_BYTES_PER_SECOND);
  const usage = { type: 'duration', seconds: Math.ceil(duration) };
  const translate = ex.path.endsWith('/translations');
  const plain = 'text/plain; charset=utf-8';
  switch (fields.response_format ?? 'json') {
    case 'json':
      return sendResult(ex, { text, usage });
    case 'text':
      return sendPayload(ex, plain, text);
    case 'srt':
      return sendPayload(ex, plain, toSrt(text, duration));
    case 'vtt':
      return sendPayload(ex, plain, toVtt(text, duration));
    case 'verbose_json': {
      const segment = {
        id: 0,
        seek: 0,
        start: 0,
        end: duration,
        text,
        tokens: tokenIds(text),
        temperature: 0,
        avg_logprob: -0.1,
        compression_ratio: 1,
        no_speech_prob: 0,
      };
      const language = translate ? 'english' : (fields.language ?? 'english');
      const task = translate ? 'translate' : 'transcribe';
      return sendResult(ex, { task, language, duration, text, segments: [segment], usage });
    }
    default:
      return badRequest(ex, `Invalid response_format: ${fields.response_format}.`, 'response_format');
  }
}
