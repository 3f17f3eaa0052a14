"""Export: the two ONNX graphs (opset 17), the parity fixtures tests/models/onnx-parity.test.ts checks the
TypeScript path against, and each file's size and sha256 for the manifest.

Reads the trained scorers; writes public/models/{svdd,autoencoder}.onnx and parity.json."""
import base64
import hashlib
import os

import numpy as np
import torch
import torch.nn.functional as F

import crops
import networks
from calibration import DEFAULT_PRESET
from common import to_tensor, write_json
from networks import STAT_NAMES

# Per-crop tensors: their first axis is the crops', not the images'.
PER_CROP = {'crops', 'crop_features', 'trace_score'}


def export_onnx(module, path, second_name, second_input, output_names):
    """`module(image [2, 3, 128, 128], second_input)` as an opset-17 graph whose inputs are named 'image' and
    `second_name` ('crops': native crops, or 'crop_features': Deep SVDD's backbone map of them), first axes dynamic."""
    image = torch.rand(2, 3, 128, 128)
    names = ['image', second_name, *output_names]
    dynamic = {name: {0: 'crops' if name in PER_CROP else 'batch'} for name in names}
    torch.onnx.export(module, (image, second_input), path, input_names=['image', second_name], output_names=list(output_names),
                      dynamic_axes=dynamic, opset_version=17, do_constant_folding=True)


def shares_backbone(svdd, ae):
    """Whether the autoencoder's trace view reads the very backbone map Deep SVDD's head reads (both the frozen
    MobileNetV2 of feature_bank.shipped_extractor, same weights): then Deep SVDD's graph outputs that map and the
    autoencoder's graph takes it instead of the crops, so each crop runs through the backbone once, not twice."""
    trace_ae, trace_encoder = ae.trace, svdd.trace
    if not (isinstance(trace_ae, networks.FeatureTraceAutoencoder) and isinstance(trace_encoder, networks.BankedTraceEncoder)):
        return False
    mine, theirs = trace_ae.extractor.state_dict(), trace_encoder.extractor.state_dict()
    return mine.keys() == theirs.keys() and all(torch.equal(mine[k], theirs[k]) for k in mine)


class SvddGraph(torch.nn.Module):
    """Deep SVDD's exported graph: the scorer's outputs, plus the crops' backbone map when it is shared."""

    def __init__(self, svdd, with_features):
        super().__init__()
        self.svdd, self.with_features = svdd, with_features

    def forward(self, image, crops_128):
        if not self.with_features:
            return self.svdd(image, crops_128)
        score, statistic_z = self.svdd.whole(image)
        maps, low = self.svdd.trace.extractor(crops_128)
        return score, statistic_z, self.svdd.trace_distance(self.svdd.trace.head(maps, low)), maps


class AutoencoderGraph(torch.nn.Module):
    """The autoencoder's exported graph: its trace view from the crops, or from Deep SVDD's backbone map of them."""

    def __init__(self, ae, from_features):
        super().__init__()
        self.ae, self.from_features = ae, from_features

    def forward(self, image, crops_or_features):
        if not self.from_features:
            return self.ae(image, crops_or_features)
        score, reconstruction, error_map = self.ae.whole(image)
        return score, reconstruction, error_map, self.ae.trace_error(self.ae.trace.autoencoder.error(crops_or_features))


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
    write_json(path, fixtures, indent=None)


def file_facts(path):
    with open(path, 'rb') as f:
        content = f.read()
    return {'file': os.path.basename(path), 'bytes': len(content), 'sha256': hashlib.sha256(content).hexdigest()}


def export_models(scorers, out, whole_val):
    """Both graphs and the parity fixtures into `out`; returns each model file's facts (file, bytes, sha256) and
    whether the graphs share the backbone (shares_backbone)."""
    svdd_path, ae_path = os.path.join(out, 'svdd.onnx'), os.path.join(out, 'autoencoder.onnx')
    shared = shares_backbone(scorers.svdd, scorers.ae)
    windows = torch.rand(3, 3, 128, 128)
    export_onnx(SvddGraph(scorers.svdd, shared).eval(), svdd_path, 'crops', windows,
                ['score', 'statistic_z', 'trace_score', *(['crop_features'] if shared else [])])
    ae_input = scorers.svdd.trace.extractor(windows)[0].detach() if shared else windows
    export_onnx(AutoencoderGraph(scorers.ae, shared).eval(), ae_path, 'crop_features' if shared else 'crops', ae_input, ['score', 'reconstruction', 'error_map', 'trace_score'])
    write_parity_fixtures(os.path.join(out, 'parity.json'), scorers.svdd, scorers.ae, whole_val)
    return {'svdd': file_facts(svdd_path), 'autoencoder': file_facts(ae_path), 'sharedBackbone': shared}


INPUT_NOTE = ('image: centre square crop (side = min(w, h), offsets floored), exact area-average resample to 128x128, alpha '
              'composited on white, value / 255; each graph area-averages 4x4 to 32x32 first. crops: for pictures of at least '
              '128 px on both sides, up to maxCrops native 128x128 windows picked by detail (src/detector/crops.ts), each '
              'overlapping earlier ones by at most maxOverlap px, then free slots filled with windows overlapping by at most '
              'fillOverlap px; no resampling; a picture\'s trace score per model is the geometric mean of its topK largest '
              'crop scores.')


def model_entries(files):
    """The manifest's `models`: each graph's file facts, kind and input and output names. With a shared backbone
    (files['sharedBackbone']) Deep SVDD also outputs `crop_features`, which the autoencoder takes instead of crops."""
    shared = files.get('sharedBackbone', False)
    svdd = {**files['svdd'], 'kind': 'deep-svdd', 'inputName': 'image', 'cropsInputName': 'crops',
            'scoreOutput': 'score', 'traceScoreOutput': 'trace_score',
            'statisticsOutput': 'statistic_z', 'statisticNames': list(STAT_NAMES),
            'outputs': ['score', 'statistic_z', 'trace_score']}
    ae = {**files['autoencoder'], 'kind': 'convolutional-autoencoder', 'inputName': 'image',
          'cropsInputName': 'crops', 'scoreOutput': 'score', 'traceScoreOutput': 'trace_score',
          'reconstructionOutput': 'reconstruction', 'errorMapOutput': 'error_map',
          'outputs': ['score', 'reconstruction', 'error_map', 'trace_score']}
    if shared:
        svdd.update(cropFeaturesOutput='crop_features', outputs=svdd['outputs'] + ['crop_features'])
        del ae['cropsInputName']
        ae['cropFeaturesInputName'] = 'crop_features'
    return {'svdd': svdd, 'autoencoder': ae}


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
        'models': model_entries(files),
        'calibration': rule['calibration'],
        'ensemble': {'weights': weights, 'traceWeight': rule['traceWeight'],
                     'perModel': 'pictures with crops: traceWeight x calibrated trace view + (1 - traceWeight) x calibrated '
                                 'whole-image view; whole-image view otherwise (chosen on validation: training.validation.viewRule)'},
        'thresholds': {'default': presets[DEFAULT_PRESET]['threshold'], 'defaultPreset': DEFAULT_PRESET,
                       'presets': presets, 'chosenOn': chosen_on},
        'training': training_facts,
        'metrics': None,
    }
