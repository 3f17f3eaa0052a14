/** Format sniffing and refusals before decoding (src/detector/image-format.ts) and CSV formula injection. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField, parseCsv, toCsv } from '../../src/detector/export';
import { headerSize, refuseBeforeDecoding, sniffImageFormat } from '../../src/detector/image-format';
import { HOSTILE_FILES, giantPngHeader, writeHostileCorpus } from '../fixtures/hostile';

let dir: string;
let files: Map<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'deepfake-hostile-unit-'));
  files = await writeHostileCorpus(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (name: string) => new Uint8Array(readFileSync(files.get(name)!));

describe('sniffImageFormat', () => {
  it('names every file of the hostile corpus from its first bytes', () => {
    const expected: Record<string, string> = {
      'empty.png': 'empty', 'truncated.jpg': 'jpeg', 'truncated.png': 'png', 'random.png': 'unknown', 'notes.txt': 'text',
      'document.pdf': 'pdf', 'script.svg': 'svg', 'one-pixel.png': 'png', 'giant-20000x20000.png': 'png', 'deep-16bit.png': 'png',
      'gray.png': 'png', 'palette.png': 'png', 'alpha.png': 'png', 'transparent.png': 'png', 'white.png': 'png', 'cmyk.jpg': 'jpeg',
      'exif-rotated.jpg': 'jpeg', 'animated.gif': 'gif', 'photo.webp': 'webp', 'photo.avif': 'avif', 'photo.heic': 'heic',
    };
    expect(Object.keys(expected).sort()).toEqual(HOSTILE_FILES.map((file) => file.name).sort());
    for (const [name, format] of Object.entries(expected)) expect(sniffImageFormat(bytes(name)), name).toBe(format);
  });
});

describe('refuseBeforeDecoding', () => {
  it('refuses exactly the files the corpus expects to be refused before any decoder, with their message', () => {
    for (const file of HOSTILE_FILES) {
      const reason = refuseBeforeDecoding(bytes(file.name));
      // Unknown bytes and truncated files go to the decoder, which then refuses them in its own words.
      const decoderRefuses = ['random.png', 'truncated.jpg', 'truncated.png'].includes(file.name);
      if (file.expect === 'error' && !decoderRefuses) expect(reason, file.name).toMatch(file.message!);
      else expect(reason, file.name).toBeNull();
    }
  });

  it('reads a 20000x20000 PNG from its IHDR (a few hundred bytes on disk) and refuses it', () => {
    const header = new Uint8Array(giantPngHeader(20000, 20000));
    expect(header.length).toBeLessThan(200_000);
    expect(headerSize(header)).toEqual({ width: 20000, height: 20000 });
    expect(refuseBeforeDecoding(header)).toBe('image is 20000x20000 (400 megapixels); the limit is 100 megapixels');
  });
});

describe('CSV export', () => {
  it('neutralises cells a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1+2')).toBe("'+1+2");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('photo.png')).toBe('photo.png');
    // Numbers stay numbers.
    expect(csvField(-0.25)).toBe('-0.25');
  });

  it('keeps such a file name readable after a round trip, with the leading quote', () => {
    const row = { file: '=cmd|calc!A0.png', ok: true as const, score: 0.5, isFake: false, scores: { svdd: 0.4, autoencoder: 0.6 }, threshold: 0.7, modelVersion: 'v' };
    const error = { file: '@evil.jpg', ok: false as const, error: '-not an image', threshold: 0.7, modelVersion: 'v' };
    const [first, second] = parseCsv(toCsv([row, error]));
    expect(first!.file).toBe("'=cmd|calc!A0.png");
    expect(first!.score).toBe('0.5');
    expect(second!.file).toBe("'@evil.jpg");
    expect(second!.error).toBe("'-not an image");
  });
});
