/** The verdict words every surface uses, and the page's line on generators never trained on (src/detector/verdict.ts). */
import { describe, expect, it } from 'vitest';
import { VERDICT_WORDS, unseenGeneratorsLine, verdictWords } from '../../src/detector/verdict';
import { shippedManifest } from './helpers';

describe('verdict words', () => {
  it('never calls a picture under the threshold real', () => {
    expect(verdictWords(true)).toBe('Likely generated');
    expect(verdictWords(false)).toBe('No sign of generation found');
    for (const words of Object.values(VERDICT_WORDS)) expect(words).not.toMatch(/\breal\b|\bfake\b/i);
  });
});

describe('unseenGeneratorsLine', () => {
  it('says what the default threshold caught of generators never trained on, with how many pictures', () => {
    expect(unseenGeneratorsLine({ wild: { unseenGenerators: { caughtAtDefault: 0.7236, count: 1500 } } })).toBe(
      'At the default threshold it caught 72.4% of pictures from generators it never trained on (1,500 pictures).',
    );
    expect(unseenGeneratorsLine({ wild: { unseenGenerators: { caughtAtDefault: 1, count: 1 } } })).toBe(
      'At the default threshold it caught 100% of pictures from generators it never trained on (1 picture).',
    );
    expect(unseenGeneratorsLine({ wild: { unseenGenerators: { caughtAtDefault: 0.5 } } })).toBe(
      'At the default threshold it caught 50% of pictures from generators it never trained on.',
    );
  });

  it('gives the share\'s 95% interval beside the count when the evaluation measured one', () => {
    expect(unseenGeneratorsLine({ wild: { unseenGenerators: { caughtAtDefault: 0.35821, count: 67, caughtInterval95: [0.25398, 0.47781] } } })).toBe(
      'At the default threshold it caught 35.8% of pictures from generators it never trained on (67 pictures; 95% interval 25.4%-47.8%).',
    );
    expect(unseenGeneratorsLine({ wild: { unseenGenerators: { caughtAtDefault: 0.5, count: 4, caughtInterval95: null } } })).toBe(
      'At the default threshold it caught 50% of pictures from generators it never trained on (4 pictures).',
    );
  });

  it('adds what it caught of generated photographs when the evaluation split them out', () => {
    expect(unseenGeneratorsLine({ wild: { unseenGenerators: { caughtAtDefault: 0.358, count: 67 }, bySubject: { photograph: { caught: 0.24051 } } } })).toBe(
      'At the default threshold it caught 35.8% of pictures from generators it never trained on (67 pictures), '
        + 'and 24.1% of generated pictures that look like photographs.',
    );
    expect(unseenGeneratorsLine({ wild: { unseenGenerators: { caughtAtDefault: 0.5 }, bySubject: { photograph: { caught: null } } } })).toBe(
      'At the default threshold it caught 50% of pictures from generators it never trained on.',
    );
    // The shipped manifest carries the split, so the page says both.
    expect(unseenGeneratorsLine(shippedManifest().metrics)).toMatch(/that look like photographs\.$/);
  });

  it('says nothing when the evaluation did not measure it', () => {
    expect(unseenGeneratorsLine(null)).toBeNull();
    expect(unseenGeneratorsLine({})).toBeNull();
    expect(unseenGeneratorsLine({ wild: {} })).toBeNull();
    expect(unseenGeneratorsLine({ wild: { unseenGenerators: { count: 10 } } })).toBeNull();
    expect(unseenGeneratorsLine({ wild: { unseenGenerators: { caughtAtDefault: null, count: 0 } } })).toBeNull();
    const { metrics } = shippedManifest();
    if (metrics?.wild?.unseenGenerators?.caughtAtDefault === undefined) expect(unseenGeneratorsLine(metrics)).toBeNull();
    else expect(unseenGeneratorsLine(metrics)).toMatch(/^At the default threshold it caught /);
  });
});
