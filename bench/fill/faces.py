"""Finds faces, human or cat, inside a fill: the copy of a distinctive region a person sees first.

Usage: faces.py <jobs.json>, with the jobs of clones.py
({"truth": path, "known": {"x", "y", "width", "height"}, "results": [path, ...]}).
Prints one JSON line per result: {"file", "faces": [{"kind", "x", "y", "size"}], "eyes": [{"x", "y", "size"}]}.

clones.py rates how distinctive a region is by how unlike the rest of the photo it looks at 6x6
colours, and a face on a photo full of high-contrast detail (a flag, a badge, a helmet) does not
rank among the most distinctive by that measure, so a face copied whole above the astronaut's
head went uncounted. This asks a face detector instead: OpenCV's Viola-Jones cascades for
frontal human faces and frontal cat faces (Debian's opencv-data), on the equalised grey image;
a face counts when at least FILLED of its box lies in the fill. The detectors also fire, rarely,
on wood grain or petals, so the bench compares each fill's count with the real photo's in the
same region.
"""
import json
import sys

import cv2
import numpy as np

CASCADES = "/usr/share/opencv4/haarcascades/"
KINDS = {"face": "haarcascade_frontalface_alt2.xml", "cat": "haarcascade_frontalcatface_extended.xml"}
MIN_SIZE = 48        # px: smaller detections are mostly texture
NEIGHBOURS = 5       # overlapping detections a face needs (the detector's own false-positive guard)
FILLED = 0.75
# Eyes alone: a fill can assemble eyes from a face without a whole face the detectors above find
# (four sides of the astronaut: 3 to 5 eyes per fill in its corners, 0 whole faces in five of six
# seeds). The eye cascade fires more often on texture, so it asks for more overlapping detections
# and a larger size: on the nine real photos' filled regions it finds 0 to 3 (a cat's fur).
EYE = {"file": "haarcascade_eye.xml", "min_size": 32, "neighbours": 8}


def in_fill(detector, grey, hole, neighbours, min_size):
    """The detector's boxes lying at least FILLED in the fill, as {"x", "y", "size"}."""
    return [{"x": int(x), "y": int(y), "size": int(w)}
            for x, y, w, h in detector.detectMultiScale(grey, 1.1, neighbours, minSize=(min_size, min_size))
            if hole[y:y + h, x:x + w].mean() >= FILLED]


def main():
    detectors = {kind: cv2.CascadeClassifier(CASCADES + file) for kind, file in KINDS.items()}
    eyes = cv2.CascadeClassifier(CASCADES + EYE["file"])
    for kind, detector in {**detectors, "eye": eyes}.items():
        if detector.empty():
            raise SystemExit(f"faces.py: cannot load the {kind} cascade from {CASCADES}; install opencv-data")
    for job in json.load(open(sys.argv[1])):
        k = job["known"]
        for file in job["results"]:
            image = cv2.imread(file, cv2.IMREAD_COLOR)
            grey = cv2.equalizeHist(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
            hole = np.ones(grey.shape, np.float32)
            hole[k["y"]:k["y"] + k["height"], k["x"]:k["x"] + k["width"]] = 0
            faces = [{"kind": kind, **box} for kind, detector in detectors.items()
                     for box in in_fill(detector, grey, hole, NEIGHBOURS, MIN_SIZE)]
            found_eyes = in_fill(eyes, grey, hole, EYE["neighbours"], EYE["min_size"])
            print(json.dumps({"file": file, "faces": faces, "eyes": found_eyes}), flush=True)


main()
