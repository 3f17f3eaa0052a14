"""Data of the whole-image view (32x32): CIFAKE's train split (the last 10,000 held for validation), lossless
CIFAR-10 / CIFAR-100 train pictures, and 32-px crops and whole views of the training photographs.

Reads ../shared/data (cifake_train, cifar10_train, cifar100_train_subset, the photographs it is given); writes
nothing: returns float tensors in [0, 1]."""
import gzip
import io
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import data
from common import log, to_tensor


CIFAKE_VALIDATION = 10_000  # the last 10,000 of the shuffled CIFAKE train split


def load_cifake(limit=None):
    """CIFAKE train split: uint8 [N, 32, 32, 3] decoded from the original JPEG bytes, labels (1 = generated)."""
    with open(os.path.join(data.DATA_DIR, 'cifake_train.json')) as f:
        meta = json.load(f)
    read = lambda name: gzip.open(os.path.join(data.DATA_DIR, meta[name])).read()
    blob, sizes = read('file'), struct.unpack(f'<{meta["count"]}I', read('sizes_file'))
    labels = np.frombuffer(read('labels_file'), np.uint8)
    count = len(sizes) if limit is None else min(limit, len(sizes))
    pixels = np.empty((count, 32, 32, 3), np.uint8)
    offset = 0
    for index in range(count):
        pixels[index] = np.asarray(Image.open(io.BytesIO(blob[offset:offset + sizes[index]])).convert('RGB'))
        offset += sizes[index]
    return pixels, labels[:count].copy()


def jpeg_some(images, rng, share=0.5):
    """Lossless 32-px pictures (uint8 or float 0..255) with a random `share` JPEG-encoded at q60-100, the rest kept
    lossless. Applied alike to the lossless real sources and to our own lossless fakes: CIFAKE is JPEG on both
    sides, and a network that only ever saw JPEG called every lossless picture suspicious (a third of lossless
    CIFAR-10 above the 99th percentile of validation reals), or with lossless reals only, every lossless fake real."""
    out = np.clip(np.round(np.asarray(images, np.float32)), 0, 255).astype(np.uint8)
    picked = rng.random(len(out)) < share
    out[picked] = data.jpeg_roundtrip(out[picked], (60, 101), rng)
    return out.astype(np.float32)


def without_copies(images, others, max_mean_difference=12.0):
    """`images` minus those with a near copy in `others` (mean absolute difference under 12 of 255; JPEG copies
    differ by 2-10, distinct pictures by 15 or more). CIFAKE's real side is CIFAR-10's train split, as is
    cifar10_train: this keeps our lossless copies of CIFAKE's validation reals out of training."""
    mine, theirs = to_tensor(images), to_tensor(others)
    with torch.no_grad():
        nearest = torch.cat([torch.cdist(F.avg_pool2d(mine[i:i + 2048], 4).flatten(1), F.avg_pool2d(theirs, 4).flatten(1)).argmin(1)
                             for i in range(0, len(mine), 2048)])
        difference = (mine - theirs[nearest]).abs().flatten(1).mean(1) * 255
    return images[(difference >= max_mean_difference).numpy()]


def build_whole_view(args, rng, train_photos, val_photos):
    """Whole-image view at 32x32: (normal train, generated train, validation parts by name, lossless natural
    pictures for the simulators)."""
    pixels, labels = load_cifake(args.limit and 3 * args.limit)
    n_val = min(CIFAKE_VALIDATION, len(pixels) // 5)
    train_px, train_lb, val_px, val_lb = pixels[:-n_val], labels[:-n_val], pixels[-n_val:], labels[-n_val:]
    cifar10, _ = data.load_set('cifar10_train', args.limit)
    cifar100, _ = data.load_set('cifar100_train_subset', args.limit)
    lossless = np.concatenate([without_copies(cifar10, val_px[val_lb == 0]), cifar100])
    photo_crop_count = max(200, len(train_px) // 10)
    normal = np.concatenate([
        train_px[train_lb == 0].astype(np.float32),
        jpeg_some(data.photo_crops(train_photos, photo_crop_count, rng), rng),
        jpeg_some(np.stack([data.area_resize(data.centre_square(p), 32) for p in train_photos]), rng),
        jpeg_some(lossless, rng),
    ])
    generated = train_px[train_lb == 1].astype(np.float32)
    val_parts = {
        'cifake_real': val_px[val_lb == 0].astype(np.float32),
        'cifake_fake': val_px[val_lb == 1].astype(np.float32),
        'photo_crops': jpeg_some(data.photo_crops(val_photos, max(100, n_val // 5), rng), rng),
        'photos_whole': np.stack([data.area_resize(data.centre_square(p), 32) for p in val_photos]).astype(np.float32),
    }
    log(f'whole-image view: {len(normal)} natural ({len(lossless)} lossless CIFAR) + {len(generated)} generated '
        'for training; validation ' + ', '.join(f'{k} {len(v)}' for k, v in val_parts.items()))
    return to_tensor(normal), to_tensor(generated), {k: to_tensor(v) for k, v in val_parts.items()}, lossless
