#!/usr/bin/env bash
# Builds the FLUX.1 Fill [dev] model directory the server's FLUX_FILL_TRT backend loads
# (docs/gpu.md), on the GPU host that will run it: TensorRT engines are tied to the TensorRT
# version and the GPU they were built on.
#
#   scripts/build-flux-engines.sh --onnx DIR --hf DIR --out MODELS_DIR/flux1-fill-dev \
#       [--precision bf16|fp8] [--max-size 1536] [--refit]
#
#   --onnx DIR   the ONNX exports of the five models with their external weight files, either
#                named clip.onnx, t5.onnx, transformer.onnx, vae_encoder.onnx, vae_decoder.onnx,
#                or in Black Forest Labs' "-onnx" repository layout (clip.opt/model.onnx,
#                t5.opt/, transformer.opt/<precision>/, vae_encoder.opt/, vae.opt/ for the
#                decoder). No FLUX.1 Fill [dev] export is published as of TensorRT 10.16: export
#                the Fill transformer (384 input channels) from the diffusers checkpoint with the
#                same tensor names as the [dev] ones (docs/gpu.md); the other four are [dev]'s.
#   --hf DIR     a snapshot of black-forest-labs/FLUX.1-Fill-dev (only tokenizer/ and tokenizer_2/
#                are read; the weights are non-commercial and never bundled with this server)
#   --out DIR    where the engines and tokenizers go (the server reads MODELS_DIR/flux1-fill-dev)
#   --precision  bf16 (default) or fp8 for the transformer (an fp8-quantized ONNX export)
#   --max-size   the largest canvas side the engines accept, a multiple of 16 (default 1536);
#                the smallest is 256. Larger canvases are refused by TensorRT's shape profile.
#   --refit      build the transformer refittable and write transformer.refit.safetensors, so
#                LoRA tunes can be applied (bf16 only; costs some speed; see docs/gpu.md)
#
# Needs: trtexec (TensorRT 10, the same major the addon is built for) on PATH, an NVIDIA GPU,
# python3 with transformers (tokenizers), and with --refit also torch, onnx and safetensors.
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
[ "$refit" = 1 ] && [ "$precision" = fp8 ] && fail "--refit needs --precision bf16 (fp8 weights are quantized; LoRA deltas cannot be added to them)"
command -v trtexec >/dev/null || fail "trtexec is not on PATH (it comes with TensorRT: <TensorRT>/bin)"
# The ONNX file of a model: <name>.onnx, or the "-onnx" repository layout.
onnx_of() {
  local flat="$onnx/$1.onnx" bfl
  case "$1" in
    transformer) bfl="$onnx/transformer.opt/$precision/model.onnx" ;;
    vae_decoder) bfl="$onnx/vae.opt/model.onnx" ;;
    *) bfl="$onnx/$1.opt/model.onnx" ;;
  esac
  if [ -f "$flat" ]; then echo "$flat"; elif [ -f "$bfl" ]; then echo "$bfl"; else fail "no $flat nor $bfl"; fi
}
for model in clip t5 transformer vae_encoder vae_decoder; do onnx_of "$model" >/dev/null; done
mkdir -p "$out"

# Shape profiles: batch 1; canvases from 256x256 to max x max; the optimum at 1024x1024.
min_px=256 opt_px=1024
lat() { echo $(($1 / 8)); }
tokens() { echo $((($1 / 16) * ($2 / 16))); }
l_min=$(tokens $min_px $min_px) l_opt=$(tokens $opt_px $opt_px) l_max=$(tokens "$max_size" "$max_size")

build() { # name, extra trtexec flags...
  local name="$1"; shift
  echo "== $name"
  trtexec --onnx="$(onnx_of "$name")" --saveEngine="$out/$name.plan" --skipInference --builderOptimizationLevel=3 "$@"
}

build clip --fp16 \
  --minShapes=input_ids:1x77 --optShapes=input_ids:1x77 --maxShapes=input_ids:1x77
# T5 and the transformer keep the types their export carries (as NVIDIA's demo builds them);
# the VAE runs in bf16, since fp16 loses accuracy there.
build t5 --stronglyTyped \
  --minShapes=input_ids:1x512 --optShapes=input_ids:1x512 --maxShapes=input_ids:1x512
transformer_flags=(--stronglyTyped)
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
  python3 - "$(onnx_of transformer)" "$hf/transformer" "$out/transformer.refit.safetensors" <<'PY'
# The engine's refittable weights carry the ONNX initializers' names, which the exporter may
# have made up ("onnx::MatMul_1234") and stored transposed; LoRAs name the model's Linear
# weights ("<module>.weight"). Match every 2-D model weight to its initializer by content (as
# the TensorRT demo's export_weights_map does), keep the initializer's values under its name,
# and record the model name -> initializer name ("|T": transposed) in the file's metadata.
import glob, hashlib, sys
import onnx, torch
from onnx import numpy_helper
from safetensors.torch import load_file, save_file
onnx_file, model_dir, out = sys.argv[1:4]
key = lambda t: (tuple(t.shape), hashlib.sha1(t.to(torch.bfloat16).contiguous().view(torch.int16).numpy().tobytes()).hexdigest())
initializers = {}
for init in onnx.load(onnx_file, load_external_data=True).graph.initializer:
    if len(init.dims) == 2:
        initializers[key(torch.from_numpy(numpy_helper.to_array(init).astype("float32")))] = init.name
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
{ "model": "FLUX.1 Fill [dev]", "tensorrt": "$(trtexec --version 2>/dev/null | head -n 1 || echo unknown)",
  "precision": "$precision", "maxSize": $max_size, "refit": $([ "$refit" = 1 ] && echo true || echo false),
  "gpu": "$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)" }
JSON
echo "Done: $out (set MODELS_DIR to its parent)"
