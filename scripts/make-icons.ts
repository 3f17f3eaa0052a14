/**
 * Renders the PWA icons in public/icons/ from icon.svg with sharp. The PNGs are committed; run this again only
 * when the SVG changes: npx tsx scripts/make-icons.ts
 */
import path from 'node:path';
import sharp from 'sharp';

const dir = path.resolve(import.meta.dirname, '../public/icons');
const svg = path.join(dir, 'icon.svg');

// "any" icons keep the rounded square; the maskable one fills the square, with the artwork inside the 80% safe zone.
for (const size of [192, 512]) {
  await sharp(svg, { density: 72 * (size / 512) * 4 }).resize(size, size).png({ compressionLevel: 9 }).toFile(path.join(dir, `icon-${size}.png`));
}
await sharp(svg).resize(180, 180).flatten({ background: '#2f5bd3' }).png({ compressionLevel: 9 }).toFile(path.join(dir, 'apple-touch-icon.png'));
const inner = await sharp(svg).resize(410, 410).png().toBuffer();
await sharp({ create: { width: 512, height: 512, channels: 4, background: '#2f5bd3' } })
  .composite([{ input: inner, gravity: 'center' }])
  .png({ compressionLevel: 9 })
  .toFile(path.join(dir, 'maskable-512.png'));
console.log('icons written to', dir);
