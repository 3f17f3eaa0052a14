"""Loading the natural-image training sets and the exact area resampling the browser uses.

The browser (src/detector/preprocess.ts) centre-crops every picture to a square and area-averages it to
128x128; each network's graph then area-averages 4x4 down to 32x32. Box filters compose, so what a network
sees is the picture area-averaged straight to 32x32. Training does that here once, in numpy, with the same
arithmetic, and trains the networks at 32x32.
"""
import gzip
import json
import os

import numpy as np
from PIL import Image

DATA_DIR = os.environ.get('DATA_DIR', os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data'))
TRAINING_SETS = ('cifar10_train', 'cifar100_train_subset')


def load_set(name, limit=None):
    """Pixels of one NHWC uint8 set from ../shared/data, RGB even for grayscale sets."""
    with open(os.path.join(DATA_DIR, name + '.json')) as f:
        meta = json.load(f)
    shape = (meta['count'], meta['height'], meta['width'], meta['channels'])
    with gzip.open(os.path.join(DATA_DIR, meta['file'])) as f:
        pixels = np.frombuffer(f.read(), np.uint8).reshape(shape)
    with gzip.open(os.path.join(DATA_DIR, meta['labels_file'])) as f:
        labels = np.frombuffer(f.read(), np.uint8)
    if limit is not None:
        pixels, labels = pixels[:limit], labels[:limit]
    if pixels.shape[-1] == 1:
        pixels = np.repeat(pixels, 3, axis=-1)
    return pixels, labels


def area_weights(in_size, out_size):
    """Matrix [out, in]: each output pixel is the mean of the source span it covers (fractional edges)."""
    scale = in_size / out_size
    weights = np.zeros((out_size, in_size), np.float64)
    for out_index in range(out_size):
        start, end = out_index * scale, (out_index + 1) * scale
        for in_index in range(int(np.floor(start)), min(in_size, int(np.ceil(end)))):
            overlap = min(end, in_index + 1) - max(start, in_index)
            if overlap > 0:
                weights[out_index, in_index] = overlap / scale
    return weights


def area_resize(image_hwc, out_size):
    """Area-average an HxWx3 uint8/float image to out_size x out_size (float64, 0..255)."""
    height, width = image_hwc.shape[:2]
    rows, cols = area_weights(height, out_size), area_weights(width, out_size)
    image = image_hwc.astype(np.float64)
    vertical = (rows @ image.reshape(height, width * 3)).reshape(out_size, width, 3)
    return np.einsum('pw,owc->opc', cols, vertical)


def centre_square(image_hwc):
    """The same centre square crop as the browser: side = min(w, h), offsets floored."""
    height, width = image_hwc.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    return image_hwc[top:top + side, left:left + side]


def load_photo(path):
    """8-bit RGB; transparency composited on white, as the manifest's input.alphaBackground says and the browser
    and the CLI do (src/detector/composite.ts), not dropped."""
    with Image.open(path) as image:
        if image.mode in ('RGBA', 'LA', 'PA') or (image.mode == 'P' and 'transparency' in image.info):
            rgba = image.convert('RGBA')
            white = Image.new('RGBA', rgba.size, (255, 255, 255, 255))
            return np.asarray(Image.alpha_composite(white, rgba).convert('RGB'))
        return np.asarray(image.convert('RGB'))


def photo_paths(split):
    folder = os.path.join(DATA_DIR, 'photos', split)
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.lower().endswith(('.jpg', '.png')))


def photo_crops(photos, count, rng, out_size=32, min_side=32):
    """Random square crops at scales from min_side px to the whole short side, area-averaged to out_size.

    Whole photos and large crops teach the networks what a megapixel picture looks like once averaged down;
    small crops what a thumbnail looks like."""
    crops = np.empty((count, out_size, out_size, 3), np.float32)
    for index in range(count):
        photo = photos[rng.integers(len(photos))]
        height, width = photo.shape[:2]
        short = min(height, width)
        side = int(round(np.exp(rng.uniform(np.log(min_side), np.log(short)))))
        top, left = rng.integers(0, height - side + 1), rng.integers(0, width - side + 1)
        crop = photo[top:top + side, left:left + side]
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        crops[index] = area_resize(crop, out_size)
    return crops


def jpeg_roundtrip(images_u8, quality_range, rng):
    """Re-encode 32x32 uint8 images as JPEG at random qualities: real pictures arrive as JPEG."""
    import io
    out = np.empty_like(images_u8)
    for index, image in enumerate(images_u8):
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format='JPEG', quality=int(rng.integers(*quality_range)))
        buffer.seek(0)
        out[index] = np.asarray(Image.open(buffer).convert('RGB'))
    return out
