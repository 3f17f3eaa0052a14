"""Data of the trace view (native 128x128 crops): the roles of training/data-splits.json (splits.py: by source,
camera model, figure or grid, never by picture), each training picture degraded by the everyday edits
(native.degrade) into several versions, our own TAEF2 round trips, crops drawn with groups balanced, and the
validation pictures under the robustness conditions.

Reads ../shared/data through native.split_pictures and taef2; writes nothing: returns uint8 crop pools."""
import math
import os
import time
from typing import NamedTuple, Optional

import numpy as np
import torch
from PIL import Image

import data
import native
import subject
import taef2
from common import log


# The robustness conditions real validation photos are scored under (the report checks the same on photos/val).
PHOTO_CONDITIONS = (('png', None), ('jpeg', 95), ('jpeg', 75), ('webp', 80))


def round_trips(model, photos, rng, side=144):
    """Our own latent-decoder fakes: a random square of each real photo through the TAEF2 autoencoder (one
    crop's worth plus a margin: the round trip costs ~1 s per square on two cores)."""
    out = []
    for photo in photos:
        height, width = photo.shape[:2]
        s = min(side, height, width)
        top, left = rng.integers(0, height - s + 1), rng.integers(0, width - s + 1)
        out.append(model.round_trip(photo[top:top + s, left:left + s]))
    return out


# Versions (degraded copies) per training picture: each real picture and each diverse or gen_train generated one 4
# times, our TAEF2 round trips 3 times, SD 1.5 tiles once (there are many).
VERSIONS = {'sd15-grids': 1, 'taef2': 3}


REAL_VERSIONS, GENERATED_VERSIONS = 4, 3


def build_trace_view(args, rng, table):
    """Native 128x128 crops: training pools by group ({group: uint8 crops}, real and generated) and validation
    pictures by group, from `table`: the roles of training/data-splits.json (splits.build: by source, never by picture)."""
    real = native.split_pictures(table, 'real', 'train')
    fake = native.split_pictures(table, 'generated', 'train')
    val_real = native.split_pictures(table, 'real', 'validation')
    val_fake = native.split_pictures(table, 'generated', 'validation')
    if args.limit:
        real, fake, val_real, val_fake = ({k: v[:3] for k, v in g.items()} for g in (real, fake, val_real, val_fake))
    autoencoder = taef2.Taef2(os.path.join(data.DATA_DIR, 'taef2'))
    started = time.time()
    fake['taef2'] = round_trips(autoencoder, real['film'][::2] + [p for k in ('cameras', 'phones', 'web') for p in real.get(k, [])[::4]], rng)
    val_fake['taef2'] = round_trips(autoencoder, [p for pictures in val_real.values() for p in pictures[::2]], rng)
    log(f'TAEF2 round trips: {len(fake["taef2"]) + len(val_fake["taef2"])} ({time.time() - started:.0f}s)')
    real_pools = {group: native.crop_pool(pictures, REAL_VERSIONS, rng, owners=True) for group, pictures in real.items()}
    fake_pools = {group: native.crop_pool(pictures, VERSIONS.get(group, GENERATED_VERSIONS), rng, owners=True)
                  for group, pictures in fake.items()}
    crop_weights, balance = None, None
    if args.subject_balance:
        real_weights, fake_weights, balance = subject.balance_weights(real, fake, args.subject_balance, args.seed, log)
        crop_weights = {'real': {g: real_weights[g][owner] for g, (_, owner) in real_pools.items()},
                        'generated': {g: fake_weights[g][owner] for g, (_, owner) in fake_pools.items()}}
    real_pools, fake_pools = ({g: pool for g, (pool, _) in pools.items()} for pools in (real_pools, fake_pools))
    describe = lambda pools: ', '.join(f'{k} {len(v)}' for k, v in sorted(pools.items()))
    log(f'trace view crops, real: {describe(real_pools)}; generated: {describe(fake_pools)}; validation pictures '
        f'real: {describe(val_real)}; generated: {describe(val_fake)}')
    return TraceView(real_pools, fake_pools, {'real': val_real, 'generated': val_fake}, crop_weights, balance)


class TraceView(NamedTuple):
    """The trace view's data: training crop pools by group, validation pictures by label and group, and with
    --subject-balance each training crop's weight ({'real' / 'generated': {group: [n]}}) and its facts."""
    real_pools: dict
    fake_pools: dict
    validation: dict
    crop_weights: Optional[dict] = None
    subject_balance: Optional[dict] = None


def group_weights(pool, group, multipliers=None):
    """Each crop's drawing weight in its group: the square root of the group's size shared among its crops, times
    the crop's own multiplier, `multipliers[group]` ({group: [n]}, --subject-balance; none: 1)."""
    shares = np.full(len(pool), math.sqrt(len(pool)) / len(pool))
    return shares if multipliers is None else shares * multipliers[group]


class BalancedPool:
    """Crops of several groups (sources or generator families) as one uint8 NCHW tensor, drawn so that a group
    weighs the square root of its size: no one family dominates, and a tiny one is not repeated to death.
    `multipliers` ({group: [n]}) reweighs crops within that scheme (--subject-balance)."""

    def __init__(self, pools, multipliers=None):
        pools = {k: v for k, v in pools.items() if len(v)}
        self.crops = torch.from_numpy(np.concatenate(list(pools.values()))).permute(0, 3, 1, 2).contiguous()
        weights = [group_weights(v, k, multipliers) for k, v in pools.items()]
        self.weights = torch.from_numpy(np.concatenate(weights))
        self.groups = {k: len(v) for k, v in pools.items()}

    def __len__(self):
        return len(self.crops)

    def draw(self, count, generator):
        return self.crops[torch.multinomial(self.weights, count, replacement=True, generator=generator)]


def flipped_windows(crops_uint8, size, generator):
    """Each uint8 NCHW crop flipped left-right and upside down at random and cut to a size x size window at a random
    integer offset (any phase of the 2x2 and 8x8 grids); a copy."""
    count = len(crops_uint8)
    picked = crops_uint8.clone()
    flips = torch.rand(2, count, generator=generator) < 0.5
    picked[flips[0]] = picked[flips[0]].flip(3)
    picked[flips[1]] = picked[flips[1]].flip(2)
    if size >= picked.shape[-1]:
        return picked
    offsets = torch.randint(0, picked.shape[-1] - size + 1, (count, 2), generator=generator).tolist()
    return torch.stack([crop[:, top:top + size, left:left + size] for crop, (top, left) in zip(picked, offsets)])


def trace_batch(pool, count, generator, size):
    """`count` crops drawn from a BalancedPool as flipped_windows cuts them, as float [0, 1]."""
    return flipped_windows(pool.draw(count, generator), size, generator).float() / 255.0


def trace_crop_counts(real_pools, fake_pools):
    return {'real': {k: len(v) for k, v in real_pools.items()}, 'generated': {k: len(v) for k, v in fake_pools.items()},
            'sampling': 'groups weighted by the square root of their crop count (BalancedPool)'}


# The edit table's everyday edits (src/node/wild-edits.ts EDITS; the report measures them with sharp), made here with
# PIL, but two: JPEG q75 is a robustness condition already, and a pasted real patch leaves a real picture real. Real
# validation photos are scored under them too, so that the presets hold for real pictures that were shifted, shrunk
# to a thumbnail, enlarged, halved and recompressed, blurred or noised, not only for pictures as stored
# (calibration.preset_populations). Each is (name, edit(image, rng)).
EVERYDAY_EDITS = (
    ('shift 1 px', lambda image, rng: image[1:, 1:]),
    ('shift 2 px', lambda image, rng: image[2:, 2:]),
    ('short side 128', lambda image, rng: native.resize(image, 128 / min(image.shape[:2]), Image.LANCZOS)),
    ('short side 129', lambda image, rng: native.resize(image, 129 / min(image.shape[:2]), Image.LANCZOS)),
    ('enlarge 1.5x', lambda image, rng: native.resize(image, 1.5, Image.LANCZOS)),
    ('half + jpeg q85', lambda image, rng: native.encode(native.resize(image, 0.5, Image.LANCZOS), 'jpeg', 85)),
    ('blur sigma 1', lambda image, rng: native.blurred(image, 1)),
    ('noise sigma 3', lambda image, rng: native.noised(image, 3.0, rng)),
)


def edited(pictures, seed=0):
    """Each picture under each of EVERYDAY_EDITS, picture after picture (the edit of entry i is EVERYDAY_EDITS[i %
    len(EVERYDAY_EDITS)])."""
    rng = np.random.default_rng(seed)
    return [np.ascontiguousarray(edit(picture, rng)) for picture in pictures for _, edit in EVERYDAY_EDITS]


def conditioned(pictures):
    """Each picture under each robustness condition (PNG, JPEG q95 / q75, WebP q80, halved + JPEG q90)."""
    out = []
    for picture in pictures:
        out += [native.encode(picture, fmt, quality) for fmt, quality in PHOTO_CONDITIONS]
        out.append(native.encode(native.resize(picture, 0.5, Image.LANCZOS), 'jpeg', 90))
    return out
