"""Export: the two ONNX graphs (opset 17), the parity fixtures tests/models/onnx-parity.test.ts checks the
TypeScript path against, and each file's size and sha256 for the manifest.

Reads the trained scorers; writes public/models/{svdd,autoencoder}.onnx and parity.json."""
import base64
import hashlib
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

import crops
from calibration import DEFAULT_PRESET
from common import to_tensor
from networks import STAT_NAMES


def export_onnx(module, path, output_names):
    image, windows = torch.rand(2, 3, 128, 128), torch.rand(3, 3, 128, 128)
    dynamic = {'image': {0: 'batch'}, 'crops': {0: 'crops'}}
    dynamic.update({name: {0: 'crops' if name == 'trace_score' else 'batch'} for name in output_names})
    torch.onnx.export(module, (image, windows), path, input_names=['image', 'crops'], output_names=list(output_names),
                      dynamic_axes=dynamic, opset_version=17, do_constant_folding=True)


def parity_picture(height=176, width=232):
    """A deterministic synthetic picture for the crop-selection parity check: smooth gradients with a few
    textured patches, so detail differs between windows and the pick order is not a tie."""
    rng = np.random.default_rng(11)
    y, x = np.mgrid[0:height, 0:width]
    picture = np.stack([(x * 255 // width), (y * 255 // height), ((x + y) * 255 // (width + height))], -1).astype(np.int64)
    for top, left, size, amplitude in ((20, 150, 60, 90), (100, 30, 50, 40), (120, 170, 40, 120)):
        patch = rng.integers(-amplitude, amplitude + 1, (size, size, 3))
        picture[top:top + size, left:left + size] += patch
    return np.clip(picture, 0, 255).astype(np.uint8)


def write_parity_fixtures(path, svdd, ae, whole_val):
    """What PyTorch gives for a few inputs, for tests/models/onnx-parity.test.ts to run through our TypeScript
    preprocessing and the exported ONNX: 32x32 images (natural, generated, flat, noise; upscaled x4 by nearest,
    exact under the area resample) and one synthetic picture whose native crops numpy picks (crops.py)."""
    generator = torch.Generator().manual_seed(7)
    images = torch.cat([whole_val['cifake_real'][:2], whole_val['cifake_fake'][:1], whole_val['photo_crops'][:2],
                        torch.full((1, 3, 32, 32), 0.5), torch.rand(1, 3, 32, 32, generator=generator)])
    images_u8 = (images * 255).round().clamp(0, 255).to(torch.uint8)
    picture = parity_picture()
    windows_u8, picked = crops.crops_of(picture)
    windows = to_tensor(windows_u8)
    images_128 = F.interpolate(images_u8.float() / 255, scale_factor=4, mode='nearest')
    with torch.no_grad():
        svdd_scores, _, svdd_trace = svdd(images_128, windows)
        ae_scores, reconstruction, _, ae_trace = ae(images_128, windows)
    fixtures = {
        'note': 'uint8 NHWC 32x32 images (base64; input = nearest x4 upscale / 255) and one uint8 HWC picture '
                '(base64) with the crops numpy picks; outputs from PyTorch',
        'count': len(images), 'size': 32,
        'pixels': base64.b64encode(images_u8.permute(0, 2, 3, 1).contiguous().numpy().tobytes()).decode(),
        'svdd': svdd_scores.tolist(), 'autoencoder': ae_scores.tolist(),
        'reconstructionFirstPixels': reconstruction[:, :, 0, :4].flatten(1).tolist(),
        'picture': {'width': picture.shape[1], 'height': picture.shape[0],
                    'pixels': base64.b64encode(picture.tobytes()).decode(),
                    'crops': [{'top': t, 'left': l, 'detail': d} for t, l, d in picked],
                    'traceSvdd': svdd_trace.tolist(), 'traceAutoencoder': ae_trace.tolist()},
    }
    with open(path, 'w') as f:
        json.dump(fixtures, f)
        f.write('\n')


def file_facts(path):
    with open(path, 'rb') as f:
        content = f.read()
    return {'file': os.path.basename(path), 'bytes': len(content), 'sha256': hashlib.sha256(content).hexdigest()}


def export_models(scorers, out, whole_val):
    """Both graphs and the parity fixtures into `out`; returns each model file's facts (file, bytes, sha256)."""
    svdd_path, ae_path = os.path.join(out, 'svdd.onnx'), os.path.join(out, 'autoencoder.onnx')
    export_onnx(scorers.svdd, svdd_path, ['score', 'statistic_z', 'trace_score'])
    export_onnx(scorers.ae, ae_path, ['score', 'reconstruction', 'error_map', 'trace_score'])
    write_parity_fixtures(os.path.join(out, 'parity.json'), scorers.svdd, scorers.ae, whole_val)
    return {'svdd': file_facts(svdd_path), 'autoencoder': file_facts(ae_path)}


INPUT_NOTE = ('image: centre square crop (side = min(w, h), offsets floored), exact area-average resample to 128x128, alpha '
              'composited on white, value / 255; each graph area-averages 4x4 to 32x32 first. crops: for pictures of at least '
              '128 px on both sides, up to maxCrops native 128x128 windows picked by detail (src/detector/crops.ts), each '
              'overlapping earlier ones by at most maxOverlap px, then free slots filled with windows overlapping by at most '
              'fillOverlap px; no resampling; a picture\'s trace score per model is the geometric mean of its topK largest '
              'crop scores.')


def build_manifest(version, files, rule, weights, presets, chosen_on, training_facts):
    """public/models/manifest.json, the single source of model facts (metrics: filled by npm run models:eval)."""
    return {
        'name': 'ensemble-deepfake-detector',
        'version': version,
        'input': {
            'name': 'image', 'dtype': 'float32', 'layout': 'NCHW', 'shape': [None, 3, 128, 128],
            'channelOrder': 'RGB', 'valueRange': [0, 1], 'crop': 'centre-square', 'resize': 'area', 'alphaBackground': [255, 255, 255],
            'crops': {'name': 'crops', 'size': crops.CROP, 'stride': crops.STRIDE, 'maxCrops': crops.MAX_CROPS,
                      'maxOverlap': crops.MAX_OVERLAP, 'fillOverlap': crops.FILL_OVERLAP, 'selection': 'laplacian-detail', 'aggregate': 'top-k-log-mean', 'topK': rule['topK']},
            'note': INPUT_NOTE,
        },
        'models': {
            'svdd': {**files['svdd'], 'kind': 'deep-svdd', 'inputName': 'image', 'cropsInputName': 'crops',
                     'scoreOutput': 'score', 'traceScoreOutput': 'trace_score',
                     'statisticsOutput': 'statistic_z', 'statisticNames': list(STAT_NAMES),
                     'outputs': ['score', 'statistic_z', 'trace_score']},
            'autoencoder': {**files['autoencoder'], 'kind': 'convolutional-autoencoder', 'inputName': 'image',
                            'cropsInputName': 'crops', 'scoreOutput': 'score', 'traceScoreOutput': 'trace_score',
                            'reconstructionOutput': 'reconstruction', 'errorMapOutput': 'error_map',
                            'outputs': ['score', 'reconstruction', 'error_map', 'trace_score']},
        },
        'calibration': rule['calibration'],
        'ensemble': {'weights': weights, 'traceWeight': rule['traceWeight'],
                     'perModel': 'pictures with crops: traceWeight x calibrated trace view + (1 - traceWeight) x calibrated '
                                 'whole-image view; whole-image view otherwise (chosen on validation: training.validation.viewRule)'},
        'thresholds': {'default': presets[DEFAULT_PRESET]['threshold'], 'defaultPreset': DEFAULT_PRESET,
                       'presets': presets, 'chosenOn': chosen_on},
        'training': training_facts,
        'metrics': None,
    }
