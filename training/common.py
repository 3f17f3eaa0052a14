"""What every training stage shares: the CPU set-up, the log line, uint8 pictures to tensors, chunked evaluation,
AUROC. Reads and writes nothing."""
import ctypes
import ctypes.util
import json
import time

import numpy as np
import torch

DEFAULT_SEED = 20261127

# glibc's malloc hands every freed block of more than a few MB back to the kernel and faults it in afresh, zeroed,
# on the next allocation. Each training step's activations did so: a quarter of a training run's CPU time went to the
# kernel, a trace autoencoder step took twice as long and a frozen MobileNetV2 batch three times (the same weights
# and features, bit for bit). Keeping up to 1 GiB of freed memory in the process stops it. mallopt's parameters:
# glibc's malloc.h.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, KEEP_FREED_BYTES = -1, -3, 1 << 30


def set_up_cpu():
    """Both cores for PyTorch (its default here is 1), and freed memory kept for reuse (see KEEP_FREED_BYTES)."""
    torch.set_num_threads(2)
    libc = ctypes.util.find_library('c')
    mallopt = getattr(ctypes.CDLL(libc), 'mallopt', None) if libc else None
    if mallopt is None:  # not glibc: its allocator is not the one this tunes
        return
    mallopt(M_TRIM_THRESHOLD, KEEP_FREED_BYTES)
    mallopt(M_MMAP_THRESHOLD, KEEP_FREED_BYTES)


def log(message):
    print(f'[{time.strftime("%H:%M:%S")}] {message}', flush=True)


def to_tensor(images_hwc):
    """uint8/float 0..255 NHWC -> float32 NCHW in [0, 1]."""
    return torch.from_numpy(np.ascontiguousarray(images_hwc, dtype=np.float32) / 255.0).permute(0, 3, 1, 2).contiguous()


@torch.no_grad()
def evaluate_in_chunks(function, images, chunk=512):
    return torch.cat([function(images[i:i + chunk]) for i in range(0, len(images), chunk)])


def auroc(negative, positive):
    """Probability that a positive outranks a negative (ties count half)."""
    scores = np.concatenate([negative, positive])
    order = scores.argsort(kind='mergesort')
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # average ranks of ties
        tie = scores == value
        if tie.sum() > 1:
            ranks[tie] = ranks[tie].mean()
    positive_ranks = ranks[len(negative):]
    return float((positive_ranks.sum() - len(positive) * (len(positive) + 1) / 2) / (len(positive) * len(negative)))


def rank_among(reference, scores):
    """Each score's share of `reference` scores below it: how the probes put two models' scores on one scale before
    averaging them, as per-view calibration does for the ensemble (up to the curve's shape)."""
    return np.searchsorted(np.sort(reference), scores, side='left') / len(reference)


def write_json(path, data, indent=2):
    """`data` as JSON at `path`, ending in a newline (results, the manifest, the splits, parity fixtures)."""
    with open(path, 'w') as f:
        json.dump(data, f, indent=indent)
        f.write('\n')
