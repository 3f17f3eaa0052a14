"""Frozen-backbone features of trace-view windows, computed once, and the trainable head fitted on them.

The pretrained backbone (pretrained.py, MobileNetV2 stem + blocks 0-10) never trains, so each training window's
features are fixed: computing them once per window (random integer offset, both flips) instead of once per
step lets the head see its data for many epochs at a fraction of the cost. Besides block 10's map, the bank keeps
per-channel statistics (mean, standard deviation, max over positions) of blocks 2 and 5, where the high-frequency
traces of upsampling live before striding averages them away.

Reads crop pools (uint8 NHWC, from native.crop_pool); writes nothing."""

import time

import numpy as np
import torch
import torch.nn as nn

import calibration
import crops
import native
import pretrained
import trace_view
from common import DEFAULT_SEED, log

TAPS = (2, 5)  # blocks whose per-channel statistics the bank keeps beside block 10's map
FIRST_BLOCK_LAYER = 4  # MobileNetV2Features.layers: pad, conv, batch norm, ReLU6, then block 0
VIEWS, WINDOW = 2, 112  # banked windows per training crop, and their side (random offsets within the 128-px crop)
HEAD_STEPS = 800  # chosen on validation (results/feature-probe.json: 400, 800 and 2000 steps)
# The head's width (channels of its two convolutions) and the hypersphere classifier's weight of its generated rows:
# the shipped head's. probe_transfer.py (results/transfer-probe.json, three seeds) found width 32 with weight 2 alone
# a little better on validation and no worse on families left out of the bank; refitted into the shipped models it
# lost on validation in the ensemble (docs/models.md, "Tenth round"), so these stay. Checkpoints record both
# (training facts `headWidth`, `headEta`); those written before they were recorded have these values.
HEAD_WIDTH = 128
HEAD_ETA = 1.0
# How many heads, each fitted alone from its own initialisation and draws, the trace view averages (HeadEnsemble).
# One head's figures move with its seed about as much as most probed differences (transfer-probe.json: leave-family-out
# mean AUROC 0.775 to 0.794 over three seeds of the shipped head); averaging heads takes part of that spread away.
HEAD_MEMBERS = 1
HEAD_MIX = 0.5  # share of the head's training rows given MixStyle (objectives.mix_style; results/head-objective-probe.json): the shipped head's, docs/models.md "Twenty-first round"
HEAD_DRO = 0.0  # group DRO's step size over generator families (objectives.group_dro_push); the same probe
# The shipped head reads block 10's map alone: adding the tapped statistics did not help on validation
# (feature-probe.json: map-800 against map+low-800), so BankedTraceEncoder's extractor has no taps.
USE_TAPS = False


def channel_statistics(x):
    flat = x.flatten(2)
    return torch.cat([flat.mean(2), flat.std(2), flat.amax(2)], 1)


class Extractor(nn.Module):
    """The frozen backbone with taps: (block 10's map, statistics of the tapped blocks)."""

    def __init__(self, last_block=10, taps=TAPS):
        super().__init__()
        self.backbone = pretrained.MobileNetV2Features(last_block)
        self.taps = {FIRST_BLOCK_LAYER + b for b in taps}
        channels = [out for _, out, _ in pretrained.BLOCKS]
        self.low_size = 3 * sum(channels[b] for b in taps)
        self.map_channels = self.backbone.channels

    def forward(self, images):
        x, low = pretrained.backbone_input(images), []
        for index, layer in enumerate(self.backbone.layers):
            x = layer(x)
            if index in self.taps:
                low.append(channel_statistics(x))
        # No taps: an (N, 0) slice of the map, which traces without turning the batch size into a constant.
        return x, torch.cat(low, 1) if low else x.flatten(1)[:, :0]

    @torch.no_grad()
    def features(self, crops_uint8, batch=256):
        """float16 (maps, low) of uint8 NCHW crops."""
        maps, low = [], []
        for start in range(0, len(crops_uint8), batch):
            m, l = self(crops_uint8[start:start + batch].float() / 255.0)
            maps.append(m.half()), low.append(l.half())
        return torch.cat(maps), torch.cat(low)


def picture_features(extractor, pictures):
    """Per picture, the (maps, low) of every crop the browser would pick (pictures under 128 px have none: skipped)."""
    out = []
    for picture in pictures:
        windows = crops.crops_of(picture)[0]
        if len(windows):
            out.append(extractor.features(torch.from_numpy(np.ascontiguousarray(windows)).permute(0, 3, 1, 2)))
    return out


@torch.no_grad()
def crop_distances(head, centre, features):
    """Per picture of picture_features, its crops' squared distances from the centre (numpy, in pick order)."""
    head.eval()
    return [((head(maps.float(), low.float()) - centre) ** 2).sum(1).numpy() for maps, low in features]


def picture_scores(head, centre, features, top_k):
    """Each picture's raw trace score from picture_features: its crops' squared distances from the centre,
    aggregated as the browser does (calibration.aggregate_crops)."""
    return np.array([calibration.aggregate_crops(distances, top_k) for distances in crop_distances(head, centre, features)])


def groups_left_out(weights, groups, views, left_out):
    """(row weights, groups) of a bank whose rows lie group after group (`views` rows per crop, `groups` {group: crops})
    with the groups in `left_out` dropped: their rows' weights set to 0, so draws never pick them."""
    kept = torch.cat([torch.full((count * views,), group not in left_out) for group, count in groups.items()])
    return torch.where(kept, weights, torch.zeros_like(weights)), {g: n for g, n in groups.items() if g not in left_out}


class FeatureBank:
    """Features of `views` random windows of every crop of several groups; rows drawn with each group weighing
    the square root of its crop count (as trace_view.BalancedPool)."""

    def __init__(self, maps, low, weights, groups, views, layout=None):
        """Rows group after group in the order of `layout` ({group: crops}; `groups` unless given), each group's
        `views` rows per crop; `groups` the groups drawn from (a fold's bank leaves some out)."""
        self.maps, self.low, self.weights, self.groups, self.views = maps, low, weights, groups, views
        self.layout = layout or groups

    @classmethod
    def of_pools(cls, extractor, pools, views, size, generator, multipliers=None):
        """`multipliers` ({group: [n]}): each crop's weight within its group (trace_view.group_weights)."""
        maps, low, weights, groups = [], [], [], {}
        for group, pool in pools.items():
            if not len(pool):
                continue
            crops_nchw = torch.from_numpy(np.ascontiguousarray(pool)).permute(0, 3, 1, 2)
            share = torch.from_numpy(trace_view.group_weights(pool, group, multipliers) / views)
            for _ in range(views):
                m, l = extractor.features(trace_view.flipped_windows(crops_nchw, size, generator))
                maps.append(m), low.append(l)
                weights.append(share)
            groups[group] = len(pool)
        return cls(torch.cat(maps), torch.cat(low), torch.cat(weights), groups, views)

    def without(self, left_out):
        """The bank less the rows of the groups in `left_out` (leave-family-out folds): their weights set to 0."""
        return FeatureBank(self.maps, self.low, *groups_left_out(self.weights, self.groups, self.views, left_out), self.views,
                           self.layout)

    def draw(self, count, generator, groups=False):
        """`count` rows drawn by weight: (maps, low), and with `groups` each row's group index (in `self.layout`'s order)."""
        rows = torch.multinomial(self.weights, count, replacement=True, generator=generator)
        drawn = self.maps[rows].float(), self.low[rows].float()
        if not groups:
            return drawn
        ends = torch.cumsum(torch.tensor([n * self.views for n in self.layout.values()]), 0)
        return (*drawn, torch.bucketize(rows, ends, right=True))


def map_head(channels, width):
    """The head's convolutions on a backbone map: 1x1 then 3x3, `width` channels, bias-free with non-affine batch
    norms (no constant solution for Deep SVDD)."""
    return nn.Sequential(
        nn.Conv2d(channels, width, 1, bias=False), nn.BatchNorm2d(width, eps=1e-4, affine=False), nn.LeakyReLU(0.1),
        nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width, eps=1e-4, affine=False), nn.LeakyReLU(0.1))


class Head(nn.Module):
    """The trainable part: a bias-free conv head on block 10's map (mean and max over positions) and / or a bias-free
    MLP on the tapped statistics, into a linear embedding (non-affine batch norms: no constant solution)."""

    def __init__(self, map_channels=96, low_size=168, width=128, embedding_size=64, use_map=True, use_low=True):
        super().__init__()
        self.use_map, self.use_low = use_map, use_low
        self.map_head = map_head(map_channels, width)
        if use_low:
            self.low_head = nn.Sequential(nn.BatchNorm1d(low_size, eps=1e-4, affine=False), nn.Linear(low_size, width, bias=False),
                                          nn.BatchNorm1d(width, eps=1e-4, affine=False), nn.LeakyReLU(0.1))
        self.embed = nn.Linear(2 * width * use_map + width * use_low, embedding_size, bias=False)

    def forward(self, maps, low):
        parts = []
        if self.use_map:
            features = self.map_head(maps).flatten(2)
            parts += [features.mean(2), features.amax(2)]
        if self.use_low:
            parts.append(self.low_head(low))
        return self.embed(torch.cat(parts, 1))


class HeadEnsemble(nn.Module):
    """Several heads fitted apart, as one: their embeddings side by side, each divided by the square root of its
    median squared distance on real rows, so a crop's squared distance from the joined centre is the sum of the
    members' distances, each member weighing the same. The exported graph and the browser see one embedding."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.register_buffer('scales', torch.ones(len(members)))

    def forward(self, maps, low):
        return torch.cat([member(maps, low) * self.scales[i] for i, member in enumerate(self.members)], 1)

    @torch.no_grad()
    def join(self, centres, real, generator, rows=4096):
        """Sets each member's scale from `rows` real bank rows; returns the joined centre."""
        maps, low = real.draw(rows, generator)
        for i, (member, centre) in enumerate(zip(self.members, centres)):
            member.eval()
            self.scales[i] = ((member(maps, low) - centre) ** 2).sum(1).median().rsqrt()
        return torch.cat([centre * self.scales[i] for i, centre in enumerate(centres)])


def training_banks(extractor, table, views=VIEWS, window=WINDOW, limit=None, seed=DEFAULT_SEED):
    """{'real', 'generated'}: FeatureBank of the training split's crop pools (native.crop_pool, each group's
    trace_view versions), drawn from `seed` as the probes and leave_family_out.py draw them; `limit`: the first N
    pictures of each group (smoke runs)."""
    rng, generator = np.random.default_rng(seed), torch.Generator().manual_seed(seed)
    banks, started = {}, time.time()
    for label in ('real', 'generated'):
        pictures = {g: p[:limit] for g, p in native.split_pictures(table, label, 'train').items()}
        versions = trace_view.REAL_VERSIONS if label == 'real' else trace_view.GENERATED_VERSIONS
        pools = {g: native.crop_pool(p, trace_view.VERSIONS.get(g, versions), rng) for g, p in pictures.items()}
        banks[label] = FeatureBank.of_pools(extractor, pools, views, window, generator)
        log(f'{label} bank: {banks[label].groups} ({time.time() - started:.0f}s)')
    return banks


def load_banks(path):
    """{'real', 'generated'}: FeatureBank of the training pools as probe_features.py caches them (same seed, pools
    and windows as a fresh build)."""
    banks, _ = torch.load(path, weights_only=False)
    return banks


def shipped_extractor():
    """The extractor training banks with (taps only when the head reads them)."""
    return Extractor(taps=TAPS if USE_TAPS else ())


def shipped_head(extractor, width=None, members=None):
    """The trace head training fits: `width` channels wide (HEAD_WIDTH unless given); `members` (HEAD_MEMBERS unless
    given) heads as a HeadEnsemble when more than one."""
    members = members or HEAD_MEMBERS
    heads = [Head(extractor.map_channels, extractor.low_size, width=width or HEAD_WIDTH, use_low=USE_TAPS) for _ in range(members)]
    return heads[0] if members == 1 else HeadEnsemble(heads)
