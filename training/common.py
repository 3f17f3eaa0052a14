"""What every training stage shares: the log line, uint8 pictures to tensors, chunked evaluation, AUROC.
Reads and writes nothing."""
import time

import numpy as np
import torch

DEFAULT_SEED = 20261127

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
