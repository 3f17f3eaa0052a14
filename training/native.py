"""Training data at native resolution for the trace branch, and the shortcut control both classes share.

Sources (split by file / grid / generator, never by crop):
- real: photos/train (BSDS500 JPEG), photos_hr (Urban100, Sun-Hays80 JPEG q95);
- generated: sd15_grids tiles (Stable Diffusion 1.5 fine-tunes, WebP), gen_train (22 generators, some held out
  as unseen), and our own fakes: real training photos round-tripped through the tiny FLUX.2 autoencoder.
Every picture, real or generated, goes through the same `degrade`: an optional downscale, then PNG (kept),
JPEG at a random quality or WebP at a random quality, so file format, compression and size say nothing about
the class.
"""
import csv
import io
import os

import numpy as np
from PIL import Image

import crops
import data

SD_GRID_SPLIT = {'train': 0.70, 'val': 0.13}  # the rest (~17%) is the held-out test split of the report
# gen_train generators never trained on: reported as unseen.
UNSEEN_GENERATORS = ('dall-e-2', 'kolors', 'stylegan1', 'karlo-unclip', 'midjourney-v6')
TILE_MARGIN = 4  # WebP deblocking mixes the 1-2 px beside each inner seam of the 2x2 grids


def _rgb(path):
    with Image.open(path) as image:
        return np.asarray(image.convert('RGB'))


def photo_split(rng_seed):
    """Real photographs: (train paths, val paths). photos/val stays an evaluation set."""
    rng = np.random.default_rng(rng_seed)
    bsds = data.photo_paths('train')
    order = rng.permutation(len(bsds))
    hr_folder = os.path.join(data.DATA_DIR, 'photos_hr')
    hr = sorted(os.path.join(hr_folder, f) for f in os.listdir(hr_folder) if f.endswith('.jpg'))
    hr_order = rng.permutation(len(hr))
    val = [bsds[i] for i in order[:40]] + [hr[i] for i in hr_order[:8]]
    train = [bsds[i] for i in order[40:]] + [hr[i] for i in hr_order[8:]]
    return train, val


def sd_grid_split(rng_seed):
    folder = os.path.join(data.DATA_DIR, 'sd15_grids')
    grids = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith('.webp'))
    order = np.random.default_rng(rng_seed).permutation(len(grids))
    n_train, n_val = int(len(grids) * SD_GRID_SPLIT['train']), int(len(grids) * SD_GRID_SPLIT['val'])
    pick = lambda idx: [grids[i] for i in sorted(idx)]
    return {'train': pick(order[:n_train]), 'val': pick(order[n_train:n_train + n_val]),
            'test': pick(order[n_train + n_val:])}


def sd_tiles(grid_path):
    grid = _rgb(grid_path)
    tiles = []
    for row in (0, 1):
        for col in (0, 1):
            top, left = 512 * row + (TILE_MARGIN if row else 0), 512 * col + (TILE_MARGIN if col else 0)
            tiles.append(grid[top:top + 512 - TILE_MARGIN, left:left + 512 - TILE_MARGIN])
    return tiles


def gen_train_images(unseen):
    """{generator: [pictures]} of gen_train, seen generators (unseen=False) or the held-out ones (True)."""
    folder = os.path.join(data.DATA_DIR, 'gen_train')
    by_generator = {}
    with open(os.path.join(folder, 'index.csv')) as f:
        for row in csv.DictReader(f):
            if (row['generator'] in UNSEEN_GENERATORS) == unseen:
                by_generator.setdefault(row['generator'], []).append(_rgb(os.path.join(folder, row['file'])))
    return by_generator


def encode(image, fmt, quality):
    """Re-save through PIL as the given format (JPEG 4:2:0 like most cameras and sites) and decode again."""
    if fmt == 'png':
        return image
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format=fmt.upper(), quality=int(quality))
    buffer.seek(0)
    return np.asarray(Image.open(buffer).convert('RGB'))


def resize(image, factor, resample=Image.BICUBIC):
    height, width = image.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(Image.fromarray(image).resize(size, resample, reducing_gap=None))


def degrade(image, rng):
    """The shared augmentation: same distribution for real and generated pictures."""
    if rng.random() < 0.25:
        factor = rng.uniform(0.5, 0.9)
        if min(image.shape[:2]) * factor > crops.CROP + 8:
            image = resize(image, factor, [Image.BILINEAR, Image.BICUBIC, Image.LANCZOS][rng.integers(3)])
    choice = rng.random()
    if choice < 0.15:
        return image
    if choice < 0.8:
        return encode(image, 'jpeg', rng.integers(60, 101))
    return encode(image, 'webp', rng.integers(70, 101))


def crop_pool(images, versions, rng, per_image=crops.MAX_CROPS + 3):
    """uint8 [n, 128, 128, 3]: the crops the browser would pick (plus a few more) of `versions` degraded copies
    of each picture. Training sees what inference sees: detailed windows on the 64-px grid."""
    pool = []
    for image in images:
        for _ in range(versions):
            windows, _ = crops.crops_of(degrade(image, rng), per_image)
            pool.append(windows)
    return np.concatenate(pool) if pool else np.zeros((0, crops.CROP, crops.CROP, 3), np.uint8)
