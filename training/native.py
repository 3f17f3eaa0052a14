"""Training data at native resolution for the trace branch, and the shortcut control both classes share.

Sources (split by file / grid / generator, never by crop):
- real: photos/train (BSDS500 JPEG), photos_hr (Urban100, Sun-Hays80 JPEG q95);
- generated: sd15_grids tiles (Stable Diffusion 1.5 fine-tunes, WebP), gen_train (22 generators, some held out
  as unseen), and our own fakes: real training photos round-tripped through the tiny FLUX.2 autoencoder.
Every picture, real or generated, goes through the same `degrade`: an optional downscale, then PNG (kept),
JPEG at a random quality or WebP at a random quality, so file format, compression and size say nothing about
the class.
"""
import io
import json
import os

import numpy as np
from PIL import Image, ImageFilter

import crops
import data

SD_GRID_SPLIT = {'train': 0.70, 'val': 0.13}  # the rest (~17%) is the held-out test split of the report
# gen_train generators never trained on, reported as unseen: families that diverse_train does not hold either
# (diffusion: Kolors, Karlo unCLIP, Hunyuan-DiT; commercial: Midjourney v3 / v6; autoregressive: DALL-E mini;
# GAN: BigGAN-deep).
UNSEEN_GENERATORS = ('kolors', 'karlo-unclip', 'hunyuan-dit', 'midjourney-v3', 'midjourney-v6', 'dalle-mini', 'biggan-deep-256')
# How an sd15_grids file is cut into its four pictures (inner seams trimmed): sd-tiles.json, which the evaluation
# (src/node/datasets.ts) reads too.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'sd-tiles.json')) as _tiles:
    SD_TILES = json.load(_tiles)['tiles']


def _rgb(path):
    return data.load_photo(path)


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
    return [grid[t['top']:t['top'] + t['height'], t['left']:t['left'] + t['width']] for t in SD_TILES]


def encode(image, fmt, quality, subsampling=None):
    """Re-save through PIL as the given format (JPEG 4:2:0 like most cameras and sites unless `subsampling`
    says otherwise) and decode again."""
    if fmt == 'png':
        return image
    buffer = io.BytesIO()
    options = {} if subsampling is None else {'subsampling': subsampling}
    Image.fromarray(image).save(buffer, format=fmt.upper(), quality=int(quality), **options)
    buffer.seek(0)
    return np.asarray(Image.open(buffer).convert('RGB'))


def resize(image, factor, resample=Image.BICUBIC):
    height, width = image.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(Image.fromarray(image).resize(size, resample, reducing_gap=None))


# Downscalers people's pictures meet: box (area averaging: this detector's own resample, and what browsers' canvas
# does for large reductions), bilinear and bicubic (canvas, photo apps), Lanczos (sharp's and most sites'
# default), Hamming.
DOWNSCALERS = (Image.BOX, Image.BILINEAR, Image.BICUBIC, Image.LANCZOS, Image.HAMMING)
UPSCALERS = (Image.BILINEAR, Image.BICUBIC, Image.LANCZOS)


def trim_edges(image, rng, most=8):
    """A few pixels cut off each edge (0..most): moves the JPEG 8-px and the 2x2 grid phase against the content."""
    height, width = image.shape[:2]
    top, left, bottom, right = (int(v) for v in rng.integers(0, most + 1, 4))
    if height - top - bottom < crops.CROP or width - left - right < crops.CROP:
        return image
    return image[top:height - bottom, left:width - right]


def rescale(image, rng):
    """Everyday resizing: a third of the time a downscale by 0.25-1x (never below one crop), a tenth of the time
    an upscale by up to 2x, each with a random resampler."""
    choice, short = rng.random(), min(image.shape[:2])
    if choice < 0.35:
        low = max(0.25, (crops.CROP + 2) / short)
        if low < 1:
            return resize(image, rng.uniform(low, 1.0), DOWNSCALERS[rng.integers(len(DOWNSCALERS))])
    elif choice < 0.45 and short <= 640:
        return resize(image, rng.uniform(1.1, 2.0), UPSCALERS[rng.integers(len(UPSCALERS))])
    return image


def blurred(image, sigma):
    """Gaussian blur of standard deviation `sigma` (PIL)."""
    return np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(sigma)))


def noised(image, sigma, rng):
    """Gaussian noise of standard deviation `sigma` on every channel, rounded and clamped."""
    return np.clip(np.round(image.astype(np.float32) + rng.normal(0, sigma, image.shape)), 0, 255).astype(np.uint8)


def blur_or_noise(image, rng):
    if rng.random() < 0.1:
        image = blurred(image, rng.uniform(0.3, 1.2))
    if rng.random() < 0.1:
        image = noised(image, rng.uniform(1.0, 4.0), rng)
    return image


def recompress(image, rng):
    """Kept (15%), JPEG q30-100 leaning to high qualities, 4:2:0 or 4:4:4 (65%), or WebP q50-100 (20%)."""
    choice = rng.random()
    if choice < 0.15:
        return image
    if choice < 0.8:
        quality = 100 - int(70 * rng.random() ** 2)
        return encode(image, 'jpeg', quality, 2 if rng.random() < 0.7 else 0)
    return encode(image, 'webp', rng.integers(50, 101))


# Share of training pictures given an earlier JPEG save before the chain (train.py --prior-save; 0: none, the
# shipped models' recipe). Real training photos mostly come from camera JPEGs and generated ones from PNG or WebP
# files, so how blocky a crop is at its blockiest 8-px phase tells the classes apart (controls.py's compression
# rows); a save both classes get alike, at a random grid phase, hides that history.
PRIOR_SAVE_SHARE = 0.0


def prior_save(image, rng):
    """A JPEG save at q60-95, 4:2:0 or 4:4:4, at a random grid phase against the source's own: what a camera,
    a site or an earlier edit leaves."""
    image = trim_edges(image, rng, most=7)
    return encode(image, 'jpeg', int(rng.integers(60, 96)), 2 if rng.random() < 0.7 else 0)


# Share of training pictures given a phone's or photo app's finishing before the chain (train.py --finishing; 0.3
# since the thirteenth round, the shipped models' recipe; 0: none, the seventh round's). Phones denoise, which smooths
# flat areas, and sharpen, which rings edges; the seventh round's models read smoothness as generation (the edit
# table's blur row flagged 5.5% of real pictures against 1% as is, and the test split's most suspect phone photo is a
# denoised iPhone HDR picture). Both classes get it alike. docs/models.md, "Thirteenth round".
FINISHING_SHARE = 0.3


def finish(image, rng):
    """A phone's or app's finishing: denoising (a 3x3 median, blended in by 30-100%), sharpening (an unsharp mask,
    radius 0.5-2 px, 50-200%), or the denoising then the sharpening, as a phone's pipeline does."""
    choice, picture = rng.random(), Image.fromarray(image)
    if choice < 0.7:
        smoothed = picture.filter(ImageFilter.MedianFilter(3))
        picture = Image.blend(picture, smoothed, float(rng.uniform(0.3, 1.0)))
    if choice >= 0.4:
        picture = picture.filter(ImageFilter.UnsharpMask(radius=float(rng.uniform(0.5, 2.0)),
                                                         percent=int(rng.integers(50, 201)), threshold=int(rng.integers(0, 4))))
    return np.asarray(picture)


def degrade(image, rng):
    """The shared augmentation, one random chain of everyday edits: the same distribution for real and
    generated pictures, so grid phase, size, resampling and compression say nothing about the class."""
    if PRIOR_SAVE_SHARE and rng.random() < PRIOR_SAVE_SHARE:
        image = prior_save(image, rng)
    if FINISHING_SHARE and rng.random() < FINISHING_SHARE:
        image = finish(image, rng)
    image = trim_edges(image, rng) if rng.random() < 0.5 else image
    return recompress(blur_or_noise(rescale(image, rng), rng), rng)


def random_windows(image, count, rng):
    """`count` 128x128 windows at random integer offsets (any phase of any grid)."""
    height, width = image.shape[:2]
    if min(height, width) < crops.CROP:
        return np.zeros((0, crops.CROP, crops.CROP, 3), np.uint8)
    tops, lefts = rng.integers(0, height - crops.CROP + 1, count), rng.integers(0, width - crops.CROP + 1, count)
    return np.stack([image[t:t + crops.CROP, l:l + crops.CROP] for t, l in zip(tops, lefts)])


# The detail-picked crops a training pool takes of each degraded picture: the judge's crops.MAX_CROPS until the
# nineteenth round raised that, kept so the training recipe (and the checkpoint's features) stay as they were.
POOL_CROPS = 5


def crop_pool(images, versions, rng, per_image=POOL_CROPS, random_per_image=2, owners=False):
    """uint8 [n, 128, 128, 3]: of `versions` degraded copies of each picture, the crops the browser would pick
    (after a random edge trim, so at any grid phase) plus a few windows at random offsets. With `owners`, also
    each crop's picture index ([n] int)."""
    pool, owner = [], []
    for index, image in enumerate(images):
        for _ in range(versions):
            degraded = degrade(image, rng)
            windows, _ = crops.crops_of(degraded, per_image)
            extra = random_windows(degraded, random_per_image, rng)
            pool += [windows, extra]
            owner += [index] * (len(windows) + len(extra))
    pool = [p for p in pool if len(p)]
    stacked = np.concatenate(pool) if pool else np.zeros((0, crops.CROP, crops.CROP, 3), np.uint8)
    return (stacked, np.array(owner, np.int64)) if owners else stacked


def split_pictures(table, label, split):
    """{group: [pictures]} of one label and split of training/data-splits.json (sd15 grids cut into tiles)."""
    out = {}
    for row in table:
        if row['label'] != label or row['split'] != split:
            continue
        path = os.path.join(data.DATA_DIR, row['file'])
        pictures = sd_tiles(path) if row['group'] == 'sd15-grids' else [_rgb(path)]
        out.setdefault(row['group'], []).extend(pictures)
    return out
