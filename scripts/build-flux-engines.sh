#!/usr/bin/env bash
# Builds the FLUX.1 Fill [dev] model directory the server's FLUX_FILL_TRT backend loads
# (docs/gpu.md), on the GPU host that will run it: TensorRT engines are tied to the TensorRT
# version and the GPU they were built on.
#
#   scripts/build-flux-engines.sh --onnx DIR --hf DIR --out MODELS_DIR/flux1-fill-dev \
#       [--precision bf16|fp8] [--max-size 1536] [--refit]
#
#   --onnx DIR   clip.onnx, t5.onnx, transformer.onnx, vae_encoder.onnx, vae_decoder.onnx: the
#                published ONNX exports of FLUX.1 Fill [dev], or those NVIDIA's TensorRT diffusion
#                demo writes (demo/Diffusion, --onnx-dir), with their external weight files
#   --hf DIR     a snapshot of black-forest-labs/FLUX.1-Fill-dev (only tokenizer/ and tokenizer_2/
#                are read; the weights are non-commercial and never bundled with this server)
#   --out DIR    where the engines and tokenizers go (the server reads MODELS_DIR/flux1-fill-dev)
#   --precision  bf16 (default) or fp8 for the transformer (an fp8-quantized ONNX export)
#   --max-size   the largest canvas side the engines accept, a multiple of 16 (default 1536);
#                the smallest is 256. Larger canvases are refused by TensorRT's shape profile.
#   --refit      build the transformer refittable and write transformer.refit.safetensors, so
#                LoRA tunes can be applied (costs some speed; see docs/gpu.md)
#
# Needs: trtexec (TensorRT 10, the same major the addon is built for) on PATH, an NVIDIA GPU,
# python3 with transformers (tokenizers), and with --refit also onnx, numpy and safetensors.
set -euo pipefail

onnx="" hf="" out="" precision="bf16" max_size=1536 refit=0
while [ $# -gt 0 ]; do
  case "$1" in
    --onnx) onnx="$2"; shift 2 ;;
    --hf) hf="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --precision) precision="$2"; shift 2 ;;
    --max-size) max_size="$2"; shift 2 ;;
    --refit) refit=1; shift ;;
    *) echo "build-flux-engines.sh: unknown option $1 (see the header of this script)" >&2; exit 2 ;;
  esac
done
fail() { echo "build-flux-engines.sh: $*" >&2; exit 2; }
[ -n "$onnx" ] && [ -n "$hf" ] && [ -n "$out" ] || fail "expected --onnx DIR --hf DIR --out DIR"
case "$precision" in bf16 | fp8) ;; *) fail "expected bf16 or fp8 for --precision but received $precision" ;; esac
[ $((max_size % 16)) -eq 0 ] && [ "$max_size" -ge 256 ] || fail "expected a multiple of 16 of at least 256 for --max-size but received $max_size"
command -v trtexec >/dev/null || fail "trtexec is not on PATH (it comes with TensorRT: <TensorRT>/bin)"
for model in clip t5 transformer vae_encoder vae_decoder; do
  [ -f "$onnx/$model.onnx" ] || fail "no $onnx/$model.onnx"
done
mkdir -p "$out"

# Shape profiles: batch 1; canvases from 256x256 to max x max; the optimum at 1024x1024.
min_px=256 opt_px=1024
lat() { echo $(($1 / 8)); }
tokens() { echo $((($1 / 16) * ($2 / 16))); }
l_min=$(tokens $min_px $min_px) l_opt=$(tokens $opt_px $opt_px) l_max=$(tokens "$max_size" "$max_size")

build() { # name, extra trtexec flags...
  local name="$1"; shift
  echo "== $name"
  trtexec --onnx="$onnx/$name.onnx" --saveEngine="$out/$name.plan" --skipInference "$@"
}

build clip --fp16 \
  --minShapes=input_ids:1x77 --optShapes=input_ids:1x77 --maxShapes=input_ids:1x77
build t5 --bf16 \
  --minShapes=input_ids:1x512 --optShapes=input_ids:1x512 --maxShapes=input_ids:1x512
transformer_flags=(--bf16)
[ "$precision" = fp8 ] && transformer_flags=(--stronglyTyped)
[ "$refit" = 1 ] && transformer_flags+=(--refit)
build transformer "${transformer_flags[@]}" \
  --minShapes=hidden_states:1x${l_min}x384,encoder_hidden_states:1x512x4096,pooled_projections:1x768,timestep:1,img_ids:${l_min}x3,txt_ids:512x3,guidance:1 \
  --optShapes=hidden_states:1x${l_opt}x384,encoder_hidden_states:1x512x4096,pooled_projections:1x768,timestep:1,img_ids:${l_opt}x3,txt_ids:512x3,guidance:1 \
  --maxShapes=hidden_states:1x${l_max}x384,encoder_hidden_states:1x512x4096,pooled_projections:1x768,timestep:1,img_ids:${l_max}x3,txt_ids:512x3,guidance:1
build vae_encoder --bf16 \
  --minShapes=images:1x3x${min_px}x${min_px} --optShapes=images:1x3x${opt_px}x${opt_px} --maxShapes=images:1x3x${max_size}x${max_size}
build vae_decoder --bf16 \
  --minShapes=latent:1x16x$(lat $min_px)x$(lat $min_px) --optShapes=latent:1x16x$(lat $opt_px)x$(lat $opt_px) \
  --maxShapes=latent:1x16x$(lat "$max_size")x$(lat "$max_size")

echo "== tokenizers"
python3 - "$hf" "$out" <<'PY'
import sys
from transformers import AutoTokenizer
hf, out = sys.argv[1], sys.argv[2]
for sub in ("tokenizer", "tokenizer_2"):
    # use_fast writes tokenizer.json (what the server's tokenizers.js reads) beside the config.
    AutoTokenizer.from_pretrained(f"{hf}/{sub}", use_fast=True).save_pretrained(f"{out}/{sub}")
PY

if [ "$refit" = 1 ]; then
  echo "== transformer.refit.safetensors (base weights for LoRA refits)"
  python3 - "$onnx/transformer.onnx" "$out/transformer.refit.safetensors" <<'PY'
import sys
import onnx
from onnx import numpy_helper
from safetensors.numpy import save_file
model = onnx.load(sys.argv[1], load_external_data=True)
# The engine's refittable weights carry the ONNX initializers' names; LoRAs name the same
# Linear weights ("<module>.weight"), so only those are kept.
weights = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer if i.name.endswith(".weight") and len(i.dims) == 2}
save_file(weights, sys.argv[2])
print(f"{len(weights)} weights")
PY
fi

cat >"$out/manifest.json" <<JSON
{ "model": "FLUX.1 Fill [dev]", "tensorrt": "$(trtexec --version 2>/dev/null | head -n 1 || echo unknown)",
  "precision": "$precision", "maxSize": $max_size, "refit": $([ "$refit" = 1 ] && echo true || echo false),
  "gpu": "$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)" }
JSON
echo "Done: $out (set MODELS_DIR to its parent)"
