#!/usr/bin/python3
"""Peer of SbirLab's training-step benchmark: seed 004's ConvNet in PyTorch, same data, batch size,
thread count, optimizer and loss, timed over a fixed number of steps. Prints one JSON line."""
import argparse, json, os, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from fashion_mnist_idx import find, read_idx


class ConvNet(nn.Sequential):
    def __init__(self, num_classes=10):
        layers = [nn.Conv2d(1, 32, 3), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
                  nn.Conv2d(32, 32, 3), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
                  nn.Conv2d(32, 64, 3), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d((2, 2)),
                  nn.Flatten(), nn.Linear(64 * 2 * 2, num_classes)]
        super().__init__(*layers)
        self.layers = layers

    def features(self, x):
        return F.normalize(nn.Sequential(*self.layers[:-1])(x), p=2, dim=1)


def triplet_batch_all(emb, labels, anchors, margin):
    """Seed 004: for each of the first k anchors, all valid (p, n); mean over valid triplets."""
    d = torch.cdist(emb, emb).pow(2)
    k = min(anchors, emb.shape[0])
    idx = torch.arange(emb.shape[0])
    same = labels[:k, None] == labels[None, :]
    pos = same & (idx[None, :] != idx[:k, None])
    neg = ~same
    dap = d[:k, :, None]
    dan = d[:k, None, :]
    valid = pos[:, :, None] & neg[:, None, :]
    terms = F.relu(dap - dan + margin)[valid]
    return terms.mean() if terms.numel() else emb.sum() * 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--loss", choices=["ce", "triplet"], default="ce")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    images = torch.from_numpy(read_idx(find(a.data, "train-images-idx3-ubyte")).copy()).unsqueeze(1)
    labels = torch.from_numpy(read_idx(find(a.data, "train-labels-idx1-ubyte")).astype(np.int64))
    net = ConvNet()
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    order = torch.randperm(images.shape[0])
    mean, std = 0.2860, 0.3530

    def step(i):
        idx = order[(i * a.batch) % (images.shape[0] - a.batch):][:a.batch]
        x = (images[idx].float().div_(255).sub_(mean).div_(std))
        y = labels[idx]
        opt.zero_grad()
        if a.loss == "ce":
            loss = F.cross_entropy(net(x), y)
        else:
            loss = triplet_batch_all(net.features(x), y, 10, 0.2)
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(a.warmup):
        step(i)
    start = time.perf_counter()
    for i in range(a.steps):
        step(a.warmup + i)
    ms = (time.perf_counter() - start) * 1000 / a.steps
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child of a big parent would report the parent's peak.
    with open("/proc/self/status") as status:
        peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(json.dumps({"ms_per_step": ms, "peak_rss_mib": peak_kib / 1024, "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
