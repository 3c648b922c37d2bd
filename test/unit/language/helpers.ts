import { ActivationRecogniser } from '../../../src/language/recogniser';
import type { Recognition } from '../../../src/language/types';

let n = 0;
/** Recognises at the first occurrence of `marker` (plus `delta` characters) in `text`. */
export async function at(
  text: string,
  marker: string,
  languageId = 'python',
  delta = 0,
): Promise<Recognition | undefined> {
  const i = text.indexOf(marker);
  if (i < 0) throw new Error(`marker '${marker}' not in text`);
  const r = new ActivationRecogniser((e) => {
    throw e;
  });
  return r.recognise({ key: `doc${n++}`, version: 1, languageId, getText: () => text }, i + delta);
}
