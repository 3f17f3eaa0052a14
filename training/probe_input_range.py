"""Probe: in which range did nsfwjs' networks see their input when their batch norm statistics were estimated?

A frozen batch norm standardises each channel with the moving mean and variance of the input it was estimated on.
If a convolution's channel means over photographs follow its batch norm's moving means, the backbone is being fed as
it was when those statistics were gathered; if they do not, every layer downstream sees shifted, rescaled channels.
This compares [0, 1] (what nsfwjs feeds its models, `img / 255`) with [-1, 1] (Keras' ImageNet preprocessing) on the
first convolutions of both networks nsfwjs ships (MobileNetV2's Conv1, which the trace views read from, and
InceptionV3's conv2d_1 and conv2d_5): the correlation over channels of the convolution's mean output on training-split
photographs (each resized to the network's input size) with the moving means stored in the package.

Writes training/results/input-range.json. Run: /usr/bin/python3 training/probe_input_range.py [--photos 40]"""
import argparse
import os

import numpy as np
import torch
from PIL import Image

import data
import pretrained
import splits
from common import write_json

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results', 'input-range.json')
RANGES = {'[0, 1]': (0.0, 1.0), '[-1, 1]': (-1.0, 1.0)}


def photographs(count, side):
    """The first `count` training-split real photographs of data-splits.json, taken in turn from each real group,
    resized to side x side: float [N, 3, side, side] in [0, 1]."""
    by_group = {}
    for row in splits.load():
        if row['label'] == 'real' and row['split'] == 'train':
            by_group.setdefault(row['group'], []).append(row['file'])
    files = [f for batch in zip(*by_group.values()) for f in batch][:count]
    pictures = [np.asarray(Image.open(os.path.join(data.DATA_DIR, f)).convert('RGB').resize((side, side), Image.BILINEAR)) for f in files]
    return torch.from_numpy(np.stack(pictures)).permute(0, 3, 1, 2).float() / 255.0


def agreement(outputs, weights, norm):
    """Correlation over channels of the convolution's mean output with its batch norm's moving mean."""
    return round(float(np.corrcoef(outputs.mean((0, 2, 3)).numpy(), weights[norm + '/moving_mean'])[0, 1]), 4)


@torch.no_grad()
def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--photos', type=int, default=40)
    args = parser.parse_args()
    results = {'method': ' '.join(__doc__.split('\n\n')[1].split()), 'photos': args.photos, 'ranges': {}}
    mobilenet = pretrained.read_keras_weights()
    conv1 = pretrained.conv(mobilenet, 'Conv1', stride=2)
    layers, inception = pretrained.read_tfjs_model(pretrained.NSFWJS_INCEPTION)
    stem = pretrained.KerasGraphFeatures(layers, inception, ['conv2d_1', 'conv2d_5'])
    small, large = photographs(args.photos, 224), photographs(args.photos, 299)
    for name, input_range in RANGES.items():
        outputs = stem(pretrained.backbone_input(large, input_range))
        results['ranges'][name] = {
            'mobilenet-v2 Conv1': agreement(conv1(pretrained.KerasPad()(pretrained.backbone_input(small, input_range))), mobilenet, 'bn_Conv1'),
            'inception-v3 conv2d_1': agreement(outputs['conv2d_1'], inception, 'batch_normalization_1'),
            'inception-v3 conv2d_5': agreement(outputs['conv2d_5'], inception, 'batch_normalization_5')}
        print(name, results['ranges'][name])
    write_json(RESULTS, results)


if __name__ == '__main__':
    main()
