// Where the original goes on the final canvas, and the three ways users say so.

export interface Size {
  width: number;
  height: number;
}

/** The original (width x height) placed with its top-left corner at (x, y) on the canvas. */
export interface Placement {
  canvasWidth: number;
  canvasHeight: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Extension {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export const ANCHORS = [
  "TOP_LEFT",
  "TOP_CENTER",
  "TOP_RIGHT",
  "LEFT_CENTER",
  "CENTER",
  "RIGHT_CENTER",
  "BOTTOM_LEFT",
  "BOTTOM_CENTER",
  "BOTTOM_RIGHT",
] as const;
export type Anchor = (typeof ANCHORS)[number];

export const PRESETS = [
  "ZOOM_OUT_1_5X",
  "ZOOM_OUT_2X",
  "MAKE_SQUARE",
  "ASPECT_16_9",
  "ASPECT_9_16",
  "ASPECT_4_3",
  "ASPECT_3_4",
  "ASPECT_3_2",
  "ASPECT_2_3",
  "ASPECT_21_9",
  "EXTEND_LEFT",
  "EXTEND_RIGHT",
  "EXTEND_TOP",
  "EXTEND_BOTTOM",
] as const;
export type Preset = (typeof PRESETS)[number];

/** Presets that grow one side by a factor of the image; the others have fixed factors. */
type SidePreset = "EXTEND_LEFT" | "EXTEND_RIGHT" | "EXTEND_TOP" | "EXTEND_BOTTOM";
type CentredPreset = Exclude<Preset, SidePreset>;

export function isSidePreset(preset: Preset): preset is SidePreset {
  return preset.startsWith("EXTEND_");
}

export function placeByExtension(original: Size, extension: Extension): Placement {
  return {
    canvasWidth: original.width + extension.left + extension.right,
    canvasHeight: original.height + extension.top + extension.bottom,
    x: extension.left,
    y: extension.top,
    width: original.width,
    height: original.height,
  };
}

/** How much each side of the canvas adds to the original: the inverse of placeByExtension. */
export function extensionOf(placement: Placement): Extension {
  return {
    top: placement.y,
    right: placement.canvasWidth - placement.x - placement.width,
    bottom: placement.canvasHeight - placement.y - placement.height,
    left: placement.x,
  };
}

/** Free space split by the anchor: the original hugs the named side, or is centred (left/top gets the smaller half). */
export function placeByAnchor(original: Size, canvas: Size, anchor: Anchor): Placement {
  const freeX = canvas.width - original.width;
  const freeY = canvas.height - original.height;
  const [vertical, horizontal] = anchorSides(anchor);
  return {
    canvasWidth: canvas.width,
    canvasHeight: canvas.height,
    x: horizontal === "LEFT" ? 0 : horizontal === "RIGHT" ? freeX : Math.floor(freeX / 2),
    y: vertical === "TOP" ? 0 : vertical === "BOTTOM" ? freeY : Math.floor(freeY / 2),
    width: original.width,
    height: original.height,
  };
}

function anchorSides(anchor: Anchor): ["TOP" | "CENTER" | "BOTTOM", "LEFT" | "CENTER" | "RIGHT"] {
  switch (anchor) {
    case "TOP_LEFT":
      return ["TOP", "LEFT"];
    case "TOP_CENTER":
      return ["TOP", "CENTER"];
    case "TOP_RIGHT":
      return ["TOP", "RIGHT"];
    case "LEFT_CENTER":
      return ["CENTER", "LEFT"];
    case "CENTER":
      return ["CENTER", "CENTER"];
    case "RIGHT_CENTER":
      return ["CENTER", "RIGHT"];
    case "BOTTOM_LEFT":
      return ["BOTTOM", "LEFT"];
    case "BOTTOM_CENTER":
      return ["BOTTOM", "CENTER"];
    case "BOTTOM_RIGHT":
      return ["BOTTOM", "RIGHT"];
  }
}

/**
 * Where a preset puts the original. Zoom and ratio presets centre it on a canvas whose sizes round
 * up and never shrink; side presets grow one side by `factor` times the image's extent and keep
 * the original against the opposite side.
 */
export function presetPlacement(original: Size, preset: Preset, factor: number): Placement {
  if (!isSidePreset(preset)) return placeByAnchor(original, centredCanvas(original, preset), "CENTER");
  const { width, height } = original;
  const grow = (extent: number) => Math.ceil(extent * factor);
  switch (preset) {
    case "EXTEND_LEFT":
      return placeByAnchor(original, { width: grow(width), height }, "RIGHT_CENTER");
    case "EXTEND_RIGHT":
      return placeByAnchor(original, { width: grow(width), height }, "LEFT_CENTER");
    case "EXTEND_TOP":
      return placeByAnchor(original, { width, height: grow(height) }, "BOTTOM_CENTER");
    case "EXTEND_BOTTOM":
      return placeByAnchor(original, { width, height: grow(height) }, "TOP_CENTER");
  }
}

function centredCanvas(original: Size, preset: CentredPreset): Size {
  const { width, height } = original;
  switch (preset) {
    case "ZOOM_OUT_1_5X":
      return { width: Math.ceil(width * 1.5), height: Math.ceil(height * 1.5) };
    case "ZOOM_OUT_2X":
      return { width: width * 2, height: height * 2 };
    case "MAKE_SQUARE":
      return aspectCanvas(original, 1, 1);
    case "ASPECT_16_9":
      return aspectCanvas(original, 16, 9);
    case "ASPECT_9_16":
      return aspectCanvas(original, 9, 16);
    case "ASPECT_4_3":
      return aspectCanvas(original, 4, 3);
    case "ASPECT_3_4":
      return aspectCanvas(original, 3, 4);
    case "ASPECT_3_2":
      return aspectCanvas(original, 3, 2);
    case "ASPECT_2_3":
      return aspectCanvas(original, 2, 3);
    case "ASPECT_21_9":
      return aspectCanvas(original, 21, 9);
  }
}

/** The smallest canvas of ratio w:h that contains the original: only the short dimension grows. */
function aspectCanvas(original: Size, w: number, h: number): Size {
  // Integer comparison avoids float error deciding which side grows.
  if (original.width * h >= original.height * w) {
    return { width: original.width, height: Math.max(original.height, Math.ceil((original.width * h) / w)) };
  }
  return { width: Math.max(original.width, Math.ceil((original.height * w) / h)), height: original.height };
}
