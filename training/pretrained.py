"""ImageNet-pretrained low-level features for the trace view: MobileNetV2's first blocks, read from the
MIT-licensed npm package `nsfwjs` (its TF.js layers model, uint8-quantized; Infinite Red fine-tuned only the
blocks after block_10, so blocks up to block_10 hold Keras' ImageNet weights).

Reads: node_modules/nsfwjs/dist/models/mobilenet_v2/{model.min.js, group1-shard1of1.min.js} (UMD wrappers around
the model JSON and the base64 weight shard; `node` unwraps them). Writes nothing: `mobilenet_v2_features(last)`
returns a frozen torch module, float32 [N, 3, H, W] RGB in [0, 1] -> features at 1/stride resolution.

Why: trace detectors trained from scratch on a few thousand pictures learn the generators they saw; features
learned on ImageNet respond to low-level structure (edges, texture, resampling) in every photograph, which is where
traces that transfer live (Wang et al. 2020, Ojha et al. 2023)."""
import json
import os
import subprocess

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NSFWJS_MODEL = os.path.join(ROOT, 'node_modules', 'nsfwjs', 'dist', 'models', 'mobilenet_v2')

# (expansion, output channels, stride) of MobileNetV2's inverted residual blocks 0-16 (Sandler et al. 2018).
BLOCKS = [(1, 16, 1), (6, 24, 2), (6, 24, 1), (6, 32, 2), (6, 32, 1), (6, 32, 1), (6, 64, 2), (6, 64, 1),
          (6, 64, 1), (6, 64, 1), (6, 96, 1), (6, 96, 1), (6, 96, 1), (6, 160, 2), (6, 160, 1), (6, 160, 1),
          (6, 320, 1)]
BN_EPSILON = 1e-3


def read_keras_weights(folder=NSFWJS_MODEL):
    """{layer/weight name: float32 array} dequantized (value = q * scale + min), Keras layouts."""
    script = ("const m=require(process.argv[1]+'/model.min.js');const s=require(process.argv[1]+"
              "'/group1-shard1of1.min.js');process.stdout.write(JSON.stringify({m,s}))")
    unwrapped = json.loads(subprocess.run(['node', '-e', script, folder], check=True, capture_output=True).stdout)
    data = np.frombuffer(__import__('base64').b64decode(unwrapped['s']), dtype=np.uint8)
    weights, offset = {}, 0
    for group in unwrapped['m']['weightsManifest']:
        for spec in group['weights']:
            count = int(np.prod(spec['shape'])) if spec['shape'] else 1
            quantization = spec.get('quantization')
            assert quantization and quantization['dtype'] == 'uint8', spec['name']
            raw = data[offset:offset + count].astype(np.float32)
            weights[spec['name']] = (raw * quantization['scale'] + quantization['min']).reshape(spec['shape'])
            offset += count
    assert offset == len(data), (offset, len(data))
    return weights


class FrozenBatchNorm(nn.Module):
    """Inference batch norm folded to a per-channel scale and shift."""

    def __init__(self, weights, prefix):
        super().__init__()
        gamma, beta = weights[prefix + '/gamma'], weights[prefix + '/beta']
        mean, variance = weights[prefix + '/moving_mean'], weights[prefix + '/moving_variance']
        scale = gamma / np.sqrt(variance + BN_EPSILON)
        self.register_buffer('scale', torch.from_numpy(scale).view(1, -1, 1, 1))
        self.register_buffer('shift', torch.from_numpy(beta - mean * scale).view(1, -1, 1, 1))

    def forward(self, x):
        return x * self.scale + self.shift


def conv(weights, name, stride=1, groups=1):
    kernel = weights[name + ('/depthwise_kernel' if groups > 1 else '/kernel')]
    if groups > 1:  # Keras depthwise [kh, kw, in, 1] -> torch [in, 1, kh, kw]
        tensor = torch.from_numpy(kernel.transpose(2, 3, 0, 1).copy())
    else:  # Keras [kh, kw, in, out] -> torch [out, in, kh, kw]
        tensor = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy())
    layer = nn.Conv2d(tensor.shape[1] * groups, tensor.shape[0], tensor.shape[2], stride=stride, groups=groups,
                      bias=False)
    layer.weight.data.copy_(tensor)
    return layer


class KerasPad(nn.Module):
    """TF 'same' padding for a 3x3 stride-2 convolution on even sizes: one pixel bottom and right only."""

    def forward(self, x):
        return F.pad(x, (0, 1, 0, 1))


class InvertedResidual(nn.Module):
    def __init__(self, weights, index, in_channels, expansion, out_channels, stride):
        super().__init__()
        prefix = f'block_{index}_' if index else 'expanded_conv_'
        layers = []
        if expansion != 1:
            layers += [conv(weights, prefix + 'expand'), FrozenBatchNorm(weights, prefix + 'expand_BN'), nn.ReLU6()]
        hidden = in_channels * expansion
        layers += [KerasPad() if stride == 2 else nn.ZeroPad2d(1),
                   conv(weights, prefix + 'depthwise', stride=stride, groups=hidden),
                   FrozenBatchNorm(weights, prefix + 'depthwise_BN'), nn.ReLU6(),
                   conv(weights, prefix + 'project'), FrozenBatchNorm(weights, prefix + 'project_BN')]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and in_channels == out_channels

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class MobileNetV2Features(nn.Module):
    """Frozen MobileNetV2 stem + blocks 0..last_block. Input RGB in [0, 1]; Keras' ImageNet weights expect
    [-1, 1], which the first step applies."""

    def __init__(self, last_block=10, weights=None):
        super().__init__()
        weights = weights if weights is not None else read_keras_weights()
        layers = [KerasPad(), conv(weights, 'Conv1', stride=2), FrozenBatchNorm(weights, 'bn_Conv1'), nn.ReLU6()]
        channels = 32
        for index, (expansion, out_channels, stride) in enumerate(BLOCKS[:last_block + 1]):
            layers.append(InvertedResidual(weights, index, channels, expansion, out_channels, stride))
            channels = out_channels
        self.layers = nn.Sequential(*layers)
        self.channels = channels
        for parameter in self.parameters():
            parameter.requires_grad_(False)
        self.eval()

    def train(self, mode=True):  # always inference: the batch norms are folded constants
        return super().train(False)

    def forward(self, images):
        return self.layers(images * 2.0 - 1.0)


def mobilenet_v2_features(last_block=10):
    return MobileNetV2Features(last_block)
