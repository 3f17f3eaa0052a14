"""Probe (issue 19): does another depth of the frozen MobileNetV2 carry traces that transfer to unseen generator
families better than block 10's map, which the shipped trace head reads?

Every earlier lead (a wider or narrower head, a feature autoencoder beside it, a training-free noise probe) read
block 10's map, so all of them saw the same evidence. This probe changes the evidence: the same head
(feature_bank.Head's map head: 1x1 then 3x3 convolution, mean and max over positions, a linear embedding; the same
Deep SAD fit, steps and seed) on block 5's map (stride 8, 32 channels: before the third striding averages the
upsampling grid away), block 7's (stride 16, 64 channels), block 10's (stride 16, 96 channels, the shipped one), or
several of them side by side (one map head each, their pooled features joined into one embedding); or, with width 0,
no convolution at all: a linear probe of the maps' pooled channels (as UnivFD reads frozen features). A variant
names its blocks, the head's width and a seed ('b5+b10@32#2'; no width: the shipped 128; no seed: the default one).
Block 5's map has four times block 10's positions, so a 128-wide head on it costs about an hour per variant on two
cores: the blocks are compared at width 32 (transfer-probe.json: width 32 no worse than 128 on block 10), and b10 at
128 ties the table to the shipped head. With --source npr the backbone reads each window's neighbouring-pixel
residual (NPR, Tan et al. 2024: each pixel less the top-left pixel of its 2x2 cell) instead of the picture: the
upsampling trace alone, with what the picture shows mostly removed.

Judged without a test picture, as probe_transfer.py judges: for each of leave_family_out.FOLDS the fold's families
leave the training bank and the head is fitted on the rest; the fold's families' train- and validation-split
pictures (never their test ones), as stored, are scored against the validation real pictures, each picture by the
shipped aggregate (the geometric mean of its top-5 crops). Beside the folds, each head is fitted on the whole bank
and judged on the validation split under the robustness conditions (family-weighted AUROC, weighted as
probe_features.judge weighs, on the same top-5 aggregate). The criterion is the mean of the two, as for the shipped
head. One backbone pass banks every tapped block at once, with the draws (pools, windows, flips) of
feature_bank.training_banks. With --fuse, several variants (of either source) are fitted alike and their scores
fused as the ensemble fuses its two models: each mapped to its rank among the same head's validation real scores,
the ranks averaged.

Writes training/results/blocks-probe.json.
Run: /usr/bin/python3 training/probe_blocks.py [--variants b10@32,b7@32#2,...] [--source image|npr]
     [--fuse b10@32,npr:b10@32] [--limit N (smoke)]"""
import argparse
import functools
import json
import math
import os
import re
import time

import numpy as np
import torch
import torch.nn as nn

import feature_bank
import leave_family_out
import native
import objectives
import pretrained
import splits
import trace_view
from common import DEFAULT_SEED, auroc, log, rank_among, set_up_cpu, write_json

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results', 'blocks-probe.json')
CACHE = '/tmp/blocks-features-{source}.pt'  # every feature the probe reads, per source (reruns skip the backbone)
TAPS = (5, 7, 10)  # MobileNetV2's blocks; a variant names them 'b5', 'b7', 'b10'
INCEPTION_TAPS = ('stem', 'mixed0', 'mixed2')  # InceptionV3's stride-8 maps banked (pretrained.INCEPTION_TAPS)
TOP_K = 5  # the shipped aggregate (manifest crops.topK)
STRIDES = {b: 2 * math.prod(stride for _, _, stride in pretrained.BLOCKS[:b + 1]) for b in TAPS}
CHANNELS = {**{b: pretrained.BLOCKS[b][1] for b in TAPS}, **pretrained.INCEPTION_CHANNELS}
# What the backbone reads, from a crop in [0, 1]: 'image' the picture in [-1, 1] (Keras' ImageNet preprocessing, as
# training fed the backbone until the seventeenth round; the variants recorded without a source); 'image01' the
# picture in [0, 1], as nsfwjs feeds its models and as the batch norm statistics it stores were estimated
# (pretrained.INPUT_RANGE); 'npr' its NPR residual.
SOURCES = {'image': lambda x: pretrained.backbone_input(x, (-1.0, 1.0)), 'image01': lambda x: pretrained.backbone_input(x, (0.0, 1.0)),
           'npr': lambda x: npr(x)}


def map_side(tap, window):
    """The side of a tap's map on a `window`-px square."""
    return pretrained.inception_side(window) if isinstance(tap, str) else window // STRIDES[tap]


def backbone_of(blocks):
    kinds = {'inception' if isinstance(b, str) else 'mobilenet' for b in blocks}
    assert len(kinds) == 1, f'one backbone per variant: {blocks}'
    return kinds.pop()


def npr(images):
    """Neighbouring pixel relationships (Tan et al. 2024): each pixel less the top-left pixel of its 2x2 cell, the
    trace nearest-neighbour-like upsampling leaves, scaled by 2 as the backbone's [0, 1] -> [-1, 1] input step is."""
    cells = images[:, :, ::2, ::2].repeat_interleave(2, 2).repeat_interleave(2, 3)
    return 2.0 * (images - cells[:, :, :images.shape[2], :images.shape[3]])


class TapExtractor(nn.Module):
    """A frozen backbone up to its deepest tap; each tap's output map. `backbone` 'mobilenet' (the shipped one, taps
    TAPS) or 'inception' (InceptionV3's stem and first blocks, taps INCEPTION_TAPS); `source` a key of SOURCES."""

    def __init__(self, source='image', backbone='mobilenet'):
        super().__init__()
        if backbone == 'inception':
            self.graph = pretrained.inception_v3_features(INCEPTION_TAPS)
        else:
            self.backbone = pretrained.MobileNetV2Features(max(TAPS))
            self.layer_taps = {feature_bank.FIRST_BLOCK_LAYER + b: b for b in TAPS}
        self.taps = INCEPTION_TAPS if backbone == 'inception' else TAPS
        self.source = source

    def maps(self, x):
        if hasattr(self, 'graph'):
            return {tap: m for tap, m in zip(self.graph.taps, self.graph(x).values())}
        out = {}
        for index, layer in enumerate(self.backbone.layers):
            x = layer(x)
            if index in self.layer_taps:
                out[self.layer_taps[index]] = x
        return out

    @torch.no_grad()
    def features(self, crops_uint8, batch=256):
        """{tap: float16 map} of uint8 NCHW crops."""
        out = {b: [] for b in self.taps}
        for start in range(0, len(crops_uint8), batch):
            for b, m in self.maps(SOURCES[self.source](crops_uint8[start:start + batch].float() / 255.0)).items():
                out[b].append(m.half())
        return {b: torch.cat(maps) for b, maps in out.items()}


def joined(maps, blocks):
    """One float row per crop: the chosen blocks' maps flattened side by side (BlocksHead splits them again)."""
    return torch.cat([maps[b].flatten(1).float() for b in blocks], 1)


class TapBank:
    """feature_bank.FeatureBank's rows and weights with every tapped block's map; `draw` gives the rows of the
    blocks in `blocks`, joined."""

    def __init__(self, maps, weights, groups, views, blocks=(10,)):
        self.maps, self.weights, self.groups, self.views, self.blocks = maps, weights, groups, views, blocks

    def reading(self, blocks):
        return TapBank(self.maps, self.weights, self.groups, self.views, blocks)

    def without(self, left_out):
        return TapBank(self.maps, *feature_bank.groups_left_out(self.weights, self.groups, self.views, left_out), self.views, self.blocks)

    def draw(self, count, generator):
        rows = torch.multinomial(self.weights, count, replacement=True, generator=generator)
        picked = joined({b: self.maps[b][rows] for b in self.blocks}, self.blocks)
        return picked, picked[:, :0]


def tap_banks(extractor, table, limit=None, views=feature_bank.VIEWS, window=feature_bank.WINDOW, seed=DEFAULT_SEED):
    """{'real', 'generated'}: TapBank of the training pools, drawn as feature_bank.training_banks draws them."""
    rng, generator = np.random.default_rng(seed), torch.Generator().manual_seed(seed)
    banks, started = {}, time.time()
    for label in ('real', 'generated'):
        pictures = {g: p[:limit] for g, p in native.split_pictures(table, label, 'train').items()}
        versions = trace_view.REAL_VERSIONS if label == 'real' else trace_view.GENERATED_VERSIONS
        maps, weights, groups = {b: [] for b in extractor.taps}, [], {}
        for group, group_pictures in pictures.items():
            pool = native.crop_pool(group_pictures, trace_view.VERSIONS.get(group, versions), rng)
            if not len(pool):
                continue
            crops_nchw = torch.from_numpy(np.ascontiguousarray(pool)).permute(0, 3, 1, 2)
            share = torch.from_numpy(trace_view.group_weights(pool, group) / views)
            for _ in range(views):
                for b, m in extractor.features(trace_view.flipped_windows(crops_nchw, window, generator)).items():
                    maps[b].append(m)
                weights.append(share)
            groups[group] = len(pool)
        banks[label] = TapBank({b: torch.cat(m) for b, m in maps.items()}, torch.cat(weights), groups, views)
        log(f'{label} bank: {groups} ({time.time() - started:.0f}s)')
    return banks


class BlocksHead(nn.Module):
    """feature_bank.Head's map head on each chosen block's map, their mean- and max-pooled features joined into one
    linear embedding; with one block, feature_bank.Head(use_low=False) itself (same layers, same initialisation).
    Width 0: no convolution, the maps' own pooled channels, normalised, into the embedding (a linear probe, as
    UnivFD reads frozen features: Ojha et al. 2023)."""

    def __init__(self, blocks, width=feature_bank.HEAD_WIDTH, embedding_size=64):
        super().__init__()
        self.blocks = blocks
        self.map_heads = nn.ModuleList(nn.Identity() if width == 0 else feature_bank.map_head(CHANNELS[b], width) for b in blocks)
        pooled = 2 * sum(width or CHANNELS[b] for b in blocks)
        self.norm = nn.BatchNorm1d(pooled, eps=1e-4, affine=False) if width == 0 else nn.Identity()
        self.embed = nn.Linear(pooled, embedding_size, bias=False)

    def forward(self, rows, low):
        side = window_side(self.blocks, rows.shape[1])
        parts, start = [], 0
        for head, b in zip(self.map_heads, self.blocks):
            size = map_side(b, side)
            length = CHANNELS[b] * size * size
            features = head(rows[:, start:start + length].reshape(-1, CHANNELS[b], size, size)).flatten(2)
            parts += [features.mean(2), features.amax(2)]
            start += length
        return self.embed(self.norm(torch.cat(parts, 1)))


@functools.lru_cache(maxsize=None)
def window_side(blocks, length):
    """The window side whose maps of `blocks`, flattened side by side, are `length` long."""
    return next(side for side in range(16, 2048) if sum(CHANNELS[b] * map_side(b, side) ** 2 for b in blocks) == length)


def reading(pictures, blocks):
    """Per picture, its crops' {block: map} (feature_bank.picture_features of a TapExtractor) as
    feature_bank.picture_scores takes them: (joined maps, empty)."""
    return [(rows, rows[:, :0]) for rows in (joined(p, blocks) for p in pictures)]


def fit(blocks, width, seed, real, fake, steps):
    torch.manual_seed(seed)
    head = BlocksHead(blocks, width)
    centre = objectives.train_head(head, real.reading(blocks), fake.reading(blocks), steps, torch.Generator().manual_seed(seed))
    return head, centre


def variant_scores(name, features, steps):
    """A variant's raw picture scores: {fold: (validation real pictures, the fold's held-out pictures)} from heads
    fitted without the fold's families, and {label: {group: validation pictures under the conditions}} from the head
    fitted on the whole bank."""
    (blocks, width, seed), (banks, val, held_out) = variant(name), features
    val_real = reading([p for group in val['real'].values() for p in group], blocks)
    folds = {}
    for fold, families in leave_family_out.FOLDS.items():
        head, centre = fit(blocks, width, seed, banks['real'], banks['generated'].without(families), steps)
        score = lambda rows: feature_bank.picture_scores(head, centre, rows, TOP_K)
        folds[fold] = (score(val_real), np.concatenate([score(reading(held_out[f], blocks)) for f in families if held_out.get(f)]))
    head, centre = fit(blocks, width, seed, banks['real'], banks['generated'], steps)
    score = lambda rows: feature_bank.picture_scores(head, centre, rows, TOP_K)
    return folds, {label: {g: score(reading(p, blocks)) for g, p in groups.items() if p} for label, groups in val.items()}


def judged(folds, validation):
    """The probe's figures of variant_scores: per fold AUROC and the share caught at the validation reals' 99th
    percentile; on validation, generated groups' AUROC against all real pictures, weighted as probe_features.judge."""
    row = {'folds': {fold: {'pictures': len(fake), 'auroc': round(auroc(real, fake), 4),
                            'caught': round(float((fake >= np.quantile(real, 0.99)).mean()), 4)} for fold, (real, fake) in folds.items()}}
    all_real = np.concatenate(list(validation['real'].values()))
    per_group = {g: auroc(all_real, scores) for g, scores in validation['generated'].items()}
    row.update(meanFoldAuroc=round(float(np.mean([f['auroc'] for f in row['folds'].values()])), 4),
               meanFoldCaught=round(float(np.mean([f['caught'] for f in row['folds'].values()])), 4),
               validationMeanAuroc=round(float(np.average(list(per_group.values()), weights=[math.sqrt(len(validation['generated'][g])) for g in per_group])), 4),
               validation={g: round(v, 4) for g, v in per_group.items()})
    row['criterion'] = round((row['meanFoldAuroc'] + row['validationMeanAuroc']) / 2, 4)
    return row


def fused(scored):
    """variant_scores of several variants fused as the ensemble fuses its models: each score mapped to its rank
    among the same head's validation real pictures' scores, the ranks averaged."""
    folds = {fold: tuple(np.mean([rank_among(s[0][fold][0], s[0][fold][i]) for s in scored], 0) for i in (0, 1)) for fold in scored[0][0]}
    references = [np.concatenate(list(s[1]['real'].values())) for s in scored]
    validation = {label: {g: np.mean([rank_among(ref, s[1][label][g]) for s, ref in zip(scored, references)], 0) for g in groups}
                  for label, groups in scored[0][1].items()}
    return folds, validation


def all_features(extractor, limit):
    """(training banks, validation {label: {group: feature_bank.picture_features of the conditioned pictures}}, held-out {family:
    feature_bank.picture_features of its train- and validation-split pictures as stored})."""
    table, started = splits.build(DEFAULT_SEED), time.time()
    banks = tap_banks(extractor, table, limit)
    val = {label: {g: feature_bank.picture_features(extractor, trace_view.conditioned(p[:limit]))
                   for g, p in native.split_pictures(table, label, 'validation').items()} for label in ('real', 'generated')}
    held_out = {}
    for split in ('train', 'validation'):
        for family, pictures in native.split_pictures(table, 'generated', split).items():
            held_out.setdefault(family, []).extend(feature_bank.picture_features(extractor, pictures[:limit]))
    log(f'features banked ({time.time() - started:.0f}s)')
    return banks, val, held_out


def variant(name):
    """(blocks, head width, seed) of a variant name: blocks joined by '+', then '@width' (none: the shipped
    feature_bank.HEAD_WIDTH; 0: a linear probe), then '#seed' (none: DEFAULT_SEED; the head's initialisation and draws): 'b7@32#2'."""
    name, _, seed = name.partition('#')
    blocks, _, width = name.partition('@')
    taps = tuple(int(b[1:]) if re.fullmatch(r'b\d+', b) else b for b in blocks.split('+'))
    assert all(t in CHANNELS for t in taps), taps
    return taps, int(width or feature_bank.HEAD_WIDTH), int(seed or DEFAULT_SEED)


def seed_means(variants):
    """Each variant's figures averaged over its seeds (a fused run: over its members' seeds)."""
    by_variant = {}
    for name, row in variants.items():
        by_variant.setdefault(re.sub(r'#\d+', '', name), []).append(row)
    mean = lambda rows, key: round(float(np.mean([r[key] for r in rows])), 4)
    out = {base: {'seeds': len(rows), **{key: mean(rows, key) for key in ('meanFoldAuroc', 'meanFoldCaught', 'validationMeanAuroc', 'criterion')}}
           for base, rows in by_variant.items()}
    return dict(sorted(out.items(), key=lambda item: -item[1]['criterion']))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--variants', default='b10@32,b5@32,b5+b10@32,b7@32,b10')
    parser.add_argument('--steps', type=int, default=feature_bank.HEAD_STEPS)
    parser.add_argument('--limit', type=int, default=None, help='the first N pictures of each group (smoke runs)')
    parser.add_argument('--source', choices=tuple(SOURCES), default='image', help="what the backbone reads (TapExtractor)")
    parser.add_argument('--fuse', default=None, help="variants ('source:' first unless image) fused by rank, e.g. b10@32,npr:b10@32")
    parser.add_argument('--out', default=RESULTS)
    args = parser.parse_args()
    set_up_cpu()
    results = json.load(open(args.out)) if os.path.exists(args.out) else {'variants': {}}
    results.update(method=' '.join(part.replace('\n', ' ') for part in __doc__.split('\n\n')[1:3]), steps=args.steps, topK=TOP_K,
                   limit=args.limit)
    names = args.fuse.split(',') if args.fuse else [f'{args.source}:{name}' for name in args.variants.split(',')]
    needs = {(name.rpartition(':')[0] or 'image', backbone_of(variant(name.rpartition(':')[2])[0])) for name in names}
    features = {need: features_of(*need, args.limit) for need in needs}
    scored = []
    for name in names:
        source, _, bare = name.rpartition(':')
        begun = time.time()
        scored.append(variant_scores(bare, features[source or 'image', backbone_of(variant(bare)[0])], args.steps))
        if not args.fuse:
            blocks, width, seed = variant(bare)
            row = {'blocks': list(blocks), 'width': width, 'seed': seed, **judged(*scored[-1]), 'seconds': round(time.time() - begun)}
            record(results, bare if source == 'image' else name, row, args.out)
    if args.fuse:
        record(results, 'fused:' + args.fuse, judged(*fused(scored)), args.out)


def features_of(source, backbone, limit):
    """all_features of `source` through `backbone`, from CACHE when a whole run has written it."""
    cache = CACHE.format(source=source if backbone == 'mobilenet' else f'{backbone}-{source}')
    if limit is None and os.path.exists(cache):
        return torch.load(cache, weights_only=False)
    features = all_features(TapExtractor(source, backbone), limit)
    if limit is None:
        torch.save(features, cache)
    return features


def record(results, name, row, out):
    results['variants'][name] = row
    results['seedMeans'] = seed_means(results['variants'])
    log(f'{name}: leave-family-out mean AUROC {row["meanFoldAuroc"]}, caught {row["meanFoldCaught"]}; validation '
        f'{row["validationMeanAuroc"]}; criterion {row["criterion"]} ' + ', '.join(f'{k} {v["auroc"]}' for k, v in row['folds'].items()))
    write_json(out, results)

if __name__ == '__main__':
    main()
