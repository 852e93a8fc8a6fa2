"""Finds verbatim copies of a photo's most distinctive regions inside a fill.

Usage: clones.py <jobs.json>, where jobs.json lists
{"truth": path, "known": {"x", "y", "width", "height"}, "results": [path, ...]}.
Prints one JSON line per result: {"file", "largest", "clones": [{"size", "x", "y", "score"}]},
"largest" being the side in pixels of the largest distinctive region found copied (0: none).

A region is distinctive when few others of the known part look like it: square windows of each
size on a grid over the known part are described by their colours at 6x6 (CIELAB), and the
windows farthest from their k-th nearest non-overlapping neighbour are kept (an eye, a face, a
logo; not fur, sky or grass, which repeat all over the photo). It counts as copied when a window
lying at least three quarters in the fill matches it with normalised cross-correlation of at
least SCORE (a verbatim copy scores above 0.95 even after the fill's brightness corrections; a
similar but different object, such as the other eye, well below). Everything runs at half size.
"""
import json
import sys

import cv2
import numpy as np

SIZES = [32, 48, 64, 96, 128]  # full-size pixels
PER_SIZE = 8                   # distinctive windows kept per size
NEIGHBOUR = 3                  # rarity = distance to the k-th most similar other window
MIN_DETAIL = 4.0               # luma deviation from the window blurred at 1/8 of its side: smooth windows match any smooth area
SCORE = 0.9
REPEATS = 0.8                  # a window matching itself elsewhere this well is a repeating structure
FILLED = 0.75
SCALE = 0.5


def half(image):
    return cv2.resize(image, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_AREA)


def distinctive(known, size):
    """Top-left corners (in `known`) of the most distinctive size x size windows."""
    stride = max(size // 4, 1)
    lab = cv2.cvtColor(known, cv2.COLOR_BGR2LAB).astype(np.float32)
    grey = cv2.cvtColor(known, cv2.COLOR_BGR2GRAY).astype(np.float32)
    corners, descriptors = [], []
    for y in range(0, known.shape[0] - size + 1, stride):
        for x in range(0, known.shape[1] - size + 1, stride):
            window = grey[y:y + size, x:x + size]
            if (window - cv2.GaussianBlur(window, (0, 0), size / 8)).std() < MIN_DETAIL:
                continue
            corners.append((x, y))
            descriptors.append(cv2.resize(lab[y:y + size, x:x + size], (6, 6), interpolation=cv2.INTER_AREA).ravel())
    if len(corners) <= NEIGHBOUR:
        return []
    d = np.asarray(descriptors)
    c = np.asarray(corners)
    distance = np.sqrt(np.maximum((d * d).sum(1)[:, None] + (d * d).sum(1)[None, :] - 2 * d @ d.T, 0))
    overlapping = (np.abs(c[:, None, 0] - c[None, :, 0]) < size) & (np.abs(c[:, None, 1] - c[None, :, 1]) < size)
    distance[overlapping] = np.inf
    rarity = np.sort(distance, axis=1)[:, NEIGHBOUR - 1]
    kept = []
    for i in np.argsort(-rarity)[:4 * PER_SIZE]:
        x, y = c[i]
        if not np.isfinite(rarity[i]) or any(abs(x - c[j, 0]) < size // 2 and abs(y - c[j, 1]) < size // 2 for j in kept):
            continue
        # Not a structure that repeats along itself (a horizon, a rail, stripes): its best match
        # in the known part away from itself must be poor.
        score = cv2.matchTemplate(known, known[y:y + size, x:x + size], cv2.TM_CCOEFF_NORMED)
        score[max(y - size // 2, 0):y + size // 2 + 1, max(x - size // 2, 0):x + size // 2 + 1] = -1
        if np.nan_to_num(score, nan=-1.0).max() >= REPEATS:
            continue
        kept.append(i)
        if len(kept) == PER_SIZE:
            break
    return [tuple(c[i]) for i in kept]


def main():
    for job in json.load(open(sys.argv[1])):
        truth = half(cv2.imread(job["truth"], cv2.IMREAD_COLOR))
        k = {key: int(round(value * SCALE)) for key, value in job["known"].items()}
        known = truth[k["y"]:k["y"] + k["height"], k["x"]:k["x"] + k["width"]]
        hole = np.ones(truth.shape[:2], np.float32)
        hole[k["y"]:k["y"] + k["height"], k["x"]:k["x"] + k["width"]] = 0
        templates = []
        for size in SIZES:
            s = int(round(size * SCALE))
            filled = cv2.boxFilter(hole, -1, (s, s), anchor=(0, 0), normalize=True, borderType=cv2.BORDER_CONSTANT)
            valid = filled[:truth.shape[0] - s + 1, :truth.shape[1] - s + 1] >= FILLED
            for x, y in distinctive(known, s):
                templates.append((size, known[y:y + s, x:x + s], valid))
        for file in job["results"]:
            result = half(cv2.imread(file, cv2.IMREAD_COLOR))
            clones = []
            for size, template, valid in templates:
                score = cv2.matchTemplate(result, template, cv2.TM_CCOEFF_NORMED)
                score = np.where(valid, np.nan_to_num(score, nan=-1.0), -1.0)
                y, x = np.unravel_index(int(np.argmax(score)), score.shape)
                if score[y, x] >= SCORE:
                    clones.append({"size": size, "x": int(x / SCALE), "y": int(y / SCALE), "score": round(float(score[y, x]), 3)})
            largest = max((clone["size"] for clone in clones), default=0)
            print(json.dumps({"file": file, "largest": largest, "clones": clones}), flush=True)


main()
