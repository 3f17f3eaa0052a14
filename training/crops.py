"""Native-resolution crops: which 128x128 windows of a large picture the trace branch judges.

The TypeScript twin is src/detector/crops.ts; both must pick the same windows (tests/unit/crops.test.ts and the
parity fixtures check it). Integer arithmetic throughout so numpy and JavaScript agree exactly:

- candidates: windows on a 64-px grid (plus the last window flush with the right / bottom edge);
- detail of a window: sum of |4*Y(p) - Y(up) - Y(down) - Y(left) - Y(right)| over its inner pixels p whose row
  and column are both odd (a quarter of them, so a 12-megapixel photo is ranked in tens of milliseconds in the
  browser), with the integer luma Y = 299 R + 587 G + 114 B (a Laplacian: generator traces live in fine detail,
  and flat sky or blown-out areas carry none);
- greedy pick by detail (ties: top, then left), skipping a window that overlaps an already picked one by more
  than MAX_OVERLAP pixels, until MAX_CROPS are picked; then, while slots are free, a second pass in the same order
  takes windows overlapping by at most FILL_OVERLAP (equal to MAX_OVERLAP: no second pass).
Pictures whose short side is under CROP px have no native crops (the whole-image view covers them); a 128x128
picture has one, itself, so a picture is judged alike at 128 and at 129 px.
"""
import numpy as np

CROP = 128
STRIDE = 64
# How many windows the judge picks (manifest input.crops.maxCrops): 5 until the nineteenth round, whose 8 let a
# picture larger than 256 px show more of itself, so a pasted photo region that draws the detail pick cannot fill every
# slot (docs/models.md). A 256-px picture fits 5 either way. Training pools take native.POOL_CROPS.
MAX_CROPS = 8
MAX_OVERLAP = CROP * CROP // 4
# Free slots are filled with windows overlapping by at most this (under CROP * CROP: never a picked one again).
FILL_OVERLAP = MAX_OVERLAP


def window_starts(length):
    if length < CROP:
        return []
    starts = list(range(0, length - CROP + 1, STRIDE))
    if starts[-1] != length - CROP:
        starts.append(length - CROP)
    return starts


def detail_map(image_hwc):
    """|Laplacian| of the integer luma at odd rows and columns, zero elsewhere and on the border (int64, H x W)."""
    rgb = image_hwc.astype(np.int64)
    luma = 299 * rgb[..., 0] + 587 * rgb[..., 1] + 114 * rgb[..., 2]
    detail = np.zeros(luma.shape, np.int64)
    detail[1:-1, 1:-1] = np.abs(4 * luma[1:-1, 1:-1] - luma[:-2, 1:-1] - luma[2:, 1:-1] - luma[1:-1, :-2] - luma[1:-1, 2:])
    detail[0::2, :] = 0
    detail[:, 0::2] = 0
    return detail


def select_crops(image_hwc, max_crops=MAX_CROPS, max_overlap=None, fill_overlap=None):
    """[(top, left, detail)] of the windows judged, in pick order (overlap limits: MAX_OVERLAP, FILL_OVERLAP unless given)."""
    max_overlap = MAX_OVERLAP if max_overlap is None else max_overlap
    fill_overlap = FILL_OVERLAP if fill_overlap is None else fill_overlap
    height, width = image_hwc.shape[:2]
    if min(height, width) < CROP:
        return []
    integral = np.zeros((height + 1, width + 1), np.int64)
    integral[1:, 1:] = detail_map(image_hwc).cumsum(0).cumsum(1)
    candidates = []
    for top in window_starts(height):
        for left in window_starts(width):
            bottom, right = top + CROP, left + CROP
            total = integral[bottom, right] - integral[top, right] - integral[bottom, left] + integral[top, left]
            candidates.append((int(total), top, left))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    limits = [max_overlap] if fill_overlap == max_overlap else [max_overlap, fill_overlap]
    picked = []
    for limit in limits:
        for total, top, left in candidates:
            if len(picked) == max_crops:
                break
            if all(overlap(top, left, t, l) <= limit for t, l, _ in picked):
                picked.append((top, left, total))
    return picked


def overlap(top_a, left_a, top_b, left_b):
    rows = max(0, CROP - abs(top_a - top_b))
    cols = max(0, CROP - abs(left_a - left_b))
    return rows * cols


def crops_of(image_hwc, max_crops=MAX_CROPS):
    """The picked windows as uint8 [k, 128, 128, 3] (no resampling) and their positions."""
    picked = select_crops(image_hwc, max_crops)
    windows = np.stack([image_hwc[t:t + CROP, l:l + CROP] for t, l, _ in picked]) if picked else np.zeros((0, CROP, CROP, 3), np.uint8)
    return windows, picked
