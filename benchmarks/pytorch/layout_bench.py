#!/usr/bin/python3
"""Seed 004's ConvNet in PyTorch, one cross-entropy step on a random batch of 100 at a time (2 threads): ms a step with
the seed's NCHW layout, with channels-last weights and input, and with each max pool moved before its ReLU (the same
values and gradients). It asks whether a layout change would make our engine faster than the epoch benchmark's peer
(README "Benchmarks")."""
import sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

from epoch_bench import ConvNet


def ms_per_step(net, x, y, steps=60, warmup=10):
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    for i in range(steps + warmup):
        if i == warmup:
            start = time.perf_counter()
        opt.zero_grad()
        _, logits = net(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        loss.item()
    return (time.perf_counter() - start) / steps * 1000


def pool_before_relu():
    net = ConvNet()
    layers = list(net.features)
    layers[1], layers[2] = layers[2], layers[1]
    layers[4], layers[5] = layers[5], layers[4]
    net.features = nn.Sequential(*layers)
    return net


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    torch.manual_seed(1)
    x, y = torch.randn(100, 1, 28, 28), torch.randint(0, 10, (100,))
    for round in range(1, 3):
        nchw = ms_per_step(ConvNet(), x, y)
        last = ms_per_step(ConvNet().to(memory_format=torch.channels_last), x.contiguous(memory_format=torch.channels_last), y)
        swapped = ms_per_step(pool_before_relu(), x, y)
        print(f"round {round}: NCHW {nchw:.1f} ms/step, channels-last {last:.1f}, pool before ReLU {swapped:.1f}")


if __name__ == "__main__":
    main()
