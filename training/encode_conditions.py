"""Photographs under training's robustness conditions and everyday edits, made as training makes them, for
src/node/encoder-parity.ts (`npm run models:encoders`), which makes the same with sharp and scores both.

One code path: the pictures are trace_view.conditioned's own output (PIL, through native.encode and native.resize);
nothing here re-implements an encoder. The conditions' parameters come from trace_view.PHOTO_CONDITIONS, plus
HALVED for the halved condition that conditioned() adds; each output is checked to be what native.encode /
native.resize give for the parameters reported, so a change in training fails here instead of being mislabelled.
The everyday edits are trace_view.edited's own output, one photo at a time (the presets are quantiles over them
too: calibration.operating_groups), named as trace_view.EVERYDAY_EDITS names them.

Reads: the photo files named on the command line, decoded as training decodes them (data.load_photo).
Writes: under --out DIR, for the i-th photo, i/source.png (the decoded photo), i/<k>.png, the k-th condition's
picture after encoding and decoding by PIL, and i/edit-<k>.png, the k-th everyday edit's picture, all lossless PNG;
on stdout, JSON: the Pillow version, the conditions with their parameters, the edits' names, and the files.

    /usr/bin/python3 training/encode_conditions.py --out DIR PHOTO...
"""
import argparse
import json
import os
import sys

import numpy as np
import PIL
from PIL import Image, features

import data
import native
import trace_view

# The halved condition trace_view.conditioned adds after PHOTO_CONDITIONS: scale, resample, then format and quality.
HALVED = {'scale': 0.5, 'resample': 'lanczos', 'format': 'jpeg', 'quality': 90}
RESAMPLERS = {'lanczos': Image.LANCZOS}


def conditions():
    """The conditions in conditioned()'s order, each {name, format, quality, scale, resample}."""
    plain = [{'name': fmt if quality is None else f'{fmt} q{quality}', 'format': fmt, 'quality': quality, 'scale': None, 'resample': None}
             for fmt, quality in trace_view.PHOTO_CONDITIONS]
    halved = dict(HALVED, name=f"half ({HALVED['resample']}) + {HALVED['format']} q{HALVED['quality']}")
    return plain + [halved]


def by_parameters(picture, condition):
    """The picture under `condition` from training's encode / resize and the reported parameters."""
    if condition['scale'] is not None:
        picture = native.resize(picture, condition['scale'], RESAMPLERS[condition['resample']])
    return native.encode(picture, condition['format'], condition['quality'])


def libraries():
    """Pillow's version and those of the JPEG and WebP libraries it was built with."""
    turbo = features.check_feature('libjpeg_turbo')
    jpeg = f"libjpeg-turbo {features.version_feature('libjpeg_turbo')}" if turbo else f"libjpeg {features.version('jpg')}"
    return {'pillow': PIL.__version__, 'libjpeg': jpeg, 'libwebp': features.version('webp')}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', required=True)
    parser.add_argument('photos', nargs='+')
    args = parser.parse_args()
    listed = conditions()
    photos = []
    for index, path in enumerate(args.photos):
        picture = data.load_photo(path)
        pictures = trace_view.conditioned([picture])
        if len(pictures) != len(listed):
            sys.exit(f'trace_view.conditioned gave {len(pictures)} pictures per photo, this helper knows {len(listed)} conditions')
        folder = os.path.join(args.out, str(index))
        os.makedirs(folder, exist_ok=True)
        Image.fromarray(picture).save(os.path.join(folder, 'source.png'), compress_level=1)
        files = []
        for k, (condition, conditioned) in enumerate(zip(listed, pictures)):
            if not np.array_equal(conditioned, by_parameters(picture, condition)):
                sys.exit(f"trace_view.conditioned's picture {k} is not {condition['name']}: update HALVED or the names here")
            files.append(os.path.join(folder, f'{k}.png'))
            Image.fromarray(conditioned).save(files[-1], compress_level=1)
        edits = []
        for k, after in enumerate(trace_view.edited([picture], seed=index)):
            edits.append(os.path.join(folder, f'edit-{k}.png'))
            Image.fromarray(after).save(edits[-1], compress_level=1)
        photos.append({'file': path, 'source': os.path.join(folder, 'source.png'), 'conditions': files, 'edits': edits})
    edit_names = [name for name, _ in trace_view.EVERYDAY_EDITS]
    json.dump({**libraries(), 'conditions': listed, 'edits': edit_names, 'photos': photos}, sys.stdout)

if __name__ == '__main__':
    main()
