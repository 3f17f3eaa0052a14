/**
 * The in-the-wild section's building blocks (src/node/wild-edits.ts, src/node/evaluate-wild.ts), without models: each
 * edit does what the report says it does (sizes, pixels moved, patch pasted, seeded noise), and only test-split
 * pictures are ever picked, by role, `limit` per group.
 */
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../src/detector/preprocess';
import type { DataSplits, SplitPicture } from '../../src/node/evaluate-wild';
import { testPictures } from '../../src/node/evaluate-wild';
import { EDITS, PATCH_SIDE, REAL_FORMATS, patchSize, pasted, withNoise } from '../../src/node/wild-edits';

/** A picture whose every pixel is different from its neighbours (so shifts and pastes can be traced). */
function picture(width: number, height: number, salt = 0): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([(i * 7 + salt) % 256, (i * 13 + 3 * salt) % 256, (i * 29 + 5) % 256, 255], i * 4);
  return { width, height, data };
}

const grey = (width: number, height: number, value: number): RgbaImage => {
  const data = new Uint8Array(width * height * 4).fill(value);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width, height, data };
};

const pixel = (image: RgbaImage, x: number, y: number) => Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));

describe('wild edits', () => {
  const image = picture(300, 200);
  const donor = picture(400, 300, 50);

  it('has every condition of the report, in order', () => {
    expect(Object.keys(EDITS)).toEqual(['as is', 'shift 1 px', 'shift 2 px', 'short side 128', 'short side 129', 'enlarge 1.5x', 'jpeg q75', 'half + jpeg q85', 'blur sigma 1', 'noise sigma 3', 'real 256-px patch']);
    expect(Object.keys(REAL_FORMATS)).toEqual(['png', 'webp q80', 'jpeg q92', 'half size']);
  });

  it('shifts by cutting pixels off the top and the left', async () => {
    for (const [name, by] of [['shift 1 px', 1], ['shift 2 px', 2]] as const) {
      const out = await EDITS[name]!(image, donor, 1);
      expect([out.width, out.height]).toEqual([300 - by, 200 - by]);
      expect(pixel(out, 0, 0)).toEqual(pixel(image, by, by));
      expect(pixel(out, out.width - 1, out.height - 1)).toEqual(pixel(image, 299, 199));
    }
  });

  it('resizes to the sizes it names', async () => {
    const size = async (name: string, input = image) => { const out = await EDITS[name]!(input, donor, 1); return [out.width, out.height]; };
    expect(await size('short side 128')).toEqual([192, 128]);
    expect(await size('short side 128', picture(200, 300))).toEqual([128, 192]);
    expect((await size('short side 129'))[1]).toBe(129);
    expect(await size('short side 129', picture(129, 129))).toEqual([129, 129]);
    expect(await size('enlarge 1.5x')).toEqual([450, 300]);
    expect(await size('half + jpeg q85')).toEqual([150, 100]);
    expect(await size('jpeg q75')).toEqual([300, 200]);
    expect(await size('blur sigma 1')).toEqual([300, 200]);
    const half = await REAL_FORMATS['half size']!(image);
    expect([half.width, half.height]).toEqual([150, 100]);
  });

  it('changes pixels where it should: lossy and blur differ, PNG is exact, as is is the same object', async () => {
    expect(await EDITS['as is']!(image, donor, 1)).toBe(image);
    expect(Array.from((await REAL_FORMATS.png!(image)).data)).toEqual(Array.from(image.data));
    for (const name of ['jpeg q75', 'blur sigma 1']) {
      const out = await EDITS[name]!(image, donor, 1);
      expect(Array.from(out.data)).not.toEqual(Array.from(image.data));
    }
  });

  it('adds seeded Gaussian noise of the given sigma, alpha untouched', () => {
    const flat = grey(200, 200, 128);
    const a = withNoise(flat, 3, 7);
    expect(Array.from(withNoise(flat, 3, 7).data)).toEqual(Array.from(a.data));
    expect(Array.from(withNoise(flat, 3, 8).data)).not.toEqual(Array.from(a.data));
    const deltas: number[] = [];
    for (let i = 0; i < a.data.length; i++) {
      if (i % 4 === 3) expect(a.data[i]).toBe(255);
      else deltas.push(a.data[i]! - 128);
    }
    const mean = deltas.reduce((s, d) => s + d, 0) / deltas.length;
    const sd = Math.sqrt(deltas.reduce((s, d) => s + (d - mean) ** 2, 0) / deltas.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(sd).toBeGreaterThan(2.9);
    expect(sd).toBeLessThan(3.1);
  });

  it("pastes one of the donor's patches, exactly, clipped to both pictures", async () => {
    for (const [target, source] of [[grey(600, 500, 0), donor], [grey(300, 200, 0), donor], [grey(600, 500, 0), picture(100, 80, 9)]] as const) {
      const { width, height } = patchSize(target, source);
      expect([width, height]).toEqual([Math.min(PATCH_SIDE, target.width, source.width), Math.min(PATCH_SIDE, target.height, source.height)]);
      const out = await pasted(target, source, 11);
      expect(Array.from(await pasted(target, source, 11).then((again) => again.data))).toEqual(Array.from(out.data));
      const changed: [number, number][] = [];
      for (let y = 0; y < out.height; y++) for (let x = 0; x < out.width; x++) if (pixel(out, x, y).slice(0, 3).some((v) => v !== 0)) changed.push([x, y]);
      const left = Math.min(...changed.map(([x]) => x));
      const top = Math.min(...changed.map(([, y]) => y));
      // The top-left of the pasted region is a donor pixel; find it in the donor, then compare the whole patch.
      let at: [number, number] | null = null;
      for (let y = 0; y <= source.height - height && !at; y++) for (let x = 0; x <= source.width - width && !at; x++) if (pixel(source, x, y).join() === pixel(out, left, top).join() && pixel(source, x + width - 1, y + height - 1).join() === pixel(out, left + width - 1, top + height - 1).join()) at = [x, y];
      expect(at).not.toBeNull();
      for (let y = 0; y < height; y += 7) for (let x = 0; x < width; x += 7) expect(pixel(out, left + x, top + y)).toEqual(pixel(source, at![0] + x, at![1] + y));
      expect(changed.length).toBeLessThanOrEqual(width * height);
    }
  });
});

describe('wild test pictures', () => {
  const row = (file: string, label: SplitPicture['label'], group: string, generator: string, split: SplitPicture['split']): SplitPicture => ({ file, label, group, generator, split });
  const splits: DataSplits = {
    unseenGenerators: ['kolors'],
    pictures: [
      row('a.jpg', 'real', 'film', 'photo', 'test'),
      row('b.jpg', 'real', 'film', 'photo', 'train'),
      row('c.jpg', 'real', 'film', 'photo', 'test'),
      row('d.jpg', 'real', 'phones', 'Apple', 'validation'),
      row('e.jpg', 'real', 'web', 'web-photo', 'test'),
      row('k1.jpg', 'generated', 'kolors', 'kolors', 'test'),
      row('k2.jpg', 'generated', 'kolors', 'kolors', 'test'),
      row('s.jpg', 'generated', 'sd1', 'sd-1.x', 'test'),
      row('t.jpg', 'generated', 'sd1', 'sd-1.4', 'train'),
      row('g.webp', 'generated', 'sd15-grids', 'sd-1.5-finetunes', 'validation'),
    ],
  };

  it('takes test pictures only, by role, in order', () => {
    const roles = testPictures(splits);
    expect(roles.reals.map((p) => p.file)).toEqual(['a.jpg', 'c.jpg', 'e.jpg']);
    expect(roles.unseen.map((p) => p.file)).toEqual(['k1.jpg', 'k2.jpg']);
    expect(roles.seen.map((p) => p.file)).toEqual(['s.jpg']);
  });

  it('keeps the first `limit` of each group', () => {
    const roles = testPictures(splits, 1);
    expect(roles.reals.map((p) => p.file)).toEqual(['a.jpg', 'e.jpg']);
    expect(roles.unseen.map((p) => p.file)).toEqual(['k1.jpg']);
  });
});
