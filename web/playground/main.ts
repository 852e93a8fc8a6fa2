import { ANCHORS, PRESETS } from "../../src/core/geometry.js";
import { INFILL_METHODS } from "../../src/core/job.js";
import { PlaygroundApi, RequestError, type JobView } from "./api.js";

const KEY_STORAGE = "outpaint.apiKey";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>("request");
const fileInput = $<HTMLInputElement>("file");
const drop = $<HTMLLabelElement>("drop");
const sourcePreview = $<HTMLImageElement>("source-preview");
const mode = $<HTMLSelectElement>("mode");
const apiKey = $<HTMLInputElement>("api-key");
const submit = $<HTMLButtonElement>("submit");
const statusLine = $<HTMLParagraphElement>("status");
const progress = $<HTMLProgressElement>("progress");
const errorLine = $<HTMLParagraphElement>("error");
const compare = $<HTMLDivElement>("compare");
const after = $<HTMLImageElement>("after");
const before = $<HTMLDivElement>("before");
const beforeImage = $<HTMLImageElement>("before-image");
const slider = $<HTMLInputElement>("slider");
const sliderLabel = $<HTMLLabelElement>("slider-label");
const download = $<HTMLAnchorElement>("download");

let picked: File | null = null;

fillSelect("preset", PRESETS, "ZOOM_OUT_1_5X");
fillSelect("anchor", ANCHORS, "CENTER");
fillSelect("infill", INFILL_METHODS, "PATCHMATCH");
apiKey.value = localStorage.getItem(KEY_STORAGE) ?? "";
apiKey.addEventListener("change", () => localStorage.setItem(KEY_STORAGE, apiKey.value.trim()));

mode.addEventListener("change", () => {
  for (const group of document.querySelectorAll<HTMLElement>("[data-mode]")) group.hidden = group.dataset.mode !== mode.value;
});
fileInput.addEventListener("change", () => pick(fileInput.files?.[0] ?? null));
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  pick(event.dataTransfer?.files[0] ?? null);
});
slider.addEventListener("input", () => reveal(Number(slider.value)));

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void run();
});

function fillSelect(id: string, values: readonly string[], selected: string): void {
  const select = $<HTMLSelectElement>(id);
  for (const value of values) select.add(new Option(value.toLowerCase().replace(/_/g, "-"), value, false, value === selected));
}

function pick(file: File | null): void {
  picked = file;
  if (!file) return;
  sourcePreview.src = URL.createObjectURL(file);
  sourcePreview.hidden = false;
  $("drop-text").textContent = file.name;
  statusLine.textContent = "Choose how far to extend it, then Outpaint.";
}

async function run(): Promise<void> {
  if (!picked) {
    showError("Pick an image first.");
    return;
  }
  submit.disabled = true;
  errorLine.hidden = true;
  download.hidden = true;
  compare.hidden = true;
  sliderLabel.hidden = true;
  const api = new PlaygroundApi(apiKey.value.trim());
  try {
    statusLine.textContent = "Uploading…";
    const image = await api.upload(picked);
    const job = await api.createJob({ ...sizeInput(), ...fillInput(), image: { id: image.id } });
    placeOriginal(job);
    const final = await api.follow(job.id, show);
    if (final.status !== "SUCCEEDED") showError(final.error ? `${final.error.code}: ${final.error.message}` : `The job ended ${final.status}`);
  } catch (error) {
    showError(error instanceof RequestError ? `${error.code}${error.field ? ` (${error.field})` : ""}: ${error.message}` : String(error));
  } finally {
    submit.disabled = false;
  }
}

function sizeInput(): Record<string, unknown> {
  const number = (id: string) => ($<HTMLInputElement>(id).value === "" ? undefined : Number($<HTMLInputElement>(id).value));
  switch (mode.value) {
    case "preset":
      return { preset: $<HTMLSelectElement>("preset").value, presetFactor: number("preset-factor") };
    case "target":
      return { target: { width: number("target-width"), height: number("target-height"), anchor: $<HTMLSelectElement>("anchor").value } };
    default:
      return { extend: { top: number("top"), right: number("right"), bottom: number("bottom"), left: number("left") } };
  }
}

function fillInput(): Record<string, unknown> {
  const prompt = $<HTMLInputElement>("prompt").value.trim();
  const seed = $<HTMLInputElement>("seed").value;
  return {
    infill: $<HTMLSelectElement>("infill").value,
    blur: Number($<HTMLInputElement>("blur").value || 0),
    ...(prompt ? { prompt } : {}),
    ...(seed ? { seed: Number(seed) } : {}),
  };
}

/** The "before" layer: the original at its place on the final canvas, over a darkened result. */
function placeOriginal(job: JobView): void {
  const { x, y, width, height } = job.placement;
  Object.assign(beforeImage.style, {
    left: `${(x / job.width) * 100}%`,
    top: `${(y / job.height) * 100}%`,
    width: `${(width / job.width) * 100}%`,
    height: `${(height / job.height) * 100}%`,
  });
  beforeImage.src = sourcePreview.src;
}

function show(job: JobView): void {
  const { pass, passCount, step, totalSteps, percent, etaSeconds } = job.progress;
  progress.hidden = false;
  progress.value = percent;
  const parts = [job.status, job.status === "RUNNING" ? job.stage : null, passCount > 1 && pass > 0 ? `pass ${pass}/${passCount}` : null,
    totalSteps > 0 ? `step ${step}/${totalSteps}` : null, `${percent.toFixed(0)}%`, etaSeconds !== null && job.status === "RUNNING" ? `ETA ${etaSeconds.toFixed(1)} s` : null];
  statusLine.textContent = parts.filter(Boolean).join(" · ");
  const latest = job.result?.url ?? job.preview?.url;
  if (latest && after.getAttribute("src") !== latest) {
    after.src = latest;
    compare.hidden = false;
  }
  if (job.result) {
    sliderLabel.hidden = false;
    reveal(Number(slider.value));
    download.href = job.result.url;
    download.download = `outpainted.${job.result.format === "JPEG" ? "jpg" : job.result.format.toLowerCase()}`;
    download.hidden = false;
  }
}

/** Shows the original on the left `percent` of the picture, the result on the rest. */
function reveal(percent: number): void {
  before.style.clipPath = `inset(0 ${100 - percent}% 0 0)`;
}

function showError(message: string): void {
  errorLine.textContent = message;
  errorLine.hidden = false;
}
