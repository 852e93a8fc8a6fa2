#!/usr/bin/env bash
# Builds a model directory for the server's FLUX_FILL_TRT backend (docs/gpu.md) from a Hugging Face
# snapshot, on the GPU host that will run it: TensorRT engines are tied to the TensorRT version and
# the GPU type they were built on.
#
#   scripts/build-flux-engines.sh --hf /data/FLUX.1-Fill-dev --out "$MODELS_DIR/flux1-fill-dev"
#   scripts/build-flux-engines.sh --hf /data/FLUX.1-dev      --out "$MODELS_DIR/flux1-dev"
#       [--onnx DIR] [--max-size 1536] [--refit] [--weight-streaming]
#
#   --hf DIR      a snapshot of black-forest-labs/FLUX.1-Fill-dev (the five engines and the two
#                 tokenizers), or of black-forest-labs/FLUX.1-dev (its transformer alone, for text
#                 to image: it shares Fill's text encoders and VAE). The weights are non-commercial
#                 and never bundled with this server.
#   --out DIR     the model directory: MODELS_DIR/flux1-fill-dev for Fill, MODELS_DIR/flux1-dev for
#                 [dev] (the server looks for exactly these two names)
#   --onnx DIR    where the ONNX exports go, or already are (default: <out>.onnx). Missing parts are
#                 exported with scripts/export_flux_onnx.py; present ones (<part>/model.onnx) are
#                 used as they are, so an export of your own with the same tensor names works too.
#   --max-size N  the largest canvas side the engines accept, a multiple of 16 (default 1536); the
#                 smallest is 256. Larger canvases are refused by TensorRT's shape profile.
#   --refit       build the transformer refittable and write transformer.refit.safetensors beside
#                 it, so LoRA tunes can be applied (costs some speed; docs/gpu.md)
#   --weight-streaming
#                 build the transformer so that what does not fit on the GPU streams from host
#                 memory during a step (24 GB cards; slower, docs/gpu.md)
#
# Needs: trtexec of TensorRT 10 (10.7 or later) or 11, the same major the addon is built with, on
# PATH; an NVIDIA GPU; python3 with torch, diffusers, transformers and onnx (the export), and
# safetensors with --refit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
hf="" out="" onnx="" max_size=1536 refit=0 streaming=0
while [ $# -gt 0 ]; do
  case "$1" in
    --hf) hf="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --onnx) onnx="$2"; shift 2 ;;
    --max-size) max_size="$2"; shift 2 ;;
    --refit) refit=1; shift ;;
    --weight-streaming) streaming=1; shift ;;
    *) echo "build-flux-engines.sh: unknown option $1 (see the header of this script)" >&2; exit 2 ;;
  esac
done
fail() { echo "build-flux-engines.sh: $*" >&2; exit 2; }
[ -n "$hf" ] && [ -n "$out" ] || fail "expected --hf DIR --out DIR"
[ -f "$hf/transformer/config.json" ] || fail "$hf is not a FLUX.1 snapshot (no transformer/config.json)"
[ $((max_size % 16)) -eq 0 ] && [ "$max_size" -ge 256 ] || fail "expected a multiple of 16 of at least 256 for --max-size but received $max_size"
command -v trtexec >/dev/null || fail "trtexec is not on PATH (it comes with TensorRT: <TensorRT>/bin)"
onnx="${onnx:-${out%/}.onnx}"

# Fill (in_channels 384) needs all five engines and the tokenizers; [dev] (64) its transformer.
in_channels=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["in_channels"])' "$hf/transformer/config.json")
case "$in_channels" in
  384) parts=(clip t5 transformer vae_encoder vae_decoder) model="FLUX.1 Fill [dev]" ;;
  64) parts=(transformer) model="FLUX.1 [dev]" ;;
  *) fail "$hf's transformer has in_channels $in_channels; expected 384 (Fill) or 64 ([dev])" ;;
esac
echo "$hf: $model"

missing=()
for part in "${parts[@]}"; do [ -f "$onnx/$part/model.onnx" ] || missing+=("$part"); done
if [ ${#missing[@]} -gt 0 ]; then
  (IFS=,; python3 "$here/export_flux_onnx.py" --hf "$hf" --out "$onnx" --parts "${missing[*]}")
fi
mkdir -p "$out"

# Shape profiles: batch 1; canvases from 256x256 to max x max; the optimum at 1024x1024. Every
# engine is built strongly typed: its types are the export's (TensorRT 11 builds no other way;
# --stronglyTyped is a no-op there and required for weight streaming in 10).
min_px=256 opt_px=1024
lat() { echo $(($1 / 8)); }
tokens() { echo $((($1 / 16) * ($2 / 16))); }
l_min=$(tokens $min_px $min_px) l_opt=$(tokens $opt_px $opt_px) l_max=$(tokens "$max_size" "$max_size")

build() { # part, extra trtexec flags...
  local part="$1"; shift
  echo "== $part"
  trtexec --onnx="$onnx/$part/model.onnx" --saveEngine="$out/$part.plan" --stronglyTyped --skipInference \
    --builderOptimizationLevel=3 "$@"
}

for part in "${parts[@]}"; do
  case "$part" in
    clip) build clip --minShapes=input_ids:1x77 --optShapes=input_ids:1x77 --maxShapes=input_ids:1x77 ;;
    t5) build t5 --minShapes=input_ids:1x512 --optShapes=input_ids:1x512 --maxShapes=input_ids:1x512 ;;
    transformer)
      flags=()
      [ "$refit" = 1 ] && flags+=(--refit)
      [ "$streaming" = 1 ] && flags+=(--allowWeightStreaming)
      shapes() { # tokens
        echo "hidden_states:1x$1x$in_channels,encoder_hidden_states:1x512x4096,pooled_projections:1x768,timestep:1,img_ids:$1x3,txt_ids:512x3,guidance:1"
      }
      build transformer ${flags[@]+"${flags[@]}"} --minShapes="$(shapes "$l_min")" --optShapes="$(shapes "$l_opt")" --maxShapes="$(shapes "$l_max")"
      ;;
    vae_encoder)
      build vae_encoder --minShapes=images:1x3x${min_px}x${min_px} --optShapes=images:1x3x${opt_px}x${opt_px} \
        --maxShapes=images:1x3x${max_size}x${max_size} ;;
    vae_decoder)
      build vae_decoder --minShapes=latent:1x16x$(lat $min_px)x$(lat $min_px) --optShapes=latent:1x16x$(lat $opt_px)x$(lat $opt_px) \
        --maxShapes=latent:1x16x$(lat "$max_size")x$(lat "$max_size") ;;
  esac
done

if [ "$in_channels" = 384 ]; then
  echo "== tokenizers"
  python3 - "$hf" "$out" <<'PY'
import sys
from transformers import AutoTokenizer
hf, out = sys.argv[1], sys.argv[2]
for sub in ("tokenizer", "tokenizer_2"):
    # use_fast writes tokenizer.json (what the server's tokenizers.js reads) beside the config.
    AutoTokenizer.from_pretrained(f"{hf}/{sub}", use_fast=True).save_pretrained(f"{out}/{sub}")
PY
fi

if [ "$refit" = 1 ]; then
  echo "== transformer.refit.safetensors (base weights for LoRA refits)"
  python3 - "$onnx/transformer/model.onnx" "$hf/transformer" "$out/transformer.refit.safetensors" <<'PY'
# The engine's refittable weights carry the ONNX initializers' names, which the exporter may have
# made up ("onnx::MatMul_1234") and stored transposed; LoRAs name the model's Linear weights
# ("<module>.weight"). Match every 2-D model weight to its initializer by content (as NVIDIA's
# diffusion demo maps weights for its refits), keep the initializer's values under its name, and
# record the model name -> initializer name ("|T": transposed) in the file's metadata.
import glob, hashlib, sys
import onnx, torch
from onnx import numpy_helper
from safetensors.torch import load_file, save_file
onnx_file, model_dir, out = sys.argv[1:4]

def as_torch(initializer):
    array = numpy_helper.to_array(initializer, base_dir=onnx_file.rsplit("/", 1)[0])
    if initializer.data_type == onnx.TensorProto.BFLOAT16 and array.dtype.itemsize == 2 and array.dtype.kind in "ui":
        return torch.from_numpy(array.view("int16").copy()).view(torch.bfloat16)  # raw bf16 bits
    return torch.from_numpy(array.astype("float32"))

key = lambda t: (tuple(t.shape), hashlib.sha1(t.to(torch.bfloat16).contiguous().view(torch.int16).numpy().tobytes()).hexdigest())
initializers = {}
for init in onnx.load(onnx_file, load_external_data=False).graph.initializer:
    if len(init.dims) == 2:
        initializers[key(as_torch(init))] = init.name
weights, names = {}, {}
for shard in sorted(glob.glob(f"{model_dir}/*.safetensors")):
    for name, w in load_file(shard).items():
        if w.dim() != 2 or not name.endswith(".weight"):
            continue
        for tensor, suffix in ((w, ""), (w.t(), "|T")):
            engine_name = initializers.get(key(tensor))
            if engine_name:
                weights[engine_name] = tensor.contiguous().to(torch.bfloat16)
                names[name] = engine_name + suffix
                break
save_file(weights, out, metadata=names)
print(f"{len(names)} model weights matched to engine weights")
PY
fi

cat >"$out/manifest.json" <<JSON
{ "model": "$model", "tensorrt": "$(trtexec --version 2>/dev/null | head -n 1 || echo unknown)",
  "maxSize": $max_size, "refit": $([ "$refit" = 1 ] && echo true || echo false),
  "weightStreaming": $([ "$streaming" = 1 ] && echo true || echo false),
  "gpu": "$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)" }
JSON
echo "Done: $out (set MODELS_DIR to its parent)"
